"""Time zones that name no place: 'localtime' is the clock of whatever machine builds the site (it read
/etc/localtime, so the same commit built other calendars on a laptop and in CI), 'Factory' has no offset at all;
calendars got TZID:localtime. The zones of IANA's list only."""

from __future__ import annotations

import pytest
from conftest import DEMO_NOW, MINIMAL_CONFIG

from agorapress.site import ConfigInvalid, load_portal

EVENT = "---\ntitle: E\ndate: 2026-01-01\nauthors: [ana]\nstart: \"2026-07-01T19:00\"\ntimezone: {zone}\n---\nBody.\n"
NOT_PLACES = ["localtime", "Factory", "posixrules", "posix/Europe/Paris", "right/Europe/Paris"]


@pytest.mark.parametrize("zone", NOT_PLACES)
def test_an_event_in_a_zone_that_names_no_place_is_refused(portal, zone: str) -> None:
    root = portal({"content/events/e.md": EVENT.format(zone=zone)})
    found = [(p.line, p.rule, p.field) for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems.errors]
    assert found == [(6, "event-timezone", "timezone")]


@pytest.mark.parametrize("zone", NOT_PLACES)
def test_a_portal_in_a_zone_that_names_no_place_is_refused(portal, zone: str) -> None:
    root = portal(config=MINIMAL_CONFIG + f"  timezone: {zone}\n")
    with pytest.raises(ConfigInvalid) as refused:
        load_portal(root, now=DEMO_NOW, use_cache=False)
    assert "site.timezone" in str(refused.value) and "unknown time zone" in str(refused.value)


def test_real_zones_and_their_old_names_are_still_accepted(portal) -> None:
    root = portal({f"content/events/e{i}.md": EVENT.format(zone=zone)
                   for i, zone in enumerate(["Europe/Paris", "America/Montreal", "UTC", "Etc/GMT-14", "US/Pacific"])})
    assert not load_portal(root, now=DEMO_NOW, use_cache=False).problems.errors
