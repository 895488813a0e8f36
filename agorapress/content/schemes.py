"""What a link's address is: a page of the web, a file of the repository, an address of the portal, or a danger.

Every scheme that cannot run script in a reader's browser is a link (irc:, tel:, geo:, gemini:...). The four that
can (javascript:, vbscript:, file:, and data: but for images) never become one; a scheme nobody registered
('ttps:') still links, with a warning and a did-you-mean, since the reader's browser will not know it either."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..sanitize import URL_SCHEMES

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
