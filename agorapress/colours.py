"""Colours of the shipped theme and the WCAG 2.2 contrast ratio a portal's chosen colours must meet."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: Minimum contrast of text (links are text) on its background, WCAG 2.2 success criterion 1.4.3 (AA).
AA_TEXT = 4.5
#: Backgrounds text sits on in the shipped theme, light and dark; agora.css declares the same values.
LIGHT_BACKGROUNDS = ("#fdfcf9", "#ffffff", "#f6efe6")
DARK_BACKGROUNDS = ("#16181c", "#1f2227", "#2a2622")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2.2 definition)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """Contrast ratio between two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def worst_contrast(colour: str, backgrounds: tuple[str, ...]) -> tuple[float, str]:
    """The lowest contrast of `colour` over `backgrounds`, and that background."""
    return min((contrast(colour, bg), bg) for bg in backgrounds)
