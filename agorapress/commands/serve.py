"""`agora serve`: build, serve on localhost, and rebuild on every save with live reload."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

import click
from rich.console import Console

from ..problems import AgoraError, BuildFailed


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: output/).")
@click.option("--drafts", is_flag=True, help="Show drafts and scheduled items too.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, output: Path | None, drafts: bool) -> None:
    """Preview the portal: a saved item's page is refreshed at once, the rest follows."""
    from ..build import build
    from ..devserver import Reloads, first_server, watch
    from ..render import live as live_render
    from .build import Progress

    root: Path = ctx.obj["root"].resolve()
    output = (output or root / "output").resolve()
    reloads = Reloads()
    state: dict = {}
    live_render.connect()
    rebuild_needed = threading.Event()
    stop = threading.Event()
    # Items saved while a full build runs: that build may have read them before the save, and its swap
    # would bring back their old page until the next build; they are rendered again on top of it.
    saved_during_build: set[Path] = set()
    saved_lock = threading.Lock()
    render_lock = threading.Lock()

    # The port is taken before the first build, so a port in use is said at once, not after a long build.
    server, taken = first_server(output, host, port, reloads)
    explicit = ctx.get_parameter_source("port") == click.core.ParameterSource.COMMANDLINE
    if taken and (explicit or server is None):
        raise click.ClickException(f"port {taken[0]} is in use: stop what uses it, or choose another with --port"
                                   if explicit else f"ports {taken[0]} to {taken[-1]} are in use: choose one with --port")
    if taken:
        click.echo(f"port {taken[0]} is in use: serving on {server.server_address[1]} instead (choose one with --port)",
                   err=True)
    reloads.on_served = lambda name, seconds: click.echo(f"{name}: page served {seconds * 1000:.0f} ms after the save",
                                                         err=True)

    def full_build(first: bool = False) -> None:
        started = time.perf_counter()
        with saved_lock:
            saved_during_build.clear()
        console = Console(stderr=True)
        # The first build is a whole build, shown like `agora build`'s; later ones are quiet until they end.
        show = first and console.is_terminal and not os.environ.get("CI")
        progress = Progress()
        try:
            with console.status(progress) if show else contextlib.nullcontext() as status:
                def on_stage(stage: str, written=None) -> None:
                    progress.stage, progress.written = stage, written
                    if status is not None:
                        status.update(progress)

                # One process: the state kept for quick renders must come from this process's generators, so the
                # first build renders (an up-to-date output would leave no state). After it only quick renders
                # touch the output: a save that changed only a body is rebuilt incrementally.
                build(root, output, drafts=drafts, workers=1, force=first, trust_output=not first, live=state,
                      on_stage=on_stage)
            with saved_lock:
                again = sorted(saved_during_build)
            for path in again:
                quick_render(path)
        except BuildFailed as exc:
            reloads.bump(exc.problems.render("text"))
            click.echo(exc.problems.render("text"), err=True)
            return
        except AgoraError as exc:
            reloads.bump(str(exc))
            click.echo(f"error: {exc}", err=True)
            return
        reloads.bump()
        click.echo(f"{'built' if first else 'rebuilt'} in {time.perf_counter() - started:.2f}s", err=True)

    def builder() -> None:
        while not stop.is_set():
            if rebuild_needed.wait(timeout=0.5):
                rebuild_needed.clear()
                full_build()

    def on_change(paths: set[Path]) -> None:
        content = root / "content"
        # Saved items are shown first; the full build that always follows handles everything else.
        quick = [p for p in paths if p.suffix == ".md" and content in p.parents and p.is_file()]
        with saved_lock:
            saved_during_build.update(quick)
        for path in sorted(quick):
            quick_render(path)
        rebuild_needed.set()

    def quick_render(path: Path) -> None:
        try:
            saved_at = path.stat().st_mtime
        except OSError:
            return  # deleted since: the full build takes it out
        # One at a time: the watcher and the builder (after its swap) both render into the live generators.
        with render_lock:
            written, problems = live_render.render_item(state, root, output, path.relative_to(root / "content").as_posix())
        if problems and any(p.severity == "error" for p in problems):
            reloads.bump("\n".join(p.as_text() for p in problems))
        elif written:
            # From the save itself (the file's time), not from when the watcher noticed it: what a reader waits.
            reloads.bump(saved=(path.name, saved_at))
            click.echo(f"{path.name}: page ready {(time.time() - saved_at) * 1000:.0f} ms after the save", err=True)

    full_build(first=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=builder, daemon=True).start()
    click.echo(f"Serving {output} at http://{host}:{server.server_address[1]}/ (Ctrl+C to stop)", err=True)
    watched = [root / "content", root / "site_config.yaml", root / "themes", root / "plugins"]
    try:
        watch(watched, on_change, stop)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
