"""Every private part of Pelican that Agora relies on is still there in the installed Pelican (see
render/pelican_private.py); an upgrade that drops one fails here, saying what to rework."""

from __future__ import annotations

import re
from pathlib import Path

import pelican
import pytest

from agorapress.render.pelican_private import RELIANCES, Reliance

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("reliance", RELIANCES, ids=lambda r: f"{r.where}.{r.in_source_of or r.needs}")
def test_the_installed_pelican_still_has_it(reliance: Reliance) -> None:
    assert reliance.holds(), (f"Pelican {pelican.__version__} no longer has {reliance.where} {reliance.needs!r}: "
                              f"{reliance.used_by} relies on it because {reliance.why}")


def test_every_private_name_the_render_code_uses_is_listed() -> None:
    # A name of Pelican's starting with one underscore, used in render/, must be a reliance of its own.
    listed = {reliance.needs.split(".")[-1].split("(")[0] for reliance in RELIANCES}
    used = set()
    for path in (REPO / "agorapress" / "render").rglob("*.py"):
        if path.name == "pelican_private.py":
            continue
        used |= set(re.findall(r"\b(?:self|super\(\))\.(_(?:open_w|written_files|overridden_files|get_\w+))\b",
                                path.read_text(encoding="utf-8")))
    assert used <= listed, sorted(used - listed)


def test_the_pelican_range_is_the_tested_one() -> None:
    # pyproject.toml accepts the minor version the suite runs on, no other.
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    accepted = re.search(r'"pelican>=([\d.]+),<([\d.]+)"', text)
    assert accepted, "pyproject.toml must give Pelican a lower and an upper bound"
    installed = tuple(int(p) for p in pelican.__version__.split(".")[:2])
    low = tuple(int(p) for p in accepted.group(1).split(".")[:2])
    high = tuple(int(p) for p in accepted.group(2).split(".")[:2])
    assert low <= installed < high and high[0] * 100 + high[1] - low[0] * 100 - low[1] == 1, accepted.group(0)
