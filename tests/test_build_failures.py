"""A build never ends in a traceback and never loses the last site: a bad output folder, a link in the staging
folder's place, a read-only folder, a full disk, a broken template and a swap cut short, each with a real build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_build import NOW, article, tree_digest

import agorapress
from agorapress.build import swap
from agorapress.build.pipeline import build
from agorapress.build.swap import OutputUnusable
from agorapress.problems import BuildFailed
from agorapress.render import shards as parallel

FILES = {"content/articles/a.md": article(title="First"), "content/articles/b.md": article(title="Second")}


def agora(root: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "agorapress.cli", "--root", str(root), *args],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def build_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return agora(root, "build", "--now", NOW.isoformat(), *args)


def beside(output: Path) -> list[str]:
    """The build's own folders left next to the output, once the sites it replaced are deleted (the trash folder
    stays, empty but for its .gitignore, for the next build)."""
    assert swap.wait_discarded(output)
    return sorted(p.name for p in output.parent.iterdir()
                  if p.name.startswith(f".{output.name}.") and p != swap.trash_of(output))


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_the_replaced_site_is_deleted_after_the_build_by_a_process_of_its_own(portal, exchange, monkeypatch) -> None:
    root = portal(FILES)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("/output/\n", encoding="utf-8")  # a portal made before the trash folder existed
    if not exchange:
        monkeypatch.setattr(swap, "_exchange", lambda a, b: False)
    output = build(root, now=NOW).output
    first = (output / "articles/a/index.html").stat().st_ino
    (root / "content/articles/c.md").write_text(article(title="Third"), encoding="utf-8")
    build(root, now=NOW)
    trash = swap.trash_of(output)
    assert trash.is_dir() and (trash / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (output / "articles/c/index.html").is_file()
    assert (output / "articles/a/index.html").stat().st_ino == first  # unchanged pages were linked, not copied
    assert beside(output) == []  # waits for the deleting process: every replaced site is gone
    assert sorted(p.name for p in trash.iterdir()) == [".gitignore", ".lock"]
    untracked = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                               capture_output=True, text=True, check=True).stdout
    assert ".output" not in untracked  # the trash folder is ignored whole, by its own .gitignore


def test_sites_a_killed_deleter_left_are_deleted_before_the_next_build_looks_at_the_output(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    assert build_cli(root).returncode == 0
    output = root / "output"
    left = swap.trash_of(output) / "1234-5678"
    shutil.copytree(output, left, copy_function=os.link)  # as a swap leaves it: every file shared with the output
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    (left / "link-out").symlink_to(outside)
    again = build_cli(root)
    assert again.returncode == 0 and "is up to date" in again.stderr, again.stderr  # the quick way: nothing rendered
    assert not left.exists() and outside.read_text(encoding="utf-8") == "keep me\n"
    # A lock that is a link (a pull request can commit one there) is never opened: the sites are deleted without it.
    (swap.trash_of(output) / ".lock").unlink()
    (swap.trash_of(output) / ".lock").symlink_to(outside)
    (swap.trash_of(output) / ".gitignore").unlink(missing_ok=True)
    (swap.trash_of(output) / ".gitignore").symlink_to(outside)
    assert build_cli(root, "--force").returncode == 0
    assert build_cli(root, "--force").returncode == 0  # the second one waits on the first one's deleter
    assert beside(output) == [] and outside.read_text(encoding="utf-8") == "keep me\n"


def test_the_deleting_process_imports_nothing_from_the_portal(portal, tmp_path: Path) -> None:
    # A pull request can add Python files anywhere in the portal, the trash folder included: the process that
    # deletes the replaced site runs with the standard library alone, as the workflows run agora (python -I).
    root = portal(FILES)
    marker = tmp_path / "imported"
    trash = swap.trash_of(root / "output")
    trash.mkdir()
    for folder in (root, trash):
        for name in ("shutil.py", "fcntl.py", "stat.py", "posixpath.py"):
            (folder / name).write_text(f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n", encoding="utf-8")

    def build_here(*args: str) -> None:
        # In the portal's folder, which agora itself does not search for modules (PYTHONSAFEPATH, as python -I).
        env = {**os.environ, "PYTHONSAFEPATH": "1", "PYTHONPATH": str(Path(agorapress.__file__).parent.parent)}
        done = subprocess.run([sys.executable, "-m", "agorapress.cli", "build", "--now", NOW.isoformat(), *args],
                              cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr

    build_here()
    build_here("--force")  # replaces the first site: its deleter starts in the portal's folder
    assert beside(root / "output") == []
    assert not marker.exists(), marker.read_text(encoding="utf-8")


# --- where the build writes ------------------------------------------------------------------------------------

def test_an_output_that_is_a_file_is_refused_and_kept(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    target = tmp_path / "notes.txt"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputUnusable) as refused:
        build(root, target, now=NOW)
    assert [(p.rule, p.message) for p in refused.value.problems] == [("output-folder", "is a file, not a folder")]
    assert target.read_text(encoding="utf-8") == "mine\n" and beside(target) == []
    done = build_cli(root, "--output", str(target / "site"))  # its parent is a file: ENOTDIR, found before writing
    assert done.returncode == 2
    assert f"{target / 'site'}: error[output-folder]: {target} is a file, not a folder" in done.stdout, done.stdout


def test_a_link_in_place_of_the_staging_folder_is_neither_deleted_nor_written_through(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    assert build_cli(root).returncode == 0
    before = tree_digest(root / "output")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "precious.txt").write_text("keep me\n", encoding="utf-8")
    for name in (".output.staging", ".output.old", ".output.trash"):
        link = root / name
        link.symlink_to(target)
        done = build_cli(root, "--force")
        assert done.returncode == 2
        assert re.search(rf"^{re.escape(str(link))}: error\[output-folder\]: is a symbolic link", done.stdout, re.M), done.stdout
        assert sorted(p.name for p in target.iterdir()) == ["precious.txt"]
        assert tree_digest(root / "output") == before
        link.unlink()
    assert build_cli(root, "--force").returncode == 0


def test_an_output_that_is_a_link_is_not_followed(portal, tmp_path: Path) -> None:
    # A repository can hold `output` as a link to any folder of whoever builds it: that folder is never replaced.
    root = portal(FILES)
    target = tmp_path / "someone-elses"
    target.mkdir()
    (target / "precious.txt").write_text("keep me\n", encoding="utf-8")
    (root / "output").symlink_to(target)
    done = build_cli(root)
    assert done.returncode == 2 and "error[output-folder]: is a symbolic link" in done.stdout, done.stdout
    assert sorted(p.name for p in target.iterdir()) == ["precious.txt"]
    assert beside(root / "output") == [] and beside(target) == []


@pytest.fixture
def disk(tmp_path: Path):
    """A 4 MB file system of its own (tmpfs), so that a full disk and a read-only one are real; root only."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("provoking ENOSPC and EROFS for real needs root, to mount a small tmpfs")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs failed here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_a_problem_line_and_the_last_site_stays(portal, disk: Path) -> None:
    root = portal(FILES)
    output = disk / "site"
    assert build_cli(root, "--output", str(output)).returncode == 0
    before = tree_digest(output)
    free = shutil.disk_usage(disk).free
    filler = disk / "filler"
    with open(filler, "wb") as handle:  # leaves a few kilobytes: the staging folder starts, then runs out
        handle.write(b"\0" * (free - 16 * 1024))
    # A new text of 100 KB: its page cannot be linked from the last site, it needs room of its own.
    (root / "content/articles/long.md").write_text("---\ntitle: Long\ndate: 2026-01-03\nauthors: [ana]\n---\n"
                                                   + "A long text, word after word.\n\n" * 3000, encoding="utf-8")
    done = build_cli(root, "--output", str(output))
    assert done.returncode == 1
    assert re.search(r"^\(output\)[^:]*: error\[file-system\]: could not write .*No space left on device \(free some "
                     r"space", done.stdout, re.M), done.stdout
    assert tree_digest(output) == before and beside(output) == []
    filler.unlink()
    assert build_cli(root, "--output", str(output)).returncode == 0


def test_a_read_only_folder_is_a_problem_line_and_the_last_site_stays(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    if os.geteuid() == 0:  # root writes whatever the modes say: a file system mounted read-only instead
        folder = tmp_path / "ro"
        folder.mkdir()
        if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                                                           capture_output=True).returncode != 0:
            pytest.skip("root ignores folder modes, and mounting a tmpfs to make it read-only failed here")
        make_read_only = ["mount", "-o", "remount,ro", str(folder)]
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        make_read_only = None
    try:
        output = folder / "site"
        assert build_cli(root, "--output", str(output)).returncode == 0
        before = tree_digest(output)
        if make_read_only:
            subprocess.run(make_read_only, check=True)
        else:
            folder.chmod(0o555)
        done = build_cli(root, "--output", str(output), "--force")
        assert done.returncode == 2
        assert re.search(rf"^{re.escape(str(output))}: error\[output-folder\]: cannot create the build's staging folder "
                         r".*(Read-only file system|Permission denied) \(build into a folder you can write to",
                         done.stdout, re.M), done.stdout
        assert tree_digest(output) == before and beside(output) == []
    finally:
        if make_read_only:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        else:
            folder.chmod(0o755)


# --- the portal's own templates -------------------------------------------------------------------------------

BROKEN_TEMPLATES = {
    "a syntax error": ("{% extends 'base.html' %}\n{% block content %}\n{{ item.title( }}\n{% endblock %}\n", 3,
                       "TemplateSyntaxError: unexpected '}'"),
    "an error at render": ("{% extends 'base.html' %}\n{% block content %}\n<p>{{ 1 // 0 }}</p>\n{% endblock %}\n", 3,
                           "ZeroDivisionError: integer division or modulo by zero"),
    "a missing include": ("{% extends 'base.html' %}\n{% block content %}\n\n{% include 'nowhere.html' %}\n{% endblock %}\n",
                          4, "TemplateNotFound: nowhere.html"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_TEMPLATES))
def test_a_broken_template_override_names_its_file_and_line(portal, case: str) -> None:
    root = portal(FILES)
    assert build_cli(root).returncode == 0
    before = tree_digest(root / "output")
    source, line, message = BROKEN_TEMPLATES[case]
    override = root / "themes/agora/templates/article.html"
    override.parent.mkdir(parents=True)
    override.write_text(source, encoding="utf-8")
    done = build_cli(root)
    assert done.returncode == 1
    assert done.stdout.startswith(f"themes/agora/templates/article.html:{line}: error[template]: {message}"), done.stdout
    assert tree_digest(root / "output") == before and beside(root / "output") == []


def test_a_broken_template_in_a_forked_shard_is_a_problem_line_too(portal, monkeypatch) -> None:
    root = portal({f"content/articles/a{i}.md": article(title=f"A{i}") for i in range(6)})
    override = root / "themes/agora/templates/article.html"
    override.parent.mkdir(parents=True)
    override.write_text(BROKEN_TEMPLATES["an error at render"][0], encoding="utf-8")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)  # two shards for six items: the child renders some pages
    with pytest.raises(BuildFailed) as failed:
        build(root, now=NOW, workers=2)
    found = {(p.path, p.line, p.rule, p.message) for p in failed.value.problems}
    assert found == {("themes/agora/templates/article.html", 3, "template",
                      "ZeroDivisionError: integer division or modulo by zero")}


def test_a_failing_portal_plugin_names_its_file_and_line(portal) -> None:
    root = portal(FILES)
    (root / "plugins").mkdir()
    (root / "plugins/boom.py").write_text("from pelican import signals\n\n\ndef fail(generator):\n"
                                          "    raise RuntimeError('the plugin fails')\n\n\ndef register():\n"
                                          "    signals.article_generator_finalized.connect(fail)\n", encoding="utf-8")
    config = root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "plugins: [boom]\n", encoding="utf-8")
    done = build_cli(root)  # in a process of its own: Pelican's signals outlive a build
    assert done.returncode == 1
    assert done.stdout.startswith("plugins/boom.py:5: error[plugin]: RuntimeError: the plugin fails"), done.stdout


def test_a_render_shard_sends_a_template_error_as_a_problem_line(portal, tmp_path: Path) -> None:
    # A forked shard reports to shard 0 through a pipe: here shard 1 of 2 runs alone, so it renders every page.
    import multiprocessing

    from agorapress.people import People
    from agorapress.render.context import RenderContext
    from agorapress.render.settings import pelican_settings
    from agorapress.site import load_portal

    root = portal(FILES)
    override = root / "themes/agora/templates/article.html"
    override.parent.mkdir(parents=True)
    override.write_text(BROKEN_TEMPLATES["an error at render"][0], encoding="utf-8")
    loaded = load_portal(root, now=NOW)
    context = RenderContext(loaded, People(loaded.graph), tmp_path / "staging", scratch=tmp_path)
    settings = pelican_settings(context)
    received, sent = multiprocessing.Pipe(duplex=False)
    parallel._child(settings, context, 1, sent, parallel.Claims(multiprocessing.Value("q", 0)))
    messages = []
    while True:
        try:
            messages.append(received.recv())
        except EOFError:  # the shard closed its end
            break
    complaints, walked = messages[-1]
    assert walked is None
    assert [(p.path, p.line, p.rule) for p in complaints] == [("themes/agora/templates/article.html", 3, "template")]


# --- the swap -------------------------------------------------------------------------------------------------

def test_the_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "in-a").touch()
    (b / "in-b").touch()
    if not swap._exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here: builds swap with two renames")
    assert [p.name for p in a.iterdir()] == ["in-b"] and [p.name for p in b.iterdir()] == ["in-a"]


def test_a_swap_stopped_between_its_renames_is_recovered_by_the_next_build(portal) -> None:
    root = portal(FILES)
    output = build(root, now=NOW).output
    before = tree_digest(output)
    # What two renames leave when the process dies between them: the last site aside, no output.
    os.replace(output, root / ".output.old")
    again = build(root, now=NOW)
    assert again.unchanged  # the site put back is the last build's, as it left it
    assert tree_digest(output) == before and beside(output) == []


KILLED_BETWEEN_RENAMES = """
import os, signal, sys
from datetime import datetime
from pathlib import Path
from agorapress.build import swap
from agorapress.build.pipeline import build

root, output = Path(sys.argv[1]), Path(sys.argv[2])
swap._exchange = lambda a, b: False  # as on a system without RENAME_EXCHANGE
real_replace = os.replace

def replace(src, dst, *args, **kwargs):
    real_replace(src, dst, *args, **kwargs)
    if Path(dst) == swap.previous_of(output):  # the first rename is done: die before the second
        os.kill(os.getpid(), signal.SIGKILL)

os.replace = replace
build(root, output, now=datetime.fromisoformat(sys.argv[3]), force=True)
"""


def test_a_build_killed_between_the_two_renames_loses_nothing(portal) -> None:
    root = portal(FILES)
    output = build(root, now=NOW).output
    before = tree_digest(output)
    (root / "content/articles/c.md").write_text(article(title="Third"), encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(root), str(output), NOW.isoformat()],
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr
    assert not output.exists() and (root / ".output.old").is_dir()
    assert tree_digest(root / ".output.old") == before
    result = build(root, now=NOW)
    assert not result.unchanged and (output / "articles/c/index.html").is_file()
    assert beside(output) == []


def test_builds_leave_nothing_beside_the_output(portal) -> None:
    root = portal(FILES)
    output = build(root, now=NOW).output
    (root / "content/articles/a.md").write_text(article(title="First", body="Edited."), encoding="utf-8")
    build(root, now=NOW)
    build(root, now=NOW, force=True)
    assert beside(output) == []
