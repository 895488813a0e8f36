"""Small bar charts as inline SVG: deterministic, scalable, themed by CSS, every text escaped.

The SVG is meant to be inlined in an HTML page (no extra request). It scales with its viewBox, draws
in `currentColor`, and its bars and grid take the page's colours through classes (`chart-bar`,
`chart-grid`) when the page styles them, so light and dark themes apply. Coordinates are rounded to
one decimal, so the same numbers always give the same bytes. Labels come from content (tag names,
section titles): each goes through markupsafe's escape, and the result is Markup only because of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

#: Width of every chart in viewBox units; text is sized for a phone's column at this width.
WIDTH = 400
FONT = 12
#: Labels longer than this are cut with an ellipsis: SVG text does not wrap.
MAX_LABEL = 36

Bars = Sequence[tuple[str, int]]


def _n(value: float) -> str:
    """A coordinate, rounded so output never depends on float noise: '12', '12.5'."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _cut(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def nice_max(value: int) -> int:
    """The top of the scale: the peak rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _open(chart_id: str, height: float, title: str, desc: str) -> list[str]:
    ident = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" class="chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-size="{FONT}" fill="currentColor">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]


def render_columns(bars: Bars, *, chart_id: str, title: str, desc: str, labels: int = 6) -> Markup:
    """Vertical bars in the given order (a monthly series), with a value scale and at most `labels` labels below."""
    # `right` leaves room for half of the last month's label, centred under the last bar.
    top_pad, left, right, bottom, height = 14, 28, 22, 22, 200
    plot_w, plot_h = WIDTH - left - 4 - right, height - top_pad - bottom
    scale = nice_max(max((v for _, v in bars), default=0))
    parts = _open(chart_id, height, title, desc)
    # The scale: zero, half and top, so a reader sees the size of the bars without the table.
    for tick in sorted({0, scale // 2, scale} if scale % 2 == 0 else {0, scale}):
        y = top_pad + plot_h - plot_h * tick / scale
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{WIDTH}" y1="{_n(y)}" y2="{_n(y)}" stroke="currentColor" '
                     f'stroke-opacity="0.3"/>')
        parts.append(f'<text x="{left - 4}" y="{_n(y + FONT / 3)}" text-anchor="end">{tick}</text>')
    slot = plot_w / max(len(bars), 1)
    every = max(1, math.ceil(len(bars) / labels))
    # Labels are counted from the last bar (the current month), which is always labelled.
    last = len(bars) - 1
    for index, (label, value) in enumerate(bars):
        x = left + 4 + index * slot
        bar_h = plot_h * value / scale
        parts.append(f'<rect class="chart-bar" x="{_n(x + slot * 0.15)}" y="{_n(top_pad + plot_h - bar_h)}" '
                     f'width="{_n(slot * 0.7)}" height="{_n(bar_h)}"><title>{escape(_cut(label))}: {value}</title></rect>')
        if (last - index) % every == 0:
            parts.append(f'<text x="{_n(x + slot / 2)}" y="{_n(height - 6)}" text-anchor="middle">{escape(_cut(label))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def render_bars(bars: Bars, *, chart_id: str, title: str, desc: str) -> Markup:
    """Horizontal bars in the given order (categories): each label above its bar, the count after it."""
    row, top_pad = 32, 4
    height = top_pad + row * max(len(bars), 1)
    scale = max((v for _, v in bars), default=0) or 1
    value_room = 40  # the count is written after the longest bar too
    parts = _open(chart_id, height, title, desc)
    for index, (label, value) in enumerate(bars):
        y = top_pad + index * row
        width = (WIDTH - value_room) * value / scale
        parts.append(f'<text x="0" y="{_n(y + FONT)}">{escape(_cut(label))}</text>')
        parts.append(f'<rect class="chart-bar" x="0" y="{_n(y + FONT + 4)}" width="{_n(width)}" height="10"/>')
        parts.append(f'<text x="{_n(width + 4)}" y="{_n(y + FONT + 13)}">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
