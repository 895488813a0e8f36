"""Passing for a member with a display name that reads like theirs through characters that show nothing but are no
format characters (Unicode Cf): Hangul fillers, the combining grapheme joiner, variation selectors, a braille blank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DEMO_NOW
from test_pr_checks import check, profile, pull_request, write

from agorapress.committee.likeness import same_name
from agorapress.site import load_portal

BLANKS = {
    "combining grapheme joiner": "\u034f",
    "hangul filler": "\u3164",
    "halfwidth hangul filler": "\uffa0",
    "hangul choseong filler": "\u115f",
    "braille blank": "\u2800",
    "variation selector 16": "\ufe0f",
    "variation selector 17": "\U000e0100",
    "khmer inherent vowel": "\u17b4",
}


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
def test_a_name_with_an_invisible_letter_reads_like_the_name_without_it(blank: str) -> None:
    assert same_name("Bob Martin", f"Bob{blank} Martin")
    assert same_name("Bob Martin", f"{blank}Bob Martin")
    assert same_name("Bob Martin", f"Bob Martin{blank}")
    assert not same_name("Bob Martin", "Bob Marti")


def test_a_newcomer_cannot_take_a_members_name_with_a_hangul_filler(tmp_path: Path) -> None:
    """The pull request gate said nothing but a misleading 'mixed-script' warning, and exit 0."""
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/contributors/mal.md", profile("Bob\u3164 Martin", "mallory")))
    result = check(repo, "mallory", "--format", "json")
    assert result.exit_code == 1, result.output
    assert "lookalike-name" in {p["rule"] for p in json.loads(result.stdout)}


@pytest.mark.parametrize("blank", ["\u034f", "\u3164", "\uffa0", "\u115f", "\u2800", "\u17b4"])
def test_names_refuse_letters_that_show_nothing(portal, blank: str) -> None:
    """A name, a handle or an address never needs a letter that shows nothing: the same error as for a zero-width
    space (invisible-character), so that nobody passes for someone else in the lists that show names."""
    root = portal({"content/contributors/mal.md": f"---\nname: \"Mal{blank} Lory\"\ngithub: mallory\n---\nBio.\n"})
    found = [(p.line, p.rule, p.field) for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems.errors]
    assert (2, "invisible-character", "name") in found


def test_a_title_keeps_its_emoji_with_variation_selectors(portal) -> None:
    title = "J'\u2764\ufe0f les vélos"
    root = portal({"content/articles/a.md": f"---\ntitle: \"{title}\"\ndate: 2026-01-01\nauthors: [ana]\n---\nx\n"})
    assert not load_portal(root, now=DEMO_NOW, use_cache=False).problems.errors
