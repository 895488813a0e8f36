"""What a link's address is: a page of the web, a file of the repository, an address of the portal, or a danger;
and the parser's rule that reads every link and image of a body for it (classify_links).

Every scheme that cannot run script in a reader's browser is a link (irc:, tel:, geo:, gemini:...). The four that
can (javascript:, vbscript:, file:, and data: but for images) never become one; a scheme nobody registered
('ttps:') still links, with a warning and a did-you-mean, since the reader's browser will not know it either."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..sanitize import URL_SCHEMES
from .notes import NoteBook

#: Schemes that run script or read the reader's disk: the link is neutralised (its text stays).
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "file", "livescript", "data"})
#: data: addresses an image may have (as markdown-it and GitHub allow): pictures, never SVG (it can carry script).
_DATA_IMAGE = re.compile(r"data:image/(?:gif|png|jpeg|webp|avif);", re.IGNORECASE)
#: Schemes people link to: no warning.
KNOWN_SCHEMES = URL_SCHEMES
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop tabs and line ends anywhere in an address, and C0 controls and spaces around it.
_IGNORED = re.compile(r"[\t\n\r]")
#: Endings of file names that look like domains ('notes.md', 'photo.png'): never taken for a missing https://.
_FILE_ENDINGS = frozenset({
    "md", "markdown", "html", "htm", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "pdf", "txt", "csv", "ics",
    "xml", "json", "yaml", "yml", "mp3", "mp4", "ogg", "webm", "zip", "rs", "py", "toml",
})
#: The top-level domains most links without a scheme end with.
_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|fr|de|eu|uk|be|ch|ca|es|it|nl|edu|gov|info|app|rs|co)"
                     r"(?::\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Address:
    """How a link's address is read: `kind` is web, other (a scheme that cannot run script), unsafe, unknown
    (an unregistered scheme), schemeless ('www.example.org'), site (an absolute path on the portal), local
    (a file of the repository, relative) or fragment ('#section')."""

    kind: str
    scheme: str = ""


def scheme_of(url: str) -> str:
    """The scheme a browser would read in `url`, lowercased, or ''."""
    cleaned = _IGNORED.sub("", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14"
                                          "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def classify(url: str, is_image: bool = False) -> Address:
    """What `url` (a link's or an image's destination, as markdown-it normalised it) points at."""
    scheme = scheme_of(url)
    if scheme:
        if scheme in UNSAFE_SCHEMES and not (scheme == "data" and is_image and _DATA_IMAGE.match(url.strip())):
            return Address("unsafe", scheme)
        if scheme in {"http", "https"}:
            return Address("web", scheme)
        if scheme == "data":
            return Address("other", scheme)
        return Address("other" if scheme in KNOWN_SCHEMES else "unknown", scheme)
    parts = urlsplit(url)
    if parts.netloc:  # '//example.org/x': the reader's own scheme
        return Address("web")
    if not parts.path:
        return Address("fragment")
    if parts.path.startswith("/"):
        return Address("site")
    first = parts.path.split("/", 1)[0]
    if first.lower().startswith("www.") or (_DOMAIN.fullmatch(first) and first.rsplit(".", 1)[-1].lower() not in _FILE_ENDINGS):
        return Address("schemeless")
    return Address("local")


def did_you_mean_scheme(scheme: str) -> str:
    """'did you mean https?' for 'ttps', 'hhttps', 'htps'; a generic hint when nothing is close."""
    close = difflib.get_close_matches(scheme, ["https", "http", "mailto", "ftp", "irc", "tel", "xmpp", "matrix"], n=1,
                                      cutoff=0.6)
    if close:
        return f"did you mean {close[0]}?"
    return "check the address: browsers will not know what to open"


#: Token types of a link or image that may not be one (javascript:...): nothing of the link is written but its text.
REFUSED = "agora_refused_link"
REFUSED_IMAGE = "agora_refused_image"


@dataclass(frozen=True)
class SiteLink:
    """A link or image to an absolute address: a path of the portal ('/events/', '/2024/04/09/post.html') or a web
    address, which may be the portal's own URL in full. rules/links.py checks those of the portal against the
    addresses it publishes; they are written as they are."""

    line: int
    href: str
    is_image: bool


def children_with_lines(token):
    """Each child of an inline token with the file line it is on (a soft or hard break starts the next)."""
    line = token.map[0] if token.map else 0
    for child in token.children or ():
        yield child, line
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            line += child.content.count("\n")


def classify_links(state) -> None:
    """Each link and image read for what its address is (schemes.py): one that could run script loses its link
    (its text stays) and is noted as an error; an unknown scheme or a missing https:// is noted; the portal's own
    addresses and web addresses are kept with their lines for rules/links.py."""
    env = state.env
    notes: NoteBook = env["notebook"]
    first = env["body_line"]
    for token in state.tokens:
        if token.type != "inline":
            continue
        refusing = False
        for child, offset in children_with_lines(token):
            if child.type == "link_close" and refusing:
                child.type, refusing = REFUSED, False
                continue
            if child.type not in ("link_open", "image"):
                continue
            is_image = child.type == "image"
            url = str(child.attrGet("src" if is_image else "href") or "")
            address = classify(url, is_image)
            child.meta["address"] = address.kind
            line = first + offset
            what = "an image" if is_image else "a link"
            if address.kind == "unsafe":
                notes.add(line, "unsafe-url", f"{what} uses a '{address.scheme}:' address, which can run code or hide "
                          "content: only its text is shown", "link to an https:// page or to a file of the repository "
                          "(../media/...)", severity="error")
                if is_image:
                    child.type = REFUSED_IMAGE
                else:
                    child.type, refusing = REFUSED, True
            elif address.kind == "unknown":
                notes.add(line, "link-scheme", f"{what} to '{_shortened(url)}': '{address.scheme}:' is no scheme a "
                          "browser knows", did_you_mean_scheme(address.scheme))
            elif address.kind == "schemeless":
                notes.add(line, "link-scheme", f"{what} to '{_shortened(url)}' has no scheme: it is read as a file of "
                          "the repository", f"add https://: https://{_shortened(url)}", severity="error")
            elif address.kind in ("site", "web"):
                env["site_links"].append(SiteLink(line, url, is_image))


def _shortened(url: str, most: int = 80) -> str:
    return url if len(url) <= most else url[:most] + "…"
