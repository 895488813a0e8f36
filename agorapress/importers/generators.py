"""Readers of the static site generators' sources: Zola, Hugo, Jekyll and Pelican. Each finds the posts, their
metadata, their old addresses (the generator's URL rule and its aliases) and its own link syntax."""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from .. import yamlstrict
from . import dates, kramdown, shortcodes
from .frontmatter import Matter, read
from .html import to_markdown
from .liquid import Liquid
from .markup import prose_only
from .model import Author, Note, Post, Site
from .rst import Unreadable, read_rst
from .sources import SourceTree
from .writer import SOURCE_LINK

MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")
#: Template code a body may hold. Each repeat is bounded and stops at a brace, so a long line of openers costs linear
#: time, not quadratic.
_SHORTCODE = {
    "zola": re.compile(r"\{\{\s*[a-z_]\w*\([^\n{}]{0,500}?\)\s*\}\}|\{%\s*[a-z_]\w*\([^\n{}]{0,500}?\)\s*%\}"),
    "hugo": re.compile(r"\{\{[<%]\s*/?\s*[\w/.-]+[^\n{}]{0,500}?[>%]\}\}"),
}
_HUGO_REF = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+\"?([^\"\s>%]+)\"?\s*[>%]\}\}")
_HUGO_HIGHLIGHT = re.compile(r"^\{\{[<%]\s*highlight\s+\"?([\w+-]+)\"?[^\n]{0,500}?[>%]\}\}\s*$"
                             r"|^\{\{[<%]\s*/highlight\s*[>%]\}\}\s*$",
                             re.MULTILINE)
_HUGO_FIGURE = re.compile(r"\{\{[<%]\s*figure\s+([^\n]{0,2000}?)\s*/?[>%]\}\}")
_ATTRIBUTE = re.compile(r"(\w+)=\"([^\"]*)\"")
#: Pelican replaces these only where an address is (a link's or an image's, in the HTML it makes): elsewhere, in code
#: above all, they are text.
_PELICAN_LINK = re.compile(r"(?:(?<=\()|(?<=\(<)|(?<=\]:\s)|(?<=[\"']))"
                           r"(?:\{(?:filename|static|attach)\}|%7B(?:filename|static|attach)%7D"
                           r"|\|(?:filename|static|attach)\|)(/?)", re.IGNORECASE)
_ZOLA_LINK = re.compile(r"(\]\(\s*|^ {0,3}\[[^\]\n]+\]:[ \t]*)@/", re.MULTILINE)


#: A credit written as Markdown links: '[Ana Lopez](https://github.com/ana) (Acme), [Bob](https://bob.example)'.
_CREDIT_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]{0,200}\)){1,500})>?\s*\)")


def _credited(site: Site, rel: str, line: int, *values: object) -> list[str]:
    """The credits of the first of `values` that has any. With names written as links, the text around the links
    is taken as their affiliations, '(Acme)' or ', Cisco': listed, since it may also be a name without a link."""
    for value in values:
        names = _list(value)
        if not names:
            continue
        texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
            if isinstance(value, list) else []
        for text in texts:
            if _CREDIT_LINK.search(text):
                # '(Acme)' after a name is plainly its affiliation; a bare name between commas may be a person.
                left = " ".join(re.sub(r"\([^()]*\)", " ", _CREDIT_LINK.sub(" ", text)).split()).strip(" ,;&")
                if re.search(r"[^\W\d_]", left):
                    site.notes.append(Note(rel, line, f"credits {left[:80]!r} next to linked "
                                                      "names: read as their affiliation, not as an author"))
        return names
    return []


def _list(value: object) -> list[str]:
    if isinstance(value, str) and _CREDIT_LINK.search(value):
        return [" ".join(found.group(0).split()) for found in _CREDIT_LINK.finditer(value)]  # one per link
    if isinstance(value, list) and any(isinstance(v, str) and _CREDIT_LINK.search(v) for v in value):
        return [credit for v in value for credit in _list(v)]
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    return []


_NAMES = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


def _author_keys(site: Site, names: list[str], split: bool = True) -> list[str]:
    """Authors named as free text: 'Ana Lopez, Bob Martin and Carol Roy' is three people."""
    keys = []
    for name in names:
        linked = _CREDIT_LINK.fullmatch(name.strip())
        if linked:  # the person is the link's text, and the link is theirs (what follows, an affiliation, is not)
            name, url = " ".join(linked.group(1).split()), linked.group(2)
            if not url.startswith(("https://", "http://")):
                keys.append(name)
                continue
            # One person however the posts spell them ('Reese Lee', 'Reese Lee, New Relic'): their link is the key,
            # and the shortest spelling their name.
            key = url.rstrip("/").lower()
            author = site.authors.setdefault(key, Author(key, name))
            author.name = min(author.name, name, key=lambda spelling: (len(spelling), spelling))
            label = "GitHub" if urlsplit(url).hostname in {"github.com", "www.github.com"} else "Website"
            if not author.links:
                author.links.append((label, url))
            keys.append(key)
            continue
        keys += [part.strip() for part in (_NAMES.split(name) if split else [name]) if part.strip()]
    for key in keys:
        site.authors.setdefault(key, Author(key, key))
    return list(dict.fromkeys(keys))


def _unconverted(site: Site, post: Post, flavour: str, body_line: int, body: str | None = None) -> None:
    """Template code the portal does not run: each one listed with its line; the text stays as it is."""
    prose = prose_only(post.body if body is None else body)  # the same lines, those of code blanked
    line, counted = body_line, 0
    for match in _SHORTCODE[flavour].finditer(prose):
        line += prose.count("\n", counted, match.start())  # counted on from the last one: linear time
        counted = match.start()
        site.notes.append(Note(post.source, line, f"template code not converted: {match.group(0)[:80]}"))


def _config(tree: SourceTree, names: tuple[str, ...], notes: list[Note]) -> dict:
    for name in names:
        if tree.is_file(name):
            text = tree.read_text(name, notes) or ""
            if name.endswith(".toml"):
                try:
                    return tomllib.loads(text)
                except tomllib.TOMLDecodeError as exc:
                    notes.append(Note(name, 1, f"not read: {exc}"))
                    return {}
            doc = yamlstrict.load(text)
            if isinstance(doc.data, dict):
                return doc.data
            # A configuration strict YAML refuses (anchors are common there): its plain top-level values only.
            return {m.group(1): m.group(2).strip().strip("\"'") for m in _TOP_LEVEL.finditer(text)}
    return {}


_TOP_LEVEL = re.compile(r"^([A-Za-z_]\w*)\s*:[ \t]*([^&*#\n][^#\n]*?)[ \t]*(?:#.*)?$", re.MULTILINE)


def _statics(site: Site, tree: SourceTree, folder: str) -> None:
    for rel in tree.walk(folder):
        site.files["/" + rel[len(folder) + 1:] if folder else "/" + rel] = rel


def _common(post: Post, matter: Matter, site: Site) -> None:
    data = matter.data
    post.summary = str(data.get("description") or data.get("summary") or data.get("excerpt") or "") or None
    post.tags = _list(data.get("tags")) + _list(data.get("categories")) + _list(data.get("taxonomies.tags")) \
        + _list(data.get("taxonomies.categories"))
    status = str(data.get("status", "")).lower()
    post.draft = data.get("draft") is True or data.get("published") is False or status in {"draft", "hidden"}
    post.updated = dates.parse(data.get("updated") or data.get("lastmod") or data.get("modified") or data.get("last_modified_at"))
    post.lang = data.get("lang") if isinstance(data.get("lang"), str) and re.fullmatch(r"[a-z]{2,3}", data["lang"]) else None
    image = data.get("image") or data.get("featured_image") or data.get("cover") or data.get("extra.image")
    if isinstance(image, dict):
        image = image.get("src") or image.get("image") or image.get("path")
    images = data.get("images")
    if not image and isinstance(images, list) and images and isinstance(images[0], str):
        image = images[0]
    post.image = image if isinstance(image, str) and image else None
    kind = str(data.get("type") or data.get("layout") or "").lower()
    if kind in {"event", "events"} or "event" in [t.lower() for t in _list(data.get("categories"))]:
        start = dates.parse(data.get("start") or data.get("event_date") or data.get("startDate") or data.get("eventDate"))
        location = data.get("location")
        post.kind = "events"
        post.event = {"start": start or post.published, "end": dates.parse(data.get("end") or data.get("endDate")),
                      "location": {"name": location} if isinstance(location, str) else
                      location if isinstance(location, dict) else None}
    for key in ("aliases", "redirect_from"):
        post.addresses += [a for a in _list(data.get(key))]


# --- Zola ---------------------------------------------------------------------------------------------------------

def read_zola(tree: SourceTree) -> Site:
    site = Site(anchor_rule="zola")
    config = _config(tree, ("config.toml", "zola.toml"), site.notes)
    site.url, site.title = str(config.get("base_url", "")), str(config.get("title", ""))
    content = "content" if tree.is_dir("content") else ""
    _statics(site, tree, "static")
    for rel in tree.walk(content):
        name = posixpath.basename(rel)
        if not rel.endswith(".md") or name == "_index.md":
            continue
        text = tree.read_text(rel, site.notes)
        if text is None:
            continue
        matter = read(text, rel, site.notes)
        data = matter.data
        if not data.get("title") and not matter.body.strip():
            site.notes.append(Note(rel, 1, "no title and no text (a page only a template fills): not imported"))
            continue
        inner = rel[len(content) + 1:] if content else rel
        bundle = name == "index.md"
        stem = posixpath.basename(posixpath.dirname(rel)) if bundle else posixpath.splitext(name)[0]
        section = posixpath.dirname(posixpath.dirname(inner) if bundle else inner)
        when, rest = dates.from_name(stem)
        slug = _zola_slug(str(data.get("slug") or rest))
        path = data.get("path")
        address = ("/" + str(path).strip("/") + "/") if path else "/" + "/".join(p for p in (section, slug) if p) + "/"
        post = Post(source=rel, line=1, body_line=matter.body_line, title=str(data.get("title") or stem), body=matter.body,
                    slug=slug.split("/")[-1],
                    base=posixpath.dirname(rel), addresses=[address])
        post.published = dates.parse(data.get("date")) or when or dates.from_path(address)
        post.authors = _author_keys(site, _credited(site, rel, matter.line("authors"), data.get("authors"),
                                                    data.get("extra.author")))
        _common(post, matter, site)
        if section:
            post.tags.append(section.split("/")[0])
        post.feed_id = (site.url.rstrip("/") + address) if site.url else None
        post.body = _ZOLA_LINK.sub(lambda m: m.group(1) + SOURCE_LINK + (content + "/" if content else ""), post.body)
        _unconverted(site, post, "zola", matter.body_line)
        site.posts.append(post)
    return site


def _zola_slug(text: str) -> str:
    # Zola's default for paths (slugify.paths = "on"): the slug crate, lowercase ASCII and '-'.
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or text


# --- Hugo ---------------------------------------------------------------------------------------------------------

def read_hugo(tree: SourceTree) -> Site:
    site = Site(anchor_rule="github")
    names = ("hugo.toml", "config.toml", "hugo.yaml", "config.yaml")
    config = _config(tree, names + tuple(f"config/_default/{name}" for name in names), site.notes)
    params = config.get("params") if isinstance(config.get("params"), dict) else {}
    params = {**_config(tree, ("config/_default/params.toml", "config/_default/params.yaml"), site.notes), **params}
    site.url, site.title = str(config.get("baseURL", config.get("baseurl", ""))), str(config.get("title", ""))
    permalinks = config.get("permalinks") if isinstance(config.get("permalinks"), dict) else {}
    # A multilingual site keeps each language's content in a folder of its own; the default language is served from
    # the root (unless defaultContentLanguageInSubdir), the others under /<language>/.
    default_language = str(config.get("defaultContentLanguage") or "en").lower()
    in_subdir = config.get("defaultContentLanguageInSubdir") is True
    files = list(tree.walk("content"))
    folders = _hugo_language_folders(tree, config, files, site.notes)
    _statics(site, tree, "static")
    for rel in files:
        name = posixpath.basename(rel)
        if not rel.endswith(MARKDOWN) or name.startswith("_index."):
            continue
        text = tree.read_text(rel, site.notes)
        if text is None:
            continue
        matter = read(text, rel, site.notes)
        data = matter.data
        inner = rel[len("content/"):]
        folder = next((f for f in folders if inner.startswith(f + "/")), None)
        language, prefix = "", ""
        if folder is not None:
            language, inner = folders[folder], inner[len(folder) + 1:]
            prefix = f"/{language}" if language != default_language or in_subdir else ""
        bundle = posixpath.splitext(name)[0] == "index"
        stem = posixpath.basename(posixpath.dirname(rel)) if bundle else posixpath.splitext(name)[0]
        section_path = posixpath.dirname(posixpath.dirname(inner) if bundle else inner)
        section = section_path.split("/")[0] if section_path else ""
        slug = str(data.get("slug") or stem)
        post = Post(source=rel, line=1, body_line=matter.body_line, title=str(data.get("title") or stem), body=matter.body,
                    slug=slug,
                    base=posixpath.dirname(rel))
        post.published = dates.parse(data.get("date") or data.get("publishDate") or data.get("pubdate"))
        pattern = permalinks.get(section) if isinstance(permalinks.get(section), str) else None
        if isinstance(data.get("url"), str):
            address = "/" + data["url"].strip("/") + ("/" if not data["url"].endswith(".html") else "")
        elif pattern:
            address = _hugo_permalink(pattern, post, section, slug)
        else:
            address = "/" + "/".join(p for p in (section_path, slug) if p).lower() + "/"
        address = prefix + address
        post.addresses = [address]
        post.authors = _author_keys(site, _credited(site, rel, matter.line("author"), data.get("authors"),
                                                    data.get("author")))
        if section == "posts" or not section:
            pass
        elif section not in {"blog", "post", "articles", "news"}:
            post.tags.append(section)
        if section in {"events", "event"}:
            data.setdefault("type", "event")
        _common(post, matter, site)
        # Hugo reads an alias without a leading '/' from the page's own section.
        post.addresses = [a if a.startswith("/") or a == address else prefix + "/" + "/".join(
            p for p in (section_path, a) if p) for a in post.addresses]
        if language != default_language and re.fullmatch(r"[a-z]{2,3}", language) and not post.lang:
            post.lang = language  # the default language's posts are in the portal's
        if section in {"page", "pages", "about"} or not section_path:  # Hugo's single pages sit beside the sections
            post.kind = "pages"
        post.feed_id = (site.url.rstrip("/") + address) if site.url else None
        post.body = _HUGO_REF.sub(lambda m, rel=rel: SOURCE_LINK + _hugo_ref(m.group(1), rel), post.body)
        post.body = _HUGO_FIGURE.sub(_hugo_figure, post.body)
        post.body = _HUGO_HIGHLIGHT.sub(lambda m: f"```{m.group(1)}" if m.group(1) else "```", post.body)
        post.body = shortcodes.embeds(shortcodes.param(post.body, data, params))
        # What a comment holds is neither listed nor published; the notes keep the source's lines.
        listed = shortcodes.unescaped(shortcodes.comments(post.body, keep_lines=True), shown=False)
        _unconverted(site, post, "hugo", matter.body_line, listed)
        post.body = shortcodes.unescaped(shortcodes.comments(post.body))
        site.posts.append(post)
    return site


def _hugo_language_folders(tree: SourceTree, config: dict, files: list[str], notes: list[Note]) -> dict[str, str]:
    """The folders under content/ that hold one language each (folder -> language), as Hugo finds them: a
    language's contentDir, a module mount with a language, or (a layout many sites use through mounts in files of
    their own) a content/ made of nothing but one folder per configured language."""
    languages = config.get("languages") if isinstance(config.get("languages"), dict) else {}
    if not languages:
        languages = _config(tree, ("config/_default/languages.toml", "config/_default/languages.yaml"), notes)
    codes = {str(key).lower() for key in languages}
    folders: dict[str, str] = {}
    for code, settings in languages.items():
        directory = settings.get("contentDir") or settings.get("contentdir") if isinstance(settings, dict) else None
        if isinstance(directory, str) and directory.strip("/").startswith("content/"):
            folders[directory.strip("/")[len("content/"):]] = str(code).lower()
    module = config.get("module") if isinstance(config.get("module"), dict) else {}
    for mount in module.get("mounts") or [] if isinstance(module.get("mounts"), list) else []:
        source, lang = (mount.get("source"), mount.get("lang")) if isinstance(mount, dict) else (None, None)
        if isinstance(source, str) and isinstance(lang, str) and source.strip("/").startswith("content/"):
            folders.setdefault(source.strip("/")[len("content/"):], lang.lower())
    if not folders and codes:
        top = {rel.split("/")[1] for rel in files if rel.count("/") >= 2}
        if top and {name.lower() for name in top} <= codes:
            folders = {name: name.lower() for name in top}
    return folders


def _hugo_permalink(pattern: str, post: Post, section: str, slug: str) -> str:
    when = post.published or date(2000, 1, 1)
    values = {":year": f"{when.year:04d}", ":month": f"{when.month:02d}", ":day": f"{when.day:02d}",
              ":section": section, ":slug": slug, ":title": slug, ":filename": slug, ":contentbasename": slug}
    return "/" + _filled(pattern, values).strip("/").lower() + "/"


def _hugo_ref(target: str, rel: str) -> str:
    target = target.strip("\"'")
    if target.startswith("/"):
        return "content" + target
    return posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))


def _hugo_figure(match: re.Match) -> str:
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if "src" not in attributes:
        return match.group(0)
    alt = attributes.get("alt") or attributes.get("caption") or attributes.get("title") or ""
    figure = f"![{alt}]({attributes['src']})"
    return figure + (f"\n\n*{attributes['caption']}*" if attributes.get("caption") else "")


# --- Jekyll -------------------------------------------------------------------------------------------------------

_NOT_PAGES = {"readme.md", "index.md", "license.md", "changelog.md"}
_JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


def read_jekyll(tree: SourceTree) -> Site:
    site = Site(anchor_rule="kramdown")
    config = _config(tree, ("_config.yml", "_config.yaml"), site.notes)
    site.url = str(config.get("url") or "").rstrip("/") + str(config.get("baseurl") or "")
    site.title = str(config.get("title") or "")
    collections = config.get("collections")
    posts_rule = collections.get("posts") if isinstance(collections, dict) else None
    # The posts' own rule, as a collection, comes before the site's.
    style = str((posts_rule or {}).get("permalink") if isinstance(posts_rule, dict) and posts_rule.get("permalink")
                else config.get("permalink") or "date")
    pattern = _JEKYLL_STYLES.get(style, style)
    _jekyll_authors(tree, site)
    for rel in tree.walk(""):
        top = rel.split("/")[0]
        if top.startswith("_") and top not in {"_posts", "_drafts"} or top in {"vendor", "node_modules"}:
            continue
        if "/_posts/" in f"/{rel}" or "/_drafts/" in f"/{rel}":
            continue
        site.files["/" + rel] = rel
    posts = {folder: [rel for rel in tree.walk(folder) if rel.endswith(MARKDOWN)] for folder in ("_posts", "_drafts")}
    named = _post_names(posts["_posts"])
    for folder, draft in (("_posts", False), ("_drafts", True)):
        for rel in posts[folder]:
            _jekyll_post(tree, site, rel, draft, pattern, config, named)
    for rel in sorted(site.files.values()):
        if rel.endswith(MARKDOWN) and "/" not in rel and rel.lower() not in _NOT_PAGES:
            _jekyll_post(tree, site, rel, False, "/:title:output_ext", config, named, page=True)
    _jekyll_documents(tree, site, config, style)
    return site


def _post_names(posts: list[str]) -> Callable[[str], str | None]:
    """`{% post_url %}`'s lookup: a post by its file name without the suffix, with the folders under _posts/ or
    without them (as Jekyll finds it)."""
    full, short = {}, {}
    for rel in posts:
        stem = posixpath.splitext(rel[len("_posts/"):])[0]
        full.setdefault(stem, rel)
        short.setdefault(posixpath.basename(stem), []).append(rel)
    return lambda name: full.get(name) or (short[name][0] if len(short.get(name, ())) == 1 else None)


def _jekyll_documents(tree: SourceTree, site: Site, config: dict, style: str) -> None:
    """The pages no post became, at the addresses Jekyll gave them: a page's, and each document of a collection
    Jekyll writes out (`output: true`), so that a `{% link %}` to one reaches its page on the old site."""
    imported = {post.source for post in site.posts}
    for address, rel in list(site.files.items()):
        matter = _matter_of(tree, rel, site) if rel.endswith(MARKDOWN) and rel not in imported else None
        if matter is None:
            continue  # a file without front matter is copied as it is, at its own path
        stem = posixpath.splitext(rel)[0]
        folder, name = posixpath.split(stem)
        default = (f"/{folder}/" if folder else "/") if name == "index" else \
            f"/{stem}/" if style == "pretty" else f"/{stem}.html"
        del site.files[address]
        site.files[_permalink(matter) or default] = rel
    collections = config.get("collections")
    for name, settings in collections.items() if isinstance(collections, dict) else ():
        if not isinstance(settings, dict) or settings.get("output") is not True or name in {"posts", "drafts"}:
            continue
        rule = str(settings.get("permalink") or "/:collection/:path:output_ext")
        for rel in tree.walk(f"_{name}"):
            if not rel.endswith((*MARKDOWN, ".html")):
                continue
            path = posixpath.splitext(rel[len(name) + 2:])[0]
            values = {":collection": name, ":path": path, ":name": posixpath.basename(path),
                      ":title": posixpath.basename(path), ":output_ext": ".html"}
            site.files[_permalink(_matter_of(tree, rel, site)) or _site_path(_filled(rule, values))] = rel


def _matter_of(tree: SourceTree, rel: str, site: Site) -> dict | None:
    """The front matter of a file Jekyll renders, or None for one it copies as it is (no front matter)."""
    text = tree.read_text(rel, site.notes)
    return read(text, rel, []).data if text and text.startswith("---") else None


def _permalink(matter: dict | None) -> str | None:
    permalink = (matter or {}).get("permalink")
    return permalink if isinstance(permalink, str) and permalink.startswith("/") else None


def _jekyll_authors(tree: SourceTree, site: Site) -> None:
    for name in ("_data/authors.yml", "_data/authors.yaml"):
        if not tree.is_file(name):
            continue
        doc = yamlstrict.load(tree.read_text(name, site.notes) or "")
        for issue in doc.issues:
            site.notes.append(Note(name, issue.line, issue.message))
        for key, value in (doc.data or {}).items() if isinstance(doc.data, dict) else ():
            value = value if isinstance(value, dict) else {}
            links = [(label, str(value[k])) for k, label in (("url", "Website"), ("web", "Website"), ("website", "Website"))
                     if isinstance(value.get(k), str)]
            links += [(str(link.get("label") or "Link"), str(link["url"])) for link in value.get("links") or []
                      if isinstance(link, dict) and isinstance(link.get("url"), str)]
            site.authors[str(key)] = Author(str(key), str(value.get("name") or value.get("display_name") or key),
                                            str(value.get("bio") or ""), links)


def _jekyll_post(tree: SourceTree, site: Site, rel: str, draft: bool, pattern: str, config: dict,
                 post_named: Callable[[str], str | None], page: bool = False) -> None:
    text = tree.read_text(rel, site.notes)
    if text is None:
        return
    if page and not text.startswith("---"):
        return  # a Markdown file without front matter is not a page Jekyll renders
    site.files.pop("/" + rel, None)
    matter = read(text, rel, site.notes)
    data = matter.data
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    when, title_part = dates.from_name(stem)
    slug = str(data.get("slug") or title_part)
    post = Post(source=rel, line=1, body_line=matter.body_line, title=str(data.get("title") or title_part.replace("-", " ")),
                body=matter.body,
                slug=slug, base=posixpath.dirname(rel), kind="pages" if page else "articles")
    post.published = dates.parse(data.get("date")) or when
    folders = [p for p in posixpath.dirname(rel).split("/") if p and p not in {"_posts", "_drafts"}]
    named = data.get("categories")
    categories = folders + _list(data.get("category")) + (named.split() if isinstance(named, str) else _list(named))
    if isinstance(data.get("permalink"), str):
        address = data["permalink"]
    else:
        address = _jekyll_permalink(pattern, post, categories, slug)
    post.addresses = [address]
    keys = _credited(site, rel, matter.line("author"), data.get("authors"), data.get("author"))
    post.authors = [k for k in keys if k in site.authors] + _author_keys(site, [k for k in keys if k not in site.authors])
    _common(post, matter, site)
    post.draft = post.draft or draft
    if data.get("categories") is not None or data.get("category") is not None:
        post.tags = list(dict.fromkeys(post.tags + categories))
    post.feed_id = (site.url.rstrip("/") + address) if site.url else None
    liquid = Liquid(config, {**data, "url": address, "title": post.title}, post_named)
    post.body, left = liquid.convert(post.body)
    post.body = kramdown.convert(post.body)  # Jekyll's Markdown, read after the Liquid
    for line, code in left:
        site.notes.append(Note(post.source, matter.body_line + line - 1, f"template code not converted: {code}"))
    site.posts.append(post)


def _jekyll_permalink(pattern: str, post: Post, categories: list[str], slug: str) -> str:
    when = post.published or date(2000, 1, 1)
    values = {":categories": "/".join(c.replace(" ", "-") for c in categories), ":year": f"{when.year:04d}",
              ":month": f"{when.month:02d}", ":i_month": str(when.month), ":day": f"{when.day:02d}", ":i_day": str(when.day),
              ":short_year": f"{when.year % 100:02d}", ":y_day": f"{when.timetuple().tm_yday:03d}", ":title": slug,
              ":slug": slug, ":output_ext": ".html"}
    return _site_path(_filled(pattern, values))


def _filled(rule: str, values: dict[str, str]) -> str:
    """A permalink rule ('/:year/:month/:title/') with its placeholders replaced, in one pass (the longest name
    first: ':i_month' is not ':month'), so that a value holding a placeholder's name stays as it is."""
    names = re.compile("|".join(re.escape(name) for name in sorted(values, key=len, reverse=True)))
    return names.sub(lambda found: values[found.group(0)], rule)


def _site_path(address: str) -> str:
    """An address from the site's root: one leading slash, no doubled one."""
    return re.sub(r"/{2,}", "/", "/" + address.lstrip("/"))


# --- Pelican ------------------------------------------------------------------------------------------------------

_PELICAN_SETTING = re.compile(r"^(SITEURL|SITENAME|ARTICLE_URL|PAGE_URL|ARTICLE_LANG_URL|PAGE_LANG_URL|DEFAULT_LANG|PATH)"
                              r"\s*=\s*['\"]([^'\"]*)['\"]", re.MULTILINE)


def read_pelican(tree: SourceTree) -> Site:
    """Pelican's settings are Python: never run, only their plain string values read (SITEURL, ARTICLE_URL...)."""
    site = Site(anchor_rule=None)
    settings = {"PATH": "content", "ARTICLE_URL": "{slug}.html", "PAGE_URL": "pages/{slug}.html",
                "ARTICLE_LANG_URL": "{slug}-{lang}.html", "PAGE_LANG_URL": "pages/{slug}-{lang}.html"}
    for name in ("publishconf.py", "pelicanconf.py", "pelican.conf.py"):
        if tree.is_file(name):
            settings.update(dict(_PELICAN_SETTING.findall(tree.read_text(name, site.notes) or "")))
    site.url, site.title = settings.get("SITEURL", ""), settings.get("SITENAME", "")
    content = settings["PATH"].strip("/") if tree.is_dir(settings["PATH"].strip("/")) else ""
    for rel in tree.walk(content):
        inner = rel[len(content) + 1:] if content else rel
        if not rel.endswith((*MARKDOWN, ".rst")):
            site.files["/" + inner] = rel
            continue
        text = tree.read_text(rel, site.notes)
        if text is None:
            continue
        if rel.endswith(".rst"):  # reStructuredText: its title and fields, its body converted to Markdown
            try:
                heading, fields, html = read_rst(text)
                body = to_markdown(html, rel, 1, site.notes)
            except (Unreadable, RecursionError) as exc:
                site.notes.append(Note(rel, 1, f"not imported: docutils could not read it ({exc})"))
                continue
            matter = Matter(data={**fields, "title": fields.get("title") or heading}, body=body)
        else:
            matter = read(text, rel, site.notes, pelican_keys=True)
        data = {k.lower(): v for k, v in matter.data.items()}
        page = inner.split("/")[0] == "pages"
        title = str(data.get("title") or posixpath.splitext(posixpath.basename(rel))[0])
        slug = str(data.get("slug") or _pelican_slug(title))
        post = Post(source=rel, line=1, body_line=matter.body_line, title=title, body=matter.body, slug=slug,
                    base=posixpath.dirname(rel),
                    kind="pages" if page else "articles")
        post.published = dates.parse(data.get("date"))
        named = str(data.get("authors") or data.get("author") or "")
        # Pelican: 'Authors: A, B' or, when names hold commas, 'Authors: Last, First; Other, Name'.
        post.authors = _author_keys(site, [n.strip() for n in named.split(";" if ";" in named else ",") if n.strip()],
                                    split=False)
        matter.data = data
        _common(post, matter, site)
        post.tags = _list(data.get("tags")) + _list(data.get("category"))
        post.draft = str(data.get("status", "")).lower() in {"draft", "hidden", "skip"}
        values = {"slug": slug, "lang": post.lang or "", "category": (_list(data.get("category")) or ["misc"])[0].lower()}
        when = post.published
        translated = post.lang and post.lang != settings.get("DEFAULT_LANG", "en")
        rule = ("PAGE" if page else "ARTICLE") + ("_LANG_URL" if translated else "_URL")
        url = str(data.get("url") or settings[rule])
        try:
            address = "/" + url.format(**values, date=when) if when else "/" + url.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            address = f"/{slug}.html"
            site.notes.append(Note(rel, 1, f"URL pattern {url!r} not understood: the old address is taken as {address}"))
        post.addresses = [address]
        if site.url and when is not None:
            # Pelican's feeds give each entry the id 'tag:<host>,<date>:<path>/' (feedgenerator's get_tag_uri).
            bits = urlsplit(site.url.rstrip("/") + address)
            post.feed_id = f"tag:{bits.hostname},{when.strftime('%Y-%m-%d')}:{bits.path}/"
        # '{filename}/x.md' is from the content folder, '{filename}x.md' from the post's own (as Pelican reads them).
        folder = posixpath.dirname(rel)
        roots = (SOURCE_LINK + (content + "/" if content else ""), SOURCE_LINK + (folder + "/" if folder else ""))
        post.body = _PELICAN_LINK.sub(lambda m, roots=roots: roots[0] if m.group(1) else roots[1], post.body)
        site.posts.append(post)
    return site


def _pelican_slug(title: str) -> str:
    import unicodedata
    value = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


READERS = {"zola": read_zola, "hugo": read_hugo, "jekyll": read_jekyll, "pelican": read_pelican}


def tree_of(source: Path) -> SourceTree:
    return SourceTree(source)
