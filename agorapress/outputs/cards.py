"""Social cards: a 1200×630 PNG per page, drawn at build time with Pillow in a font shipped with the theme
(DejaVu Sans, free licence beside it), reproducible byte for byte: the title, the section, the authors' avatars,
an event's date and place, an interviewee's photo, the portal's name and accent colour, in the page's language."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from ..avatars import Initials

WIDTH, HEIGHT = 1200, 630
CARD_FILE = "social.png"
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
    buffer = io.BytesIO()
    card.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _picture(library, path: str | None) -> Image.Image | None:
    """The published picture at `path`, upright and bare; None when it is not published or cannot be read."""
    from ..images import ImageRejected, upright

    if library.picture(path) is None:
        return None
    try:
        return upright(library._bytes(path), library.max_pixels)
    except (ImageRejected, OSError):
        return None


def _person(graph, handle: str) -> tuple[str, Image.Image | Initials]:
    from ..avatars import initials
    from ..content.loader import CONTENT_DIR
    from ..images import ImageRejected, upright

    item = graph.contributors.get(handle)
    name = item.meta.name if item is not None else handle
    avatar = getattr(item.meta, "avatar", None) if item is not None else None
    if avatar and graph.root is not None:
        try:
            return name, upright((Path(graph.root) / CONTENT_DIR / "contributors" / avatar).read_bytes())
        except (ImageRejected, OSError):
            pass
    return name, initials(name, handle)


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


def item_card(graph, item, library) -> bytes:
    """The card of a published item (article, interview, event, page) or of a member's profile."""
    config = graph.config
    accent = config.theme.options.accent or "#9b2c1f"
    lang = graph.language_of(item)
    meta = item.meta
    if item.kind == "contributors":
        name, face = _person(graph, item.slug)
        facts = CardFacts(name, config.site.title, accent, lang, people=[(name, face)])
        return draw_card(facts)
    from ..content.kinds import SECTIONS

    section = config.section_title(item.kind) if item.kind in SECTIONS else ""
    facts = CardFacts(meta.title, config.site.title, accent, lang, section=section)
    facts.people = [_person(graph, handle) for handle in getattr(meta, "authors", []) or []]
    if item.kind == "events":
        facts.when, facts.where = _event_lines(graph, item, lang)
    interviewee = getattr(meta, "interviewee", None)
    if interviewee is not None:
        facts.portrait = _picture(library, interviewee.photo)
        facts.where = interviewee.name + (f", {interviewee.role}" if interviewee.role else "")
    return draw_card(facts)


def site_card(graph) -> bytes:
    """The portal-wide card, for every page that has none of its own."""
    config = graph.config
    facts = CardFacts(config.site.description or config.site.title, config.site.title,
                      config.theme.options.accent or "#9b2c1f", config.site.language)
    return draw_card(facts)


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
    logo = _picture(library, config.theme.options.logo)
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
