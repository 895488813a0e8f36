"""Small text helpers shared by every layer: slugs and plain-text summaries."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated: 'Café réparation !' -> 'cafe-reparation'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub("-", ascii_text.lower()).strip("-")


def shorten(text: str, words: int = 40) -> str:
    """The first `words` words of a text, with an ellipsis when cut."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]).rstrip(",;:") + "…"


#: A relative path of plain segments (no scheme, query, fragment, dot or empty segment, leading slash): joined to a
#: base that ends with "/", urljoin only appends it.
_PLAIN_PATH = re.compile(r"(?!\.)(?!.*/\.)(?!.*//)[A-Za-z0-9_~%-][A-Za-z0-9_~%./-]*")


def join_url(base: str, url: str) -> str:
    """`urllib.parse.urljoin(base, url)`, without its parsing for the common case of a site address and a
    page path (feeds and page metadata join thousands of them per build)."""
    if base.endswith("/") and "?" not in base and "#" not in base and _PLAIN_PATH.fullmatch(url):
        return base + url
    return urljoin(base, url)
