"""Social cards: a 1200×630 PNG per page, drawn at build time with Pillow in a font shipped with the theme
(DejaVu Sans, free licence beside it), reproducible byte for byte: the title, the section, the authors' avatars,
an event's date and place, an interviewee's photo, the portal's name and accent colour, in the page's language."""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from ..avatars import Initials

WIDTH, HEIGHT = 1200, 630
CARD_FILE = "social.png"
#: Changes with anything that changes how a card is drawn or encoded: cached cards of another version are not reused.
CARDS_VERSION = "4"
#: Not Pillow's exhaustive `optimize`: zlib level 4 makes 6 % more bytes (about 50 KB a card) in a third of the
#: time; 900 cards of a ten-year blog took a minute to encode the exhaustive way.
_PNG = {"compress_level": 4}
FONTS = Path(__file__).resolve().parent.parent / "themes" / "agora" / "fonts"
_BG, _FG, _MUTED = (253, 252, 249), (29, 31, 35), (85, 91, 102)
_MARGIN = 72
_ONLINE = {"fr": "En ligne", "en": "Online"}


@dataclass
class CardFacts:
    """What one card shows; pictures as upright RGB(A) images (from images.upright), initials otherwise."""

    title: str
    portal: str
    accent: str
    lang: str
    section: str = ""
    when: str = ""  # an event's date, already written in the page's language
    where: str = ""
    people: list[tuple[str, Image.Image | Initials]] = field(default_factory=list)  # (name, picture or initials)
    portrait: Image.Image | None = None  # an interviewee's photo


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The font at `size`, loaded once per thread (cards are drawn on every core; a FreeType face is not to be
    shared between threads)."""
    fonts = _FONTS.__dict__.setdefault("fonts", {})
    if (size, bold) not in fonts:
        fonts[size, bold] = _load_font(size, bold)
    return fonts[size, bold]


_FONTS = threading.local()


def _load_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    # Basic layout: the same glyph positions whatever text-shaping library this Pillow was built with.
    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.BASIC)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _one_line(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`text` on one line of `width` pixels, cut at a word with an ellipsis when it is longer."""
    lines = _wrap(text, font, width)
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return _wrap(text, font, width - int(font.getlength("…")))[0] + "…"


def _fit_title(draw: ImageDraw.ImageDraw, text: str, width: int, max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    for size in (68, 60, 52, 46, 40):
        font = _font(size, bold=True)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    lines = _wrap(text, font, width)[:max_lines]
    while lines and font.getlength(lines[-1] + "…") > width:
        lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
    lines[-1] += "…"
    return font, lines


def _circle(picture: Image.Image, size: int) -> Image.Image:
    fitted = ImageOps.fit(picture.convert("RGB"), (size, size), method=Image.Resampling.LANCZOS)
    mask = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    round_mask = mask.resize((size, size), Image.Resampling.LANCZOS)
    out = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    out.paste(fitted, (0, 0), round_mask)
    return out


def _initials(initials: Initials, size: int) -> Image.Image:
    out = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(out)
    draw.ellipse((0, 0, size * 2 - 1, size * 2 - 1), fill=_rgb(initials.background))
    font = _font(int(size * 0.8), bold=True)
    draw.text((size, size), initials.letters, font=font, fill=_rgb(initials.foreground), anchor="mm")
    return out.resize((size, size), Image.Resampling.LANCZOS)


def draw_card(facts: CardFacts) -> bytes:
    """The card as PNG bytes: the same facts give the same bytes (no date, no metadata written)."""
    accent = _rgb(facts.accent)
    card = Image.new("RGB", (WIDTH, HEIGHT), _BG)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 18, HEIGHT), fill=accent)
    text_right = WIDTH - _MARGIN - (300 if facts.portrait is not None else 0)
    y = 64
    if facts.section:
        draw.text((_MARGIN, y), facts.section.upper(), font=_font(28, bold=True), fill=accent)
        y += 56
    font, lines = _fit_title(draw, facts.title, text_right - _MARGIN, 4 if not facts.when else 3)
    line_height = int(font.size * 1.18)
    for line in lines:
        draw.text((_MARGIN, y), line, font=font, fill=_FG)
        y += line_height
    y += 16
    small = _font(30)
    for line in (facts.when, facts.where):
        if line:
            draw.text((_MARGIN, y), _one_line(line, small, text_right - _MARGIN), font=small, fill=_MUTED)
            y += 42
    if facts.portrait is not None:
        portrait = _circle(facts.portrait, 260)
        card.paste(portrait, (WIDTH - _MARGIN - 260, 110), portrait)
    # The bottom band: who wrote it, then the portal's name and the page's language.
    x, base = _MARGIN, HEIGHT - 150
    for _name, picture in facts.people[:4]:
        face = _initials(picture, 64) if isinstance(picture, Initials) else _circle(picture, 64)
        card.paste(face, (x, base), face)
        x += 72
    if facts.people:
        names = ", ".join(name for name, _ in facts.people[:3]) + ("…" if len(facts.people) > 3 else "")
        draw.text((x + 12, base + 32), _one_line(names, _font(28), WIDTH - _MARGIN - x - 12), font=_font(28), fill=_FG,
                  anchor="lm")
    draw.line((_MARGIN, HEIGHT - 66, WIDTH - _MARGIN, HEIGHT - 66), fill=accent, width=3)
    draw.text((_MARGIN, HEIGHT - 36), facts.portal, font=_font(28, bold=True), fill=_FG, anchor="lm")
    draw.text((WIDTH - _MARGIN, HEIGHT - 36), facts.lang.upper(), font=_font(24, bold=True), fill=_MUTED, anchor="rm")
    if facts.portrait is None and all(isinstance(picture, Initials) for _, picture in facts.people):
        card = _in_palette(card)
    buffer = io.BytesIO()
    card.save(buffer, "PNG", **_PNG)
    return buffer.getvalue()


def _in_palette(card: Image.Image) -> Image.Image:
    """A card of text and flat shapes only as a palette image: a few hundred colours, kept by a palette of 256 (no
    photo to band); half the bytes, and 40 % less time to encode, of the same card in RGB. The palette is chosen from
    every other pixel of every other row (the same colours, in the same proportions), and every pixel then takes its
    nearest colour in it: half the time of choosing it from all the pixels, and as close (0.93 of 255 off on average
    on a card of the Rust blog, either way)."""
    sample = card.resize((card.width // 2, card.height // 2), Image.Resampling.NEAREST)
    palette = sample.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return card.quantize(palette=palette, dither=Image.Dither.NONE)


class Cards:
    """The cards of one build. A member's face is read once however many texts they signed, and each card is kept
    in the portal's cache under a digest of what it shows (with the bytes of its pictures): a build that redraws
    every page (a title changed, a fresh output folder) draws again only the cards whose facts changed."""

    def __init__(self, graph, library, cache=None) -> None:
        self.graph = graph
        self.library = library
        self.cache = cache
        self._people: dict[str, tuple[str, Image.Image | Initials, str]] = {}

    def site(self) -> bytes:
        """The portal-wide card, for every page that has none of its own."""
        config = self.graph.config
        return self._card(CardFacts(config.site.description or config.site.title, config.site.title,
                                    config.theme.options.accent or "#9b2c1f", config.site.language), [])

    def item(self, item) -> bytes:
        """The card of a published item (article, interview, event, page) or of a member's profile."""
        graph = self.graph
        config = graph.config
        accent = config.theme.options.accent or "#9b2c1f"
        lang = graph.language_of(item)
        meta = item.meta
        if item.kind == "contributors":
            name, face, token = self._person(item.slug)
            return self._card(CardFacts(name, config.site.title, accent, lang, people=[(name, face)]), [token])
        from ..content.kinds import SECTIONS

        section = config.section_title(item.kind) if item.kind in SECTIONS else ""
        facts = CardFacts(meta.title, config.site.title, accent, lang, section=section)
        people = [self._person(handle) for handle in getattr(meta, "authors", []) or []]
        facts.people = [(name, face) for name, face, _ in people]
        tokens = [token for _, _, token in people]
        if item.kind == "events":
            facts.when, facts.where = _event_lines(graph, item, lang)
        interviewee = getattr(meta, "interviewee", None)
        if interviewee is not None:
            facts.portrait, token = _picture(self.library, interviewee.photo)
            tokens.append(token)
            facts.where = interviewee.name + (f", {interviewee.role}" if interviewee.role else "")
        return self._card(facts, tokens)

    def _card(self, facts: CardFacts, pictures: list[str]) -> bytes:
        """The card of `facts`, from the cache when these facts (`pictures`: digests of the pictures) were drawn."""
        shown = (CARDS_VERSION, facts.title, facts.portal, facts.accent, facts.lang, facts.section, facts.when,
                 facts.where, [name for name, _ in facts.people], pictures)
        name = "card-" + hashlib.sha256(repr(shown).encode("utf-8", "surrogatepass")).hexdigest()[:40]
        cached = self.cache.read(name) if self.cache is not None else None
        if cached is not None:
            return cached
        data = draw_card(facts)
        if self.cache is not None:
            self.cache.write(name, data)
        return data

    def _person(self, handle: str) -> tuple[str, Image.Image | Initials, str]:
        if handle not in self._people:
            self._people[handle] = self._read_person(handle)
        return self._people[handle]

    def _read_person(self, handle: str) -> tuple[str, Image.Image | Initials, str]:
        from ..avatars import initials
        from ..content.loader import CONTENT_DIR
        from ..images import ImageRejected, upright

        graph = self.graph
        item = graph.contributors.get(handle)
        name = item.meta.name if item is not None else handle
        avatar = getattr(item.meta, "avatar", None) if item is not None else None
        if avatar and graph.root is not None:
            try:
                data = (Path(graph.root) / CONTENT_DIR / "contributors" / avatar).read_bytes()
                return name, upright(data), hashlib.sha256(data).hexdigest()
            except (ImageRejected, OSError):
                pass
        face = initials(name, handle)
        return name, face, repr(face)


def _picture(library, path: str | None) -> tuple[Image.Image | None, str]:
    """The published picture at `path`, upright and bare, and a digest of its bytes; None when it is not published
    or cannot be read."""
    from ..images import ImageRejected, upright

    if library.picture(path) is None:
        return None, ""
    try:
        data = library._bytes(path)
        return upright(data, library.max_pixels), hashlib.sha256(data).hexdigest()
    except (ImageRejected, OSError):
        return None, ""


def _event_lines(graph, item, lang: str) -> tuple[str, str]:
    from babel.dates import format_date, format_datetime

    from ..events import timing_of

    timing = timing_of(item.meta, graph.tz)
    shown = timing.shown(graph.now)
    locale = lang.replace("-", "_")
    try:
        if shown.all_day:
            when = format_date(shown.start.date(), "full", locale=locale)
        else:
            when = format_datetime(shown.start, "EEEE d MMMM y, HH:mm", locale=locale)
    except Exception:  # an unknown locale: the ISO date still reads
        when = shown.start.isoformat(timespec="minutes")
    status = getattr(item.meta, "status", "scheduled")
    if status in {"postponed", "cancelled"}:
        when = ""
    location = getattr(item.meta, "location", None)
    where = ""
    if location is not None:
        online = _ONLINE.get(lang.split("-")[0], _ONLINE["en"]) if location.online else ""
        where = " — ".join(part for part in (location.name, location.address) if part) or online
    return when, where


def card_alt(graph, item=None) -> str:
    """The text alternative of a card: what it shows, in words."""
    site = graph.config.site.title
    if item is None:
        return f"{site}: {graph.config.site.description or ''}".strip(": ")
    if item.kind == "contributors":
        return f"{item.meta.name} · {site}"
    return f"{item.meta.title} · {site}"


FAVICONS = {"favicon.png": 64, "apple-touch-icon.png": 180}


def favicons(graph, library) -> dict[str, bytes]:
    """The portal's icons: its logo, else its initials on its accent colour; {file name: PNG bytes}."""
    from ..avatars import contrast, letters_of

    config = graph.config
    logo, _ = _picture(library, config.theme.options.logo)
    accent = config.theme.options.accent or "#9b2c1f"
    out = {}
    for name, size in FAVICONS.items():
        if logo is not None:
            icon = ImageOps.fit(logo.convert("RGBA"), (size, size), method=Image.Resampling.LANCZOS)
        else:
            big = size * 4
            icon = Image.new("RGBA", (big, big), (0, 0, 0, 0))
            draw = ImageDraw.Draw(icon)
            draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=_rgb(accent))
            text = max(("#ffffff", "#1a1a1a"), key=lambda colour: contrast(accent, colour))
            letters = letters_of(config.site.title, config.site.title)[:2]
            draw.text((big // 2, big // 2), letters, font=_font(int(big * 0.42), bold=True), fill=_rgb(text), anchor="mm")
            icon = icon.resize((size, size), Image.Resampling.LANCZOS)
        bare = Image.frombytes("RGBA", icon.size, icon.tobytes())
        buffer = io.BytesIO()
        bare.save(buffer, "PNG", optimize=True)
        out[name] = buffer.getvalue()
    return out
