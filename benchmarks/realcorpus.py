"""A real corpus (a Zola blog: TOML front matter, posts as files or folders with their images) written twice: as an
Agora portal and as a stock Pelican site with the same posts, authors, images, feeds and listings.

The Rust blog (`../shared/corpora/rust-blog`) is the one this was written for: posts under `content/`, some in
`content/inside-rust/`, each with `path = "YYYY/MM/DD/name"` (the date), `title`, `authors` (display names),
optional `description`; a post that is a folder (`name/index.md`) keeps its images beside it. What a migration
to either tool has to do is done here, the same way for both:

- each post becomes `articles/<slug>.md`, the slug made of its date and name (unique, lowercase);
- each author becomes a member (a profile in Agora, an author in Pelican) with a handle made of their name;
- the images of a folder post go to `media/<slug>/`, and the body's references to them follow;
- links to other posts (`@/file.md`, `/YYYY/MM/DD/name/`, relative) point at their file; a link to any other
  address of the old blog is made absolute (https://blog.rust-lang.org/...).

Nothing else of a body is touched. Raw HTML is allowed (Agora sanitises it; Python-Markdown passes it on).
Scripts and pages of the old blog (`.js`, `.html`) are not carried: neither site publishes them.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import textwrap
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

OLD_SITE = "https://blog.rust-lang.org/"
#: What the old blog's folders held besides posts that the new sites publish. SVG (Agora refuses it: it can carry
#: script), animations past Agora's 25 million pixels, scripts and pages stay on the old site: linked there.
MEDIA_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt"}
MAX_PIXELS = 25_000_000
#: Control characters Agora refuses in a text (a form feed in one post): deleted for both sites.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Agora refuses these handles (its own addresses, names that speak for the portal): a member so named gets a suffix.
RESERVED = {"index", "feeds", "tags", "search", "committee", "board", "team", "admin", "bot", "staff", "official"}
_POST_PATH = re.compile(r"^(?:(?P<blog>[a-z-]+)/)?(?P<y>\d{4})/(?P<m>\d\d)/(?P<d>\d\d)/(?P<name>[^/]+)$")
_LINK = re.compile(r"(\]\(\s*<?|\]:\s*<?|\bsrc=\"|\bhref=\")([^)\s\">]+)")


@dataclass
class Post:
    source: Path  # the .md file
    slug: str
    title: str
    day: str  # YYYY-MM-DD
    authors: list[str]  # display names as written
    description: str
    body: str
    addresses: list[str]  # the old blog's paths of this post (its path and aliases), without slashes around
    media: list[Path] = field(default_factory=list)


def read_posts(root: Path, limit: int | None = None) -> list[Post]:
    """The posts of the Zola blog at `root` (its `content/`), oldest first; `limit` keeps the first N by file name."""
    files = sorted(path for path in (root / "content").rglob("*.md") if path.name != "_index.md")
    posts: list[Post] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("+++", 2)
        meta = tomllib.loads(front)
        found = _POST_PATH.match(meta.get("path", ""))
        if not found:
            continue  # a section's page (releases/latest.md): a template, no post
        name = _slugify(found["name"])
        slug = f"{found['y']}-{found['m']}-{found['d']}-{name}"[:100].rstrip("-")
        media = [p for p in sorted(path.parent.iterdir()) if _carried(p)] if path.name == "index.md" else []
        posts.append(Post(path, slug, meta["title"], f"{found['y']}-{found['m']}-{found['d']}", list(meta["authors"]),
                          meta.get("description", ""), _CONTROL.sub("", body.lstrip("\n")),
                          [meta["path"].strip("/"), *(a.strip("/") for a in meta.get("aliases", []))], media))
    if limit is not None:
        posts = posts[:limit]
    _dedupe([post.slug for post in posts], lambda i, s: setattr(posts[i], "slug", s))
    return sorted(posts, key=lambda post: (post.day, post.slug))


def handles(posts: list[Post]) -> dict[str, str]:
    """Every author's display name mapped to a handle (lowercase ASCII, hyphens, unique, at most 40 characters)."""
    names = sorted({name for post in posts for name in post.authors})
    out = {name: (_slugify(name)[:36].rstrip("-") or "member") for name in names}
    for name, handle in out.items():
        if handle in RESERVED:
            out[name] = f"{handle}-member"
    _dedupe(list(out.values()), lambda i, h: out.__setitem__(names[i], h))
    return out


def write_agora(root: Path, posts: list[Post]) -> Path:
    """The posts as an Agora portal: articles, member profiles, media, and a config as a real portal sets it."""
    by_name = handles(posts)
    content = root / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    (content / "contributors").mkdir(parents=True, exist_ok=True)
    (root / "site_config.yaml").write_text(textwrap.dedent("""\
        site:
          title: "Rust Blog"
          description: "Empowering everyone to build reliable and efficient software."
          url: "https://example.org/rust-blog/"
          language: en
          timezone: "UTC"
          repository: "https://github.com/example/rust-blog"
        per_page: 10
        moderation:
          html: github
          flagged_terms: ["free forever"]
          max_files: 100000
    """), encoding="utf-8")
    for name, handle in by_name.items():
        (content / "contributors" / f"{handle}.md").write_text(
            f"---\nname: {_yaml(name)}\ngithub: {_yaml('gh-' + handle[:35])}\njoined: 2014-01-01\n---\n", encoding="utf-8")
    files = {post.slug: f"{post.slug}.md" for post in posts}
    addresses = _addresses(posts)
    for post in posts:
        media = _copy_media(post, content / "media" / post.slug)
        body = _rewrite_links(post, addresses, lambda slug: files[slug],
                              lambda name, raw, slug=post.slug: f"{'../' if raw else ''}../media/{slug}/{name}", media)
        front = [f"title: {_yaml(post.title)}", f"date: {post.day}",
                 f"authors: [{', '.join(by_name[name] for name in post.authors)}]"]
        if post.description:
            front.append(f"summary: {_yaml(post.description)}")
        (content / "articles" / f"{post.slug}.md").write_text("---\n" + "\n".join(front) + "\n---\n" + body,
                                                               encoding="utf-8")
    return root


def write_pelican(root: Path, posts: list[Post]) -> Path:
    """The same posts for stock Pelican: Python-Markdown with Pelican's default extensions, the default theme, the
    feeds Agora writes (all, per section, per author; 50 entries each), listings of ten."""
    by_name = handles(posts)
    content = root / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(textwrap.dedent("""\
        SITENAME = "Rust Blog"
        SITEURL = ""
        PATH = "content"
        TIMEZONE = "UTC"
        DEFAULT_LANG = "en"
        ARTICLE_PATHS = ["articles"]
        STATIC_PATHS = ["media"]
        USE_FOLDER_AS_CATEGORY = True
        ARTICLE_URL = "{category}/{slug}/"
        ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
        TAG_URL = "tags/{slug}/"
        TAG_SAVE_AS = "tags/{slug}/index.html"
        AUTHOR_URL = "contributors/{slug}/"
        AUTHOR_SAVE_AS = "contributors/{slug}/index.html"
        CATEGORY_URL = "{slug}/"
        CATEGORY_SAVE_AS = "{slug}/index.html"
        DEFAULT_PAGINATION = 10
        FEED_DOMAIN = "https://example.org"
        FEED_MAX_ITEMS = 50
        FEED_ALL_ATOM = "feeds/all.atom.xml"
        FEED_ALL_RSS = "feeds/all.rss.xml"
        CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
        TAG_FEED_ATOM = "feeds/tags/{slug}.atom.xml"
        AUTHOR_FEED_ATOM = "feeds/contributors/{slug}.atom.xml"
        AUTHOR_FEED_RSS = "feeds/contributors/{slug}.rss.xml"
        TRANSLATION_FEED_ATOM = None
        ARTICLE_TRANSLATION_ID = None
        RELATIVE_URLS = True
    """), encoding="utf-8")
    addresses = _addresses(posts)
    for post in posts:
        media = _copy_media(post, content / "media" / post.slug)
        body = _rewrite_links(post, addresses, lambda slug: f"{{filename}}/articles/{slug}.md",
                              lambda name, raw, slug=post.slug: f"{{static}}/media/{slug}/{name}", media)
        meta = [f"Title: {post.title}", f"Date: {post.day}",
                f"Authors: {', '.join(by_name[name] for name in post.authors)}", f"Slug: {post.slug}"]
        if post.description:
            meta.append(f"Summary: {post.description}")
        (content / "articles" / f"{post.slug}.md").write_text("\n".join(meta) + "\n\n" + body, encoding="utf-8")
    return root


def _carried(path: Path) -> bool:
    if path.suffix.lower() not in MEDIA_SUFFIXES:
        return False
    if path.suffix.lower() != ".gif":
        return True
    from PIL import Image  # noqa: PLC0415 (Pillow: a dependency of Agora)

    with Image.open(path) as image:
        return image.width * image.height * getattr(image, "n_frames", 1) <= MAX_PIXELS


def _copy_media(post: Post, folder: Path) -> set[str]:
    if not post.media:
        return set()
    folder.mkdir(parents=True, exist_ok=True)
    for path in post.media:
        shutil.copyfile(path, folder / path.name)
    return {path.name for path in post.media}


def _addresses(posts: list[Post]) -> dict[str, str]:
    """The old blog's paths (and file names, for `@/` links) of every post, to its slug."""
    out: dict[str, str] = {}
    for post in posts:
        for address in post.addresses:
            out[address] = post.slug
        relative = post.source.as_posix().split("/content/", 1)[-1]
        out["@/" + relative] = post.slug
        out["@/" + relative.removesuffix("/index.md") + ".md"] = post.slug
    return out


def _rewrite_links(post: Post, addresses: dict[str, str], file_of, media_of, media: set[str]) -> str:
    """The body with its links to other posts and to its images written for the new site (see the docstring)."""
    folder = post.addresses[0].rsplit("/", 1)[0]  # the old address's folder, which relative links start from

    def replace(found: re.Match) -> str:
        opening, url = found.group(1), found.group(2)
        target, hashmark, fragment = url.partition("#")
        name = target.removeprefix("./")
        if name in media:
            return opening + media_of(name, opening.endswith('"')) + hashmark + fragment
        if post.source.name == "index.md" and "/" not in name and (post.source.parent / name).is_file():
            return opening + OLD_SITE + folder + "/" + post.addresses[0].rsplit("/", 1)[1] + "/" + name + hashmark + fragment
        if target.startswith("@/"):
            key = target
        elif target.startswith(OLD_SITE):
            key = target[len(OLD_SITE):]
        elif not target or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            return found.group(0)  # a web address, a fragment, an e-mail address: as written
        else:  # a path of the old blog, absolute or relative to the post's address (broken ones too)
            key = posixpath.normpath(posixpath.join("/" + folder, target)).lstrip("/")
        key = key.strip("/").removesuffix("/index.html").removesuffix(".html")
        slug = addresses.get(key) or addresses.get(key.removesuffix(".md"))
        if slug is not None and not opening.endswith('"'):
            return opening + file_of(slug) + hashmark + fragment
        if target.startswith("@/"):
            return found.group(0)
        return opening + OLD_SITE + key + ("/" if key else "") + hashmark + fragment

    return _LINK.sub(replace, post.body)


def _slugify(text: str) -> str:
    ascii_only = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")


def _dedupe(values: list[str], rename) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        candidate, number = value, 2
        while candidate in seen:
            candidate, number = f"{value}-{number}", number + 1
        seen.add(candidate)
        if candidate != value:
            rename(index, candidate)


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
