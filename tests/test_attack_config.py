"""site_config.yaml values that switch the committee off without a word: a negative number of approvals for
governance changes (workflows, CODEOWNERS, the config itself) met every quorum with no approval at all."""

from __future__ import annotations

from conftest import DEMO_NOW, MINIMAL_CONFIG

from agorapress.site import load_portal

COMMITTEE = """committee:
  members:
    - {handle: ana, role: editor-in-chief, from: 2026-01-01}
review:
  governance: %s
"""


def test_a_negative_number_of_governance_approvals_is_refused(portal) -> None:
    root = portal(config=MINIMAL_CONFIG + COMMITTEE % "-1")
    found = [(p.line, p.rule, p.field, p.severity) for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems]
    assert (10, "review-section", "review.governance", "error") in found


def test_majority_and_counts_are_fine(portal) -> None:
    for rule in ("majority", "1", "0"):
        root = portal(config=MINIMAL_CONFIG + COMMITTEE % rule)
        assert not load_portal(root, now=DEMO_NOW, use_cache=False).problems.errors, rule
