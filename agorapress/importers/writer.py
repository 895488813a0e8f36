"""An imported site written as a portal's files: one item per post in its section, a profile per author, images
under content/media/, every old address an alias, links rewritten to the new files. Nothing is written outside the
portal, and a file is written only when its bytes change, so a second import changes nothing."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from ..config import Moderation, load_config
from ..content.kinds import KINDS, RESERVED_HANDLES, STATIC_SUFFIXES
from ..content.schemes import classify
from ..graph import RESERVED_URLS
from ..rules.files import WINDOWS_RESERVED, media_problems
from ..schema import FIRST_YEAR, LAST_YEAR, MAX_SLUG, alias_path
from ..text import slugify, tag_slug
from .anchors import pin_headings
from .markup import link_lines, rewrite_links
from .model import Author, Note, Post, Site
from .sources import SourceTree, copy_file

MAP_FILE = ".agora-import.json"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
SOURCE_LINK = "source:"  # how readers mark a link to a file of the source (Zola's @/, Hugo's ref, Pelican's {filename})
_TAG_CHARS = re.compile(r"[^\w -]+")
_MEDIA_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_HANDLE_MAX = 40
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|rs|edu|gov|co|uk|de|fr|eu)(?:/|$)")
#: What a link that leads nowhere becomes: the empty fragment, a link to the page itself.
BROKEN = "#"
NOTHING_THERE = f"nothing in the source has that path (a broken link there too): it now leads to {BROKEN}"
_LOCAL_SCHEMES = ("http:", "https:", "mailto:", "tel:", "ftp:")


@dataclass
class Report:
    """What an import did."""

    written: list[str] = field(default_factory=list)  # paths under the portal
    unchanged: int = 0
    items: int = 0
    authors: int = 0
    media: int = 0
    notes: list[Note] = field(default_factory=list)


class PortalWriter:
    """Writes one source's posts into the portal at `root` (created if need be)."""

    def __init__(self, root: Path, kind: str, source: SourceTree | None, site: Site,
                 progress: Callable[[int, int], None] | None = None):
        self.root = Path(root).resolve()
        self.kind, self.source, self.site = kind, source, site
        self.progress = progress or (lambda done, total: None)
        self.report = Report(notes=list(site.notes))
        self.map = self._load_map()
        self.limits = _media_limits(self.root)
        self.targets: dict[str, str] = {}  # post source -> path under content/
        self.handles: dict[str, str] = {}  # author key -> handle
        self.addresses: dict[str, str] = {}  # old address (alias form) -> path under content/
        self.media: dict[str, str] = {}  # source file -> path under content/
        self._found: dict[str, set[str]] = {}
        self._wrote: set[str] = set()
        self._bundles: dict[str, str] = {}  # folder of a page bundle (index.md) -> its source
        self._lines: tuple[str, dict[str, int | None]] = ("", {})  # the post written now: its link targets' lines

    # --- the plan: where each post and author goes --------------------------------------------------------------

    def _load_map(self) -> dict:
        path = self.root / MAP_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() and not path.is_symlink() else {}
        except (OSError, ValueError):
            data = {}
        mine = data.get(self.kind) if isinstance(data, dict) else None
        return {"data": data, "posts": dict((mine or {}).get("posts", {})), "authors": dict((mine or {}).get("authors", {}))}

    def _existing(self, folder: str) -> set[str]:
        """Files of the portal not written by this import: never overwritten, never shadowed."""
        if folder not in self._found:
            self._found[folder] = self._scan(folder)
        return self._found[folder]

    def _scan(self, folder: str) -> set[str]:
        base = self.root / "content" / folder
        mine = set(self.map["posts"].values()) | {f"contributors/{h}.md" for h in self.map["authors"].values()}
        found = {f"{folder}/{p.relative_to(base).as_posix()}" for p in base.rglob("*.md")} if base.is_dir() else set()
        return found - mine

    def plan(self) -> None:
        taken = {posixpath.splitext(posixpath.basename(p))[0] + "@" + p.split("/")[0]
                 for folder in ("articles", "events", "interviews", "pages") for p in self._existing(folder)}
        section_words = {url.strip("/").split("/")[-1] for url in RESERVED_URLS if url}
        # Deterministic: posts in source order; one the map knows keeps its file.
        for post in sorted(self.site.posts, key=lambda p: p.source):
            known = self.map["posts"].get(post.source)
            if known and known.split("/")[0] == post.kind and known not in self._existing(post.kind):
                self.targets[post.source] = known
                taken.add(posixpath.splitext(posixpath.basename(known))[0] + "@" + post.kind)
        for post in sorted(self.site.posts, key=lambda p: p.source):
            if post.source in self.targets:
                continue
            base = (slugify(post.slug) or slugify(post.title) or "post")[:MAX_SLUG].strip("-")
            when = _day(post.published)
            candidates = [base, f"{when}-{base}"[:MAX_SLUG].strip("-") if when else None,
                          f"{base[:MAX_SLUG - 7]}-{hashlib.sha1(post.source.encode()).hexdigest()[:6]}"]
            for slug in candidates:
                if slug and slug + "@" + post.kind not in taken and slug not in section_words:
                    break
            taken.add(slug + "@" + post.kind)
            self.targets[post.source] = f"{post.kind}/{slug}.md"
        self._plan_authors()
        self._bundles = {posixpath.dirname(s): s for s in self.targets if posixpath.basename(s).startswith(("index.", "_index."))}
        self._bundle_files()
        for post in sorted(self.site.posts, key=lambda p: p.source):
            target = self.targets[post.source]
            for address in post.addresses:
                try:
                    key = alias_path(address)
                except ValueError:
                    continue
                self.addresses.setdefault(key, target)
                # '/a/b' and '/a/b/' and '/a/b/index.html' are one page to a reader.
                self.addresses.setdefault(key.removesuffix("index.html"), target)

    def _bundle_files(self) -> None:
        """The files beside a page bundle's index.md, at the addresses the old site served them: under each of the
        post's folder addresses (another post may link to them there)."""
        posts = {post.source: post for post in self.site.posts}
        for folder, source in sorted(self._bundles.items()):
            if self.source is None or not folder:
                continue
            for rel in self.source.walk(folder):
                if rel == source or rel.endswith(MARKDOWN_SUFFIXES):
                    continue
                for address in posts[source].addresses:
                    base = address if address.endswith("/") else posixpath.dirname(address) + "/"
                    self.site.files.setdefault(base + rel[len(folder) + 1:], rel)

    def _plan_authors(self) -> None:
        existing = {posixpath.splitext(p.split("/", 1)[1])[0] for p in self._existing("contributors")}
        used = set(existing)
        for key in sorted(self.site.authors):
            known = self.map["authors"].get(key)
            if known and known not in existing:
                self.handles[key] = known
                used.add(known)
        for key in sorted(self.site.authors):
            if key in self.handles:
                continue
            author = self.site.authors[key]
            base = slugify(author.name)[:_HANDLE_MAX].strip("-") or slugify(key)[:_HANDLE_MAX].strip("-") or "author"
            if base in RESERVED_HANDLES:
                base = f"{base}-author"
            handle, number = base, 2
            while handle in used:  # a member of the portal may have that handle: never credit them without consent
                handle = f"{base[:_HANDLE_MAX - 4].strip('-')}-{number}"
                number += 1
            self.handles[key] = handle
            used.add(handle)

    # --- links ----------------------------------------------------------------------------------------------

    def _resolver(self, post: Post, target: str) -> Callable[[str], str | None]:
        folder = posixpath.dirname(f"content/{target}")
        site_url = self.site.url.rstrip("/")
        # A site served under a path (Jekyll's baseurl, a Hugo baseURL with a path): its addresses are read from there.
        base_path = urlsplit(site_url).path.rstrip("/")

        def to_file(path: str, fragment: str) -> str:
            return posixpath.relpath(f"content/{path}", folder) + (f"#{fragment}" if fragment else "")

        def resolve(link: str) -> str | None:
            written = link
            if link.startswith(SOURCE_LINK):
                # A link the reader made to a file of the source: never left with its marker, which no browser knows.
                path, _, fragment = link[len(SOURCE_LINK):].partition("#")
                found = self._source_file(post, path, fragment, to_file, absolute=True, written=written)
                if found is None:
                    self._note(post, written, f"link to {path}: {NOTHING_THERE}")
                return found or BROKEN
            if site_url and link.startswith(site_url + "/") or link == site_url:
                link = link[len(site_url):] or "/"
            if classify(link, is_image=True).kind == "unsafe":  # as the gate reads it (a data: picture may stay)
                self._note(post, written, f"link to {link[:60]}: an address that runs a script or holds a document "
                                          f"is no link a portal publishes: it now leads to {BROKEN}")
                return BROKEN
            if link.startswith("//") or link.lower().startswith(_LOCAL_SCHEMES) or link.startswith("#"):
                return None
            if "{{" in link or "{%" in link:
                return None  # template code, listed as not converted: kept as written
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                return None
            path = unquote(parts.path)
            if path.startswith("/") and base_path and (path + "/").startswith(base_path + "/") \
                    and not self._address(path) and not self._file_at(path):
                link = link[len(base_path):] or "/"
                path = path[len(base_path):] or "/"
            if path.startswith("/"):
                found = self._address(path)
                if found:
                    return to_file(found, parts.fragment)
                static = self._file_at(path)
                if static:
                    return self._source_file(post, static, parts.fragment, to_file, absolute=True, written=written)
                if self.site.url:  # a page of the old site no post became (a list, a tag): still there, or not
                    self._note(post, written, f"link to {link}: no imported post has that address; linked on the old site")
                    return site_url + link
                return None
            found = self._source_file(post, path, parts.fragment, to_file, absolute=False, written=written)
            if found is not None or self.source is not None and self.source.is_file(posixpath.join(post.base, path)):
                return found
            # Relative to where the page was read: the old site had it at each of its addresses.
            for address in post.addresses:
                base = address if address.endswith("/") else posixpath.dirname(address) + "/"
                joined = posixpath.normpath(posixpath.join(base, path))
                target_file = self._address(joined)
                if target_file:
                    return to_file(target_file, parts.fragment)
                static = self._file_at(joined)
                if static:
                    return self._source_file(post, static, parts.fragment, to_file, absolute=True, written=written)
            if _DOMAIN.match(path):  # 'github.com/x': a web address written without its scheme
                self._note(post, written, f"link to {link}: read as https://{link}")
                return "https://" + link
            self._note(post, written, f"link to {link}: {NOTHING_THERE}")
            return BROKEN

        return resolve

    def _note(self, post: Post, written: str, message: str) -> None:
        """A note on the line of `post` where `written` (a link as the body has it) first appears."""
        self.report.notes.append(Note(post.file, self._line(post, written), message))

    def _line(self, post: Post, text: str) -> int:
        """The line of the source where the link to `text` first appears in the post's body (its first line when it
        does not). Every target of the body is found once, in one pass, however many notes there are: linear time."""
        if self._lines[0] != post.source:
            self._lines = post.source, link_lines(post.body)  # one post at a time
        lines = self._lines[1]
        if text not in lines and len(text) > 2:
            found = post.body.find(text)  # a file's name, a cover image: once per text
            lines[text] = post.body.count("\n", 0, found) + 1 if found >= 0 else None
        line = lines.get(text)
        return post.body_line + line - 1 if line is not None else post.line

    def _file_at(self, address: str) -> str | None:
        """The file of the source the old site served at `address` ('/a/' and '/a' are one address to a reader)."""
        files = self.site.files
        return files.get(address) or files.get(address.rstrip("/")) or files.get(address.rstrip("/") + "/")

    def _address(self, path: str) -> str | None:
        try:
            key = alias_path(path)
        except ValueError:
            return None
        for candidate in (key, key.removesuffix("index.html"), key + "/"):
            if candidate in self.addresses:
                return self.addresses[candidate]
        return None

    def _source_file(self, post: Post, path: str, fragment: str, to_file, absolute: bool,
                     written: str | None = None) -> str | None:
        """A link to a file of the source: the post it became, or the file copied under media/; one the portal does
        not publish is linked at its old address, else left as written (a link a reader marked with SOURCE_LINK,
        which cannot be, is broken). `written` is the link as the body has it, to find its line."""
        marked = written is not None and written.startswith(SOURCE_LINK)
        rel = posixpath.normpath(path.lstrip("/") if absolute else posixpath.join(post.base, path))
        if rel.startswith("../") or rel == "..":
            return None
        source = rel if rel in self.targets else self._bundles.get(rel.rstrip("/"))
        if source is not None:
            return to_file(self.targets[source], fragment)
        suffix = posixpath.splitext(rel)[1].lower()
        if self.source is None or not self.source.is_file(rel):
            return None
        refusal = None if suffix in STATIC_SUFFIXES else "is a page of the old site no imported post became" \
            if suffix in (*MARKDOWN_SUFFIXES, ".html") else f"is a '{suffix or 'plain'}' file the portal does not publish"
        if refusal is None and rel not in self.media:
            found = media_problems(self.source.root / rel, rel, self.limits[0], self.limits[1], deep=True)
            refusal = found[0].message.removeprefix(f"'{posixpath.basename(rel)}' ") if found else None
        if refusal:
            url = self._old_url(rel, post, path if not absolute else None)
            url = url + f"#{fragment}" if url and fragment else url
            left = f"it now leads to {BROKEN}" if marked else "left as it was"
            self._note(post, written or posixpath.basename(rel),
                       f"'{rel}' {refusal}: " + (f"linked at its old address {url}" if url else left))
            return url or (BROKEN if marked else None)
        return to_file(self._copy(post, rel), "")

    def _old_url(self, rel: str, post: Post, relative: str | None) -> str | None:
        """Where the old site served a file: a static file's address, or a file beside the post (a page bundle's)
        under the post's address."""
        if not self.site.url:
            return None
        for address, path in self.site.files.items():
            if path == rel:
                return self.site.url.rstrip("/") + address
        if relative is not None and post.addresses:
            return self.site.url.rstrip("/") + posixpath.normpath(posixpath.join(post.addresses[0], relative))
        return None

    def _copy(self, post: Post, rel: str) -> str:
        if rel in self.media:
            return self.media[rel]
        slug = posixpath.splitext(posixpath.basename(self.targets[post.source]))[0]
        name = _MEDIA_NAME.sub("-", posixpath.basename(rel)).strip("-._") or "file"
        if name.split(".")[0].lower() in WINDOWS_RESERVED:
            name = f"file-{name}"
        target = f"media/{slug}/{name}"
        data = self.source.read_bytes(rel)
        if data is not None:
            self._write_bytes(f"content/{target}", data)
            self.report.media += 1
        self.media[rel] = target
        return target

    # --- writing ------------------------------------------------------------------------------------------

    def _safe(self, rel: str) -> Path:
        """`rel` under the portal, refused if it would leave it or pass through a link."""
        path = self.root / rel
        if posixpath.normpath(rel) != rel or rel.startswith(("/", "..")):
            raise ValueError(f"refused to write {rel!r}")
        for parent in [path, *path.parents]:
            if parent == self.root:
                break
            if parent.is_symlink():
                raise ValueError(f"refused to write through the link {parent}")
        return path

    def _write_bytes(self, rel: str, data: bytes) -> None:
        if rel in self._wrote:
            return  # a file two posts share (an image): written once, counted once
        self._wrote.add(rel)
        if copy_file(data, self._safe(rel)):
            self.report.written.append(rel)
        else:
            self.report.unchanged += 1

    def write(self) -> Report:
        self.plan()
        spellings = _tag_spellings(self.site.posts)
        posts = sorted(self.site.posts, key=lambda p: p.source)
        aliased: dict[str, str] = {}
        for done, post in enumerate(posts, start=1):
            target = self.targets[post.source]
            matter = self._front_matter(post, target, spellings, aliased)
            resolve = self._resolver(post, target)
            body = _without_controls(post, _unmarked(rewrite_links(post.body, resolve), resolve), self.report.notes)
            body = pin_headings(body, self.site.anchor_rule)
            text = "---\n" + _dump(matter) + "---\n" + body.strip("\n") + "\n"
            self._write_bytes(f"content/{target}", text.encode("utf-8"))
            self.report.items += 1
            self.progress(done, len(posts))
        for key, handle in sorted(self.handles.items()):
            self._write_bytes(f"content/contributors/{handle}.md", _profile(self.site.authors[key], self.site.title))
            self.report.authors += 1
        self._save_map()
        return self.report

    def _front_matter(self, post: Post, target: str, spellings: dict[str, str], aliased: dict[str, str]) -> dict:
        kind = target.split("/")[0]
        url = KINDS[kind].url_for(posixpath.splitext(posixpath.basename(target))[0])
        matter: dict = {"title": " ".join(post.title.split()) or posixpath.basename(post.source)}
        when = _moment(post.published)
        if when is None and kind != "pages":
            when = "2000-01-01"
            self.report.notes.append(Note(post.file, post.line, "no date: imported as a draft dated 2000-01-01"))
            post.draft = True
        if when is not None:
            matter["date"] = when
        authors = [self.handles[key] for key in post.authors if key in self.handles]
        if authors or kind != "pages":
            matter["authors"] = list(dict.fromkeys(authors)) or [self.handles[self._fallback()]]
        tags = list(dict.fromkeys(spellings[s] for s in (tag_slug(_tag(t)) for t in post.tags) if s in spellings))
        if tags:
            matter["tags"] = tags
        if post.summary and " ".join(post.summary.split()):
            matter["summary"] = " ".join(post.summary.split())[:1000]
        if post.image:
            image = self._image(post)
            if image:
                matter["image"], matter["image_alt"] = image, post.image_alt or matter["title"]
        if _moment(post.updated) and post.updated != post.published:
            matter["updated"] = _moment(post.updated)
        if post.lang:
            matter["lang"] = post.lang
        if post.draft:
            matter["status"] = "draft"
        if post.event and kind == "events":
            matter.update(_event(post, when))
        aliases = []
        for address in post.addresses:
            try:
                key = alias_path(address)
            except ValueError as exc:
                self.report.notes.append(Note(post.file, post.line, f"old address {address!r} cannot be kept: {exc}"))
                continue
            if key.removesuffix("index.html") == url or key in aliases:
                continue
            if _reserved(key):
                self.report.notes.append(Note(post.file, post.line, f"old address /{key} is one the portal publishes "
                                              "itself: not kept"))
                continue
            owner = aliased.setdefault(key.casefold(), post.source)
            if owner != post.source:
                self.report.notes.append(Note(post.file, post.line, f"old address /{key} is also {owner}'s: kept there"))
                continue
            aliases.append("/" + key)
        if aliases:
            matter["aliases"] = aliases
        first = (self.site.url.rstrip("/") + post.addresses[0]) if self.site.url and post.addresses else None
        matter["id"] = post.feed_id or first or f"{kind}/{posixpath.basename(target)}"
        return matter

    def _fallback(self) -> str:
        key = "\0site"
        if key not in self.handles:
            name = self.site.title or "Archive"
            self.site.authors[key] = Author(key, name)
            self._plan_authors()
        return key

    def _image(self, post: Post) -> str | None:
        link = self._resolver(post, self.targets[post.source])(post.image)
        if not link or "media/" not in link:
            self.report.notes.append(Note(post.file, post.line, f"cover image {post.image!r} not found in the source"))
            return None
        return "media/" + link.split("media/", 1)[1]

    def _save_map(self) -> None:
        data = self.map["data"] if isinstance(self.map["data"], dict) else {}
        data[self.kind] = {"posts": dict(sorted(self.targets.items())),
                           "authors": dict(sorted(self.handles.items()))}
        self._write_bytes(MAP_FILE, (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _without_controls(post: Post, body: str, notes: list[Note]) -> str:
    """Control characters (a form feed, a stray escape) show nothing and the portal refuses them: taken out."""
    if not _CONTROLS.search(body):
        return body
    for index, line in enumerate(body.split("\n")):
        if _CONTROLS.search(line):
            notes.append(Note(post.file, post.body_line + index, "control character taken out"))
    return _CONTROLS.sub("", body)


_MARKED = re.compile(re.escape(SOURCE_LINK) + r"[^\s()\[\]<>\"'`]{1,1000}")


def _unmarked(body: str, resolve: Callable[[str], str | None]) -> str:
    """What a reader marked as a file of the source and no link rewrite reached (a Liquid tag or a Hugo ref inside
    code, which the generator converted there too): written as the address it resolves to, never with its marker."""
    if SOURCE_LINK not in body:
        return body

    def written(match: re.Match) -> str:
        address = resolve(match.group(0))
        return match.group(0)[len(SOURCE_LINK):] if address in (None, BROKEN) else address

    return _MARKED.sub(written, body)


def _media_limits(root: Path) -> tuple[int, int]:
    """The portal's image and media size limits (moderation.max_image_kb, max_media_kb), in bytes."""
    config, _, _ = load_config(root)
    moderation = config.moderation if config is not None else Moderation()
    return moderation.max_image_kb * 1024, moderation.max_media_kb * 1024


def _reserved(key: str) -> bool:
    sections = {f"{k}/" for k in KINDS}
    folders = [u for u in RESERVED_URLS if u and u not in sections]
    return key in {"index.html", "404.html"} or any(key.casefold().startswith(f) for f in folders) \
        or key.removesuffix("index.html") in sections


def _tag(value: str) -> str:
    return " ".join(_TAG_CHARS.sub(" ", str(value)).split())[:49].strip()


def _tag_spellings(posts: list[Post]) -> dict[str, str]:
    """tag slug -> the spelling most posts use (ties: the plainest): two spellings of one tag are one topic."""
    counts: dict[str, Counter] = {}
    for post in posts:
        for value in post.tags:
            tag = _tag(value)
            if tag and tag_slug(tag):
                counts.setdefault(tag_slug(tag), Counter())[tag] += 1
    return {slug: min(c, key=lambda t: (-c[t], t != slug, t)) for slug, c in counts.items()}


def _day(moment: date | datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment is not None else ""


def _moment(moment: date | datetime | None) -> str | None:
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    if isinstance(moment, datetime):
        text = moment.replace(microsecond=0).isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
    return moment.isoformat()


def _event(post: Post, when: str | None) -> dict:
    event = post.event or {}
    fields: dict = {"start": _moment(event.get("start")) or when}
    if _moment(event.get("end")):
        fields["end"] = _moment(event["end"])
    location = {k: " ".join(str(v).split()) for k, v in (event.get("location") or {}).items() if v}
    if location:
        fields["location"] = location
    if event.get("timezone"):
        fields["timezone"] = event["timezone"]
    fields["status"] = "draft" if post.draft else "scheduled"
    return fields


def _dump(matter: dict) -> str:
    return yaml.safe_dump(matter, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)


def _profile(author: Author, site_title: str) -> bytes:
    matter: dict = {"name": " ".join(author.name.split()) or author.key}
    links = [{"label": label, "url": url} for label, url in author.links if url.startswith(("https://", "http://"))]
    if links:
        matter["links"] = links
    bio = author.bio.strip() or (f"Writes for {site_title}." if site_title else "")
    return ("---\n" + _dump(matter) + "---\n" + bio + "\n").encode("utf-8")
