"""Colours of the shipped theme and the WCAG 2.2 contrast ratio a portal's chosen colours must meet."""

from __future__ import annotations

import re

from .avatars import MIN_CONTRAST, contrast

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: Minimum contrast of text (links are text) on its background, WCAG 2.2 success criterion 1.4.3 (AA).
AA_TEXT = MIN_CONTRAST
#: Backgrounds text sits on in the shipped theme, light and dark; agora.css declares the same values.
LIGHT_BACKGROUNDS = ("#fdfcf9", "#ffffff", "#f6efe6")
DARK_BACKGROUNDS = ("#16181c", "#1f2227", "#2a2622")


def worst_contrast(colour: str, backgrounds: tuple[str, ...]) -> tuple[float, str]:
    """The lowest contrast of `colour` over `backgrounds`, and that background."""
    return min((contrast(colour, bg), bg) for bg in backgrounds)
