"""Initials avatars: letters and colours derived from a member's handle, with accessible contrast."""

from __future__ import annotations

import colorsys
import hashlib
import unicodedata
from dataclasses import dataclass

#: WCAG 2.x AA contrast for normal text; initials are large, but small avatars make them small text.
MIN_CONTRAST = 4.5
_DARK = "#1a1a1a"
_LIGHT = "#ffffff"


@dataclass(frozen=True)
class Initials:
    """What a generated avatar shows: up to two letters on a background colour."""

    letters: str
    background: str
    foreground: str


def initials(name: str, handle: str) -> Initials:
    """The initials avatar of a member; the same handle gives the same colours on every build."""
    background, foreground = colours(handle)
    return Initials(letters_of(name, handle), background, foreground)


def letters_of(name: str, handle: str) -> str:
    """First letters of the first and last words of the name (e.g. 'Jean-Marc Dupont' -> 'JD')."""
    words = [w for w in name.replace("-", " ").split() if unicodedata.category(w[0]).startswith("L")]
    if not words:
        return handle[:2].upper()
    chosen = [words[0], words[-1]] if len(words) > 1 else words[:1]
    return "".join(w[0] for w in chosen).upper()


def colours(handle: str) -> tuple[str, str]:
    """(background, text) hex colours for a handle, with a contrast ratio of at least MIN_CONTRAST."""
    # sha256, not hash(): Python salts hash() per process, and colours must not change between builds.
    digest = hashlib.sha256(handle.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360 / 360
    saturation = 0.45 + digest[2] % 30 / 100
    lightness = 0.40 + digest[3] % 25 / 100
    background = _hex(colorsys.hls_to_rgb(hue, lightness, saturation))
    foreground = max((_LIGHT, _DARK), key=lambda text: contrast(background, text))
    # Mid-tone colours can miss AA with both texts: darken the background until white text passes.
    while contrast(background, foreground) < MIN_CONTRAST:
        lightness -= 0.02
        background = _hex(colorsys.hls_to_rgb(hue, lightness, saturation))
        foreground = _LIGHT
    return background, foreground


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def luminance(colour: str) -> float:
    """Relative luminance of an sRGB hex colour (WCAG 2.x definition)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two hex colours, from 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
