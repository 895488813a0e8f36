"""Loading content/: every file claimed by a kind, parsed once (cached by content hash, in parallel)."""

from __future__ import annotations

import hashlib
import math
import os
import posixpath
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import BaseModel

from .. import __version__, yamlstrict
from ..cache import PortalCache
from ..folders import walk
from ..memory import paused_gc
from ..problems import Problem
from ..schema import validate
from .kinds import AVATAR_SUFFIXES, BOARD_FILE, KINDS, MEDIA_FOLDER, STATIC_SUFFIXES
from .markdown import WORDS_PER_MINUTE, LocalLink, Note, Options, SiteLink, render
from .models import Board, Unchecked
from .source import Source, decode, split_front_matter

CONTENT_DIR = "content"
#: Lines a Markdown file may have: three times the longest post of ten years of the Rust blog (2,875).
MAX_LINES = 10_000
PARALLEL_THRESHOLD = 300  # files to render: below this, starting worker processes costs more than it saves
FRONT_MATTER_SHARE = 8  # reading a file's front matter alone costs about an eighth of rendering it too
#: Names skipped in content/ (editors and file managers leave them behind).
IGNORED_NAMES = {".gitkeep", ".DS_Store"}


@dataclass
class Item:
    """One Markdown file, checked and rendered; plain data, so it can be cached and sent between processes."""

    kind: str  # the folder of its kind: articles, interviews, events, pages, contributors
    relpath: str  # under content/, posix
    slug: str
    meta: BaseModel
    html: str
    words: int
    first_paragraph: str
    lines: dict
    body_line: int
    local_links: list[LocalLink] = field(default_factory=list)
    external_links: list[str] = field(default_factory=list)
    images_without_alt: list[int] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    link_key: str = ""  # the key of the placeholders standing for local links in `html` (see content/markdown.py)
    flattened: list[int] = field(default_factory=list)  # lines of paragraphs shown as plain text (markdown.MAX_BRACKETS)
    repeated: list[int] = field(default_factory=list)  # lines of paragraphs shown as plain text (markdown.link_budget)
    notes: list[Note] = field(default_factory=list)  # what the renderer refused or removed (rules/links.py reports it)
    site_links: list[SiteLink] = field(default_factory=list)  # absolute links, checked by rules/links.py
    #: False when only the front matter was read (a pull request's check of the files it does not change):
    #: the body's HTML, words, links and questions are then empty. Such an item is never rendered or cached.
    body_read: bool = True
    #: A digest of what pages other than the item's own can show of it: everything but its body's markup (see
    #: `outline`). Two versions of a file with the same outline differ only on the item's own page, in feeds that
    #: carry whole bodies and in the search index: an incremental build renders just those.
    outline: str = ""

    @property
    def path(self) -> str:
        """The path a contributor sees: relative to the repository root."""
        return f"{CONTENT_DIR}/{self.relpath}"

    @property
    def url(self) -> str:
        return KINDS[self.kind].url_for(self.slug)

    def line_of(self, *field_path: str | int) -> int:
        key = tuple(field_path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return 1


@dataclass
class Loaded:
    """Everything read from content/."""

    items: list[Item] = field(default_factory=list)
    board: Board | None = None
    board_lines: dict = field(default_factory=dict)
    static: list[str] = field(default_factory=list)  # relpaths under content/
    files: list[str] = field(default_factory=list)  # every regular file under content/ in walk order, but ignored names
    problems: list[Problem] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # relpath -> sha256 of every file read



def parse_file(content_root: str, relpath: str, options: Options, max_bytes: int,
               data: bytes | None = None, body: bool = True) -> tuple[Item | None, list[Problem]]:
    """Read (unless its bytes are given), check and render one Markdown file. Pure: the same bytes give the same result.

    With `body` false the Markdown is not rendered: the item has its front matter only, and the same problems,
    since rendering a body finds none (what is wrong in a body, the item rules find). A file whose front matter
    does not load gives no item: see parse_unchecked for its body."""
    display = f"{CONTENT_DIR}/{relpath}"
    _, source, problems = _read(content_root, relpath, max_bytes, data)
    if source is None or source.doc.data is None:
        return None, problems
    kind = KINDS[relpath.split("/", 1)[0]]
    meta, schema_problems = validate(kind.schema, source.doc, display, "schema")
    # A field YAML already complained about would only be reported twice.
    yaml_fields = {issue.field for issue in source.doc.issues}
    problems += [p for p in schema_problems if p.field not in yaml_fields]
    if meta is None:
        return None, problems
    if not body:
        return Item(kind=kind.folder, relpath=relpath, slug=_slug(meta, relpath), meta=meta, html="", words=0,
                    first_paragraph="", lines=source.doc.lines, body_line=source.body_line, body_read=False), problems
    item = _rendered(source, kind.folder, meta, options)
    item.outline = outline(item)
    return item, problems


def parse_unchecked(content_root: str, relpath: str, options: Options, max_bytes: int) -> Item | None:
    """The body of a file whose front matter did not load, rendered under a placeholder front matter with no field
    (models.Unchecked), or None when there is no body to read (the file is too large, not UTF-8, or its front matter
    is never closed).

    Such an item is only for the rules that read a body (rules/unloaded.py), so one run reports what is wrong
    below the front matter too: the graph and the build never see it, and it is never cached. A file with no front
    matter at all is a body from its first line."""
    text, source, _ = _read(content_root, relpath, max_bytes, None)
    if source is None and text is not None and text.split("\n", 1)[0].strip() != "---":
        source = Source(relpath, text, yamlstrict.YamlDocument(None), text, 1)
    if source is None:
        return None
    return _rendered(source, relpath.split("/", 1)[0], Unchecked(), options)


def _read(content_root: str, relpath: str, max_bytes: int,
          data: bytes | None) -> tuple[str | None, Source | None, list[Problem]]:
    """A file's text, its front matter and body (None when they cannot be told apart), and their problems."""
    display = f"{CONTENT_DIR}/{relpath}"
    problems: list[Problem] = []
    full = os.path.join(content_root, relpath)
    size = os.path.getsize(full) if data is None else len(data)
    if size > max_bytes:
        # Checked before reading, so a huge file costs nothing.
        return None, None, [Problem(display, 0, "file-too-large", "", f"{-(-size // 1024)} KiB is over the limit of "
                                    f"{max_bytes // 1024} KiB", "split the text or raise moderation.max_file_kb")]
    if data is None:
        with open(full, "rb") as handle:
            data = handle.read()
    text = decode(data, display, problems)
    if text is None:
        return None, None, problems
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        # Each line may start a block, and the Markdown reader spends ~20 us on each: 262,144 one-character
        # headings fill 512 KiB and took 6 s to read.
        problems.append(Problem(display, MAX_LINES + 1, "limit", "", f"{lines:,} lines is over the limit of {MAX_LINES:,} "
                                "lines", "split the text into several items or pages"))
        return None, None, problems
    return text, split_front_matter(text, relpath, display, problems), problems


def _rendered(source: Source, kind: str, meta: BaseModel, options: Options) -> Item:
    relpath = source.relpath
    rendered = render(source.body, relpath, source.body_line, html=options.html,
                      lang=getattr(meta, "lang", None) or options.lang, interview=kind == "interviews")
    return Item(
        kind=kind,
        relpath=relpath,
        slug=_slug(meta, relpath),
        meta=meta,
        html=rendered.html,
        words=rendered.words,
        first_paragraph=rendered.first_paragraph,
        lines=source.doc.lines,
        body_line=source.body_line,
        local_links=rendered.local_links,
        external_links=rendered.external_links,
        images_without_alt=rendered.images_without_alt,
        questions=rendered.questions,
        link_key=rendered.link_key,
        flattened=rendered.flattened,
        repeated=rendered.repeated,
        notes=rendered.notes,
        site_links=rendered.site_links,
    )


def _slug(meta: BaseModel, relpath: str) -> str:
    return getattr(meta, "slug", None) or posixpath.splitext(posixpath.basename(relpath))[0]


def outline(item: Item) -> str:
    """The digest of an item's front matter, slug, first paragraph (its summary when it has none), questions and
    reading time: all that listings, feeds' summaries, calendars, neighbours and translations show of it. Front
    matter models hold only plain values and other models, so their repr is stable from process to process."""
    minutes = max(1, math.ceil(item.words / WORDS_PER_MINUTE)) if item.words else 0
    facts = (item.kind, item.slug, item.meta, item.first_paragraph, item.questions, minutes)
    return hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()


#: A file's stat signature stands for its digest only if the file had not changed for this long when it was read:
#: a file changed twice within one tick of the file system's clock keeps its signature (git's "racily clean" files).
SETTLED_NS = 2_000_000_000

Signature = tuple[int, int, int, int, int]
Parsed = tuple[Item | None, list[Problem]]


def signature(info: os.stat_result) -> Signature:
    """What changes whenever a file's bytes do: size, modification and change times (the change time cannot be
    set back by hand), inode and device."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev


def _settled(info: os.stat_result, read_at_ns: int) -> Signature | None:
    return signature(info) if read_at_ns - max(info.st_mtime_ns, info.st_ctime_ns) > SETTLED_NS else None


def _parse_task(args: tuple[str, str, Options, int, bool]) -> tuple[str, Signature | None, Parsed]:
    """Read one file once: its digest, its signature if it may stand for the digest next time, and its parse."""
    content_root, relpath, options, max_bytes, body = args
    full = os.path.join(content_root, relpath)
    # Never through a link (discover() refused them; one made since is not followed either).
    with open(os.open(full, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
        info = os.fstat(handle.fileno())  # before reading: a change after it changes the signature the next run sees
        data = handle.read()
    known = _settled(info, time.time_ns())
    return hashlib.sha256(data).hexdigest(), known, parse_file(content_root, relpath, options, max_bytes, data, body)


class ParseCache:
    """Parsed files keyed by path and content hash, kept between builds in the portal's cache folder.

    Each entry also keeps the file's stat signature when it was read, if the file had settled by then: a file
    whose signature is unchanged is not read again at all (a check of a 10,000-item portal read and hashed
    every file, 0.9 s). The entries are spread over SHARDS files by path, and only the shards holding a
    changed entry are written back: a pull request of three files rewrites three small files, not the whole cache."""

    SHARDS = 16

    def __init__(self, cache: PortalCache | None, settings_key: str):
        self.cache = cache  # the portal's cache folder, one file per shard
        self.key = f"{__version__}:{_code_digest()}:{settings_key}"
        self.entries: dict[str, tuple[str, Signature | None, Parsed]] = {}
        self.hits = 0
        self._dirty: set[int] = set()
        for shard in range(self.SHARDS) if cache else ():
            stored = cache.load_pickle(self._shard_file(shard))
            # A missing, tampered or old shard is only a slower build.
            if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.key:
                self.entries.update(stored[1])

    def lookup(self, full: str, relpath: str) -> tuple[str, Parsed] | None:
        """The digest and parse of `relpath` (at `full`) if the file did not change since it was parsed."""
        entry = self.entries.get(relpath)
        if entry is None:
            return None
        digest, known, result = entry
        info = os.stat(full)
        if known is None or known != signature(info):
            with open(full, "rb") as handle:  # touched, maybe changed: its bytes tell
                data = handle.read()
            if hashlib.sha256(data).hexdigest() != digest:
                return None
            fresh = _settled(info, time.time_ns())
            if fresh != known:
                self.put(relpath, digest, fresh, result)
        self.hits += 1
        return digest, result

    def put(self, relpath: str, digest: str, known: Signature | None, result: Parsed) -> None:
        self.entries[relpath] = (digest, known, result)
        self._dirty.add(_shard_of(relpath, self.SHARDS))

    def save(self, keep: set[str]) -> None:
        if not self.cache:
            return
        for gone in [k for k in self.entries if k not in keep]:
            del self.entries[gone]
            self._dirty.add(_shard_of(gone, self.SHARDS))
        if not self._dirty:
            return
        shards: dict[int, dict] = {shard: {} for shard in self._dirty}
        for relpath, entry in self.entries.items():
            shard = _shard_of(relpath, self.SHARDS)
            if shard in shards:
                shards[shard][relpath] = entry
        # Sorted, so the shards are written in the same order whatever was edited.
        for shard, entries in sorted(shards.items()):
            self.cache.dump_pickle(self._shard_file(shard), (self.key, entries))
        self._dirty.clear()

    @staticmethod
    def _shard_file(shard: int) -> str:
        return f"parsed-{shard:02d}.pickle"


def _shard_of(relpath: str, shards: int) -> int:
    # crc32, not hash(): string hashes are salted per process, the shard of a path must not be.
    return zlib.crc32(relpath.encode("utf-8")) % shards


def _code_digest() -> str:
    """A digest of the code that parses files: changing it invalidates every cached parse."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*package.glob("*.py"), *(package / "content").glob("*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def discover(content_root: Path) -> tuple[list[str], list[str], list[str], list[Problem]]:
    """Walk content/: Markdown files of a kind, static files, every regular file (ignored names and links left
    out), and problems for everything else."""
    markdown: list[str] = []
    static: list[str] = []
    every: list[str] = []
    problems: list[Problem] = []
    for rel_dir, dirs, files in walk(content_root):
        for entry in dirs:
            if entry.is_symlink():
                problems.append(Problem(f"{CONTENT_DIR}/{posixpath.join(rel_dir, entry.name)}", 0, "symlink", "",
                                        "symbolic links are not allowed under content/", "commit the real files instead"))
        for entry in files:
            name = entry.name
            rel = posixpath.join(rel_dir, name)
            display = f"{CONTENT_DIR}/{rel}"
            if name in IGNORED_NAMES:
                continue
            if entry.is_symlink():
                problems.append(Problem(display, 0, "symlink", "", "symbolic links are not allowed under content/", "commit the real file instead"))
                continue
            every.append(rel)
            claim = _claim(rel)
            if claim == "markdown":
                markdown.append(rel)
            elif claim == "static":
                static.append(rel)
            elif claim != "board":
                problems.append(Problem(display, 0, "unclaimed-file", "", claim, "move it to the right folder or remove it"))
    return markdown, static, every, problems


def _claim(rel: str) -> str:
    """'markdown', 'static', 'board', or the reason no kind claims the file."""
    if rel == BOARD_FILE:
        return "board"
    top, _, rest = rel.partition("/")
    suffix = posixpath.splitext(rel)[1].lower()
    if top == MEDIA_FOLDER and rest:
        return "static" if suffix in STATIC_SUFFIXES else f"'{suffix or rest}' files are not accepted in media/"
    if top in KINDS and rest:
        if suffix == ".md" and not rel.endswith(".md"):
            # '.MD' or '.Md': every check that tells an item by its name (ownership, consent, file names) says '.md'.
            return f"'{posixpath.splitext(rel)[1]}' is read as Markdown only in lowercase: rename the file to '.md'"
        if suffix == ".md" and top == "contributors" and "/" in rest:
            # The handle is the file name: a profile in a sub-folder would be another file for the same member.
            return "a profile is content/contributors/<handle>.md, never in a sub-folder"
        if suffix == ".md":
            return "markdown"
        if top == "contributors" and suffix in AVATAR_SUFFIXES and "/" not in rest:
            return "static"
        return f"no content kind reads '{suffix or rest}' files in {top}/"
    known = ", ".join(sorted([*KINDS, MEDIA_FOLDER]))
    return f"files under content/ belong in one of: {known}, or board.yaml"


def load(content_root: Path, *, options: Options, max_bytes: int, cache: ParseCache | None = None, workers: int | None = None,
         bodies: set[str] | None = None) -> Loaded:
    """Read every file of content/; problems are collected, never raised.

    With `bodies`, the Markdown of a file not in it is rendered only when the cache has it: the others are read
    for their front matter (eight times faster), and neither cached nor ever rendered."""
    loaded = Loaded()
    markdown, loaded.static, loaded.files, loaded.problems = discover(content_root)
    results: dict[str, Parsed] = {}
    todo = []
    for rel in markdown:
        cached = cache.lookup(os.path.join(content_root, rel), rel) if cache else None
        if cached is not None:
            loaded.digests[rel], results[rel] = cached
            if bodies is not None and rel not in bodies:
                results[rel] = _front_matter_only(*cached[1])  # as if just read: the same answer, warm or cold
        else:
            todo.append(rel)
    args = [(str(content_root), rel, options, max_bytes, bodies is None or rel in bodies) for rel in todo]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    work = sum(1 if body else 1 / FRONT_MATTER_SHARE for *_, body in args)
    # Unpickling the workers' results makes only live objects: the collector would walk them for nothing.
    with paused_gc():
        if work >= PARALLEL_THRESHOLD and workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                # map keeps input order, so the result never depends on scheduling.
                parsed = list(pool.map(_parse_task, args, chunksize=32))
        else:
            parsed = [_parse_task(arg) for arg in args]
    for (_, rel, _, _, body), (digest, known, result) in zip(args, parsed, strict=True):
        loaded.digests[rel], results[rel] = digest, result
        if cache and body:
            cache.put(rel, digest, known, result)
    for rel in markdown:
        item, problems = results[rel]
        loaded.problems += problems
        if item is not None:
            loaded.items.append(item)
    loaded.digests = {rel: loaded.digests[rel] for rel in markdown}  # in the walk's order, whatever was cached
    if cache:
        cache.save(set(markdown))
    board_path = content_root / BOARD_FILE
    # A linked board.yaml is reported by discover() and never opened.
    if board_path.is_file() and not board_path.is_symlink():
        loaded.digests[BOARD_FILE] = _digest(board_path)
        loaded.board, loaded.board_lines = _load_board(board_path, loaded.problems, max_bytes)
    return loaded


def _front_matter_only(item: Item | None, problems: list[Problem]) -> Parsed:
    if item is None:
        return None, problems
    return replace(item, html="", words=0, first_paragraph="", local_links=[], external_links=[], images_without_alt=[],
                   questions=[], notes=[], site_links=[], body_read=False, outline=""), problems


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_board(path: Path, problems: list[Problem], max_bytes: int) -> tuple[Board | None, dict]:
    display = f"{CONTENT_DIR}/{BOARD_FILE}"
    size = path.stat().st_size
    if size > max_bytes:  # as for Markdown files: checked before reading, so a huge board costs nothing
        problems.append(Problem(display, 0, "file-too-large", "", f"{-(-size // 1024)} KiB is over the limit of "
                                f"{max_bytes // 1024} KiB", "move the published and dropped topics out, or raise "
                                "moderation.max_file_kb"))
        return None, {}
    text = decode(path.read_bytes(), display, problems)
    if text is None:
        return None, {}
    doc = yamlstrict.load(text)
    problems += [Problem(display, i.line, i.rule, i.field, i.message, i.hint) for i in doc.issues]
    board, schema_problems = validate(Board, doc, display, "schema")
    problems += schema_problems
    return board, doc.lines
