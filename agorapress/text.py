"""Small text helpers shared by every layer: slugs and plain-text summaries."""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import urljoin

from markupsafe import Markup
from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated: 'Café réparation !' -> 'cafe-reparation'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub("-", ascii_text.lower()).strip("-")


#: Pelican's default SLUG_REGEX_SUBSTITUTIONS, applied in this order.
_TAG_SUBSTITUTIONS = [
    (re.compile(r"[^\w\s-]", re.IGNORECASE), ""),
    (re.compile(r"\A\s*", re.IGNORECASE), ""),
    (re.compile(r"\s*\Z", re.IGNORECASE), ""),
    (re.compile(r"[-\s]+", re.IGNORECASE), "-"),
]


@functools.cache  # asked for every tag of every item by the check, the reader, the feeds and the sitemap
def tag_slug(name: str) -> str:
    """The address of a tag under tags/: 'Café' -> 'cafe', '学习' -> 'xue-xi'. The same slug as Pelican's default
    (so addresses did not move when Agora took the decision over), decided here so that the site graph can tell
    two spellings of one address apart ('Café' and 'cafe') before the build merges them."""
    value = unidecode(unicodedata.normalize("NFKC", Markup(name).striptags()))
    for pattern, replacement in _TAG_SUBSTITUTIONS:
        value = pattern.sub(replacement, value)
    return value.lower().strip()


#: Names of HTML elements (and the SVG and MathML roots): a '<b>' in a title is markup, a '<T>' is text.
HTML_ELEMENTS = frozenset("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form frame
frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark
marquee math menu meta meter nav noembed noframes noscript object ol optgroup option output p param picture plaintext
pre progress q rp rt ruby s samp script search section select slot small source span strike strong style sub summary
sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp applet basefont
big blink center dir font image isindex keygen listing multicol nextid nobr spacer
""".split())
_MARKUP = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<(/?)([A-Za-z][A-Za-z0-9:-]*)(\s[^<>]*)?/?>", re.DOTALL)


def plain_text(value: str) -> str:
    """`value` without HTML markup: comments, and tags of HTML elements or with attributes ('<b>', '<img src=x>'),
    for the fields feeds define as plain text (titles, summaries). Text that only looks like a tag ('Vec<T>',
    'a <-> b') is kept."""
    if "<" not in value:
        return value

    def one(match: re.Match) -> str:
        name, attributes = match.group(2), match.group(3)
        if name is None or name.lower() in HTML_ELEMENTS or (attributes and "=" in attributes):
            return ""
        return match.group(0)

    return re.sub(r"\s{2,}", " ", _MARKUP.sub(one, value)).strip()


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


#: Smart quotes per language (double open, double close, single open, single close), as markdown-it's typographer
#: takes them; French quotes hold a no-break space inside (see french_spacing).
QUOTES = {
    "en": "“”‘’", "fr": "«»‹›", "de": "„“‚‘", "es": "«»“”", "it": "«»“”", "pt": "«»“”", "nl": "“”‘’",
    "pl": "„”‚’", "ru": "«»„“", "uk": "«»„“", "cs": "„“‚‘", "sv": "””’’", "da": "»«›‹", "fi": "””’’", "nb": "«»‘’",
    "ja": "「」『』", "zh": "“”‘’", "ca": "«»“”", "eu": "«»‹›", "ro": "„”«»", "hu": "„”»«", "tr": "“”‘’",
}


def quotes_for(lang: str) -> str:
    """The four smart quotes of a language ('fr-CA' -> French's), English's when unknown."""
    return QUOTES.get(lang.split("-")[0].split("_")[0].lower(), QUOTES["en"])


#: French typography: a narrow no-break space before ; ! ? and », after «; a no-break space before :.
NNBSP = "\u202f"
NBSP = "\u00a0"
_BEFORE_TALL = re.compile(r"[ \u00a0\u202f]+([;!?»])")
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:")
_AFTER_OPEN = re.compile(r"«[ \u00a0\u202f]*")
_GLUED_CLOSE = re.compile(r"(?<=[^\s\u00a0\u202f«])»")


def french_spacing(text: str) -> str:
    """`text` with the spaces French puts before ; : ! ? » and after « made no-break, so punctuation never starts
    a line ('Bonjour !' -> 'Bonjour\u202f!'); a « » without space gets one. Text without those marks is unchanged."""
    if not any(mark in text for mark in ";:!?«»"):
        return text
    text = _BEFORE_TALL.sub(lambda m: NNBSP + m.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _AFTER_OPEN.sub("«" + NNBSP, text)
    return _GLUED_CLOSE.sub(NNBSP + "»", text)


def is_french(lang: str) -> bool:
    return lang.split("-")[0].split("_")[0].lower() == "fr"


#: What XML 1.0 cannot hold (C0 controls but tab and line ends, lone surrogates, U+FFFE and U+FFFF): a body may
#: carry them (``&#x1b;``), HTML tolerates them, and XML tools (lxml, feeds, email parts) refuse the whole text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)
