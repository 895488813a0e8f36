"""Events: occurrences across DST changes, calendars that re-parse with exactly the expected events, schema.org
Event markup, listings relative to the build clock, and every bad input refused with its exact problem."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import html5lib
import pytest
from conftest import DEMO_NOW, REPO, spoken_text, write_portal
from dateutil.rrule import rrulestr
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from agorapress.build.pipeline import build
from agorapress.cache import PortalCache
from agorapress.events import (
    HORIZON,
    RecurrenceError,
    Timing,
    describe,
    parse_recurrence,
    timing_of,
    wall_clock_issue,
)
from agorapress.outputs.calendar import event_uid, site_calendar
from agorapress.outputs.event_schema import script_json
from agorapress.site import load_portal

PARIS = ZoneInfo("Europe/Paris")
NOW = DEMO_NOW  # 2026-11-22T12:00+01:00
SITE = "https://example.org/mini/"
HOSTILE_TITLE = "Soirée </script> ; , \\\\ BEGIN:VEVENT\\LUID:evil"  # YAML: \\L is U+2028, \\\\ a backslash
HOSTILE_TITLE_READ = "Soirée </script> ; , \\ BEGIN:VEVENT\u2028UID:evil"


def event(title: str, body: str, extra: str, date_: str = "2026-08-01") -> str:
    return f"---\ntitle: {title}\ndate: {date_}\nauthors: [ana]\n{extra}---\n{body}\n"


FILES = {
    "content/contributors/bob.md": "---\nname: Bob Martin\ngithub: bob-m\n---\nBob fixes lamps.\n",
    "content/events/repair-cafe.md": event(
        "Café réparation", "On répare ensemble, chaque premier jeudi.",
        "organizers: [ana, bob]\nstart: 2026-09-03T19:00\nend: 2026-09-03T21:30\n"
        "recurrence: FREQ=MONTHLY;BYDAY=1TH;COUNT=12\nexdates: [2027-01-07]\n"
        "location:\n  name: La Fabrique\n  address: 12 rue des Tanneurs, 69001 Lyon\n  geo: {lat: 45.767, lon: 4.834}\n"
        "registration: https://example.org/inscription\ncapacity: 20\ntags: [réparation]\n"),
    "content/events/spring-workshop.md": event(
        "Atelier de printemps", "Un atelier qui a eu lieu.",
        "organizers: [bob]\nstart: 2026-04-18T14:00\nend: 2026-04-18T17:00\nlocation:\n  name: Jardin partagé\n", "2026-03-01"),
    "content/events/festival.md": event(
        "Festival de la Fabrique", "Trois jours de fête.",
        "status: postponed\nall_day: true\nstart: 2027-06-12\nend: 2027-06-14\n"
        "location:\n  name: Parc de la Tête d'Or\n  online: https://stream.example.org/festival\n"),
    "content/events/online-talk.md": event(
        "Conférence avec Montréal", "Une conférence à distance.",
        "status: moved-online\ntimezone: America/Montreal\nstart: 2026-12-10T18:30\nend: 2026-12-10T20:00\norganizers: [ana]\n"
        "location:\n  name: Bibliothèque\n  address: 1 rue Principale, Montréal\n  online: https://meet.example.org/talk\n"),
    "content/events/cancelled.md": event(
        "Soirée jeux", "Annulée faute de salle.", "status: cancelled\nstart: 2026-12-15T19:00\n"),
    "content/events/hostile.md": event(
        f'"{HOSTILE_TITLE}"', "Texte.",
        # \\P is U+2029, a paragraph separator (\\N, the control character U+0085, is refused by the check).
        'start: 2026-12-20T18:00\nlocation:\n  name: "Salle A\\PEND:VEVENT"\n  address: "3 rue ; , \\\\ Lyon"\n'),
    "content/events/draft.md": event("Brouillon d'événement", "Pas prêt.", "status: draft\nstart: 2026-12-01T10:00\n"),
    "content/events/later.md": event("Annonce programmée", "Plus tard.", "start: 2027-03-01T10:00\n", "2026-12-01"),
}
PUBLISHED = {"repair-cafe", "spring-workshop", "festival", "online-talk", "cancelled", "hostile"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = write_portal(tmp_path_factory.mktemp("events") / "portal", FILES)
    return build(root, root / "output", now=NOW).output


def calendar_of(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def by_url(calendar: Calendar) -> dict[str, object]:
    return {str(e["URL"]).rstrip("/").rsplit("/", 1)[-1]: e for e in calendar.events}  # events/<slug>/ -> slug


def json_ld(page: Path) -> list[dict]:
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    return [json.loads(s.text) for s in tree.iter("script") if s.get("type") == "application/ld+json"]


def the_event(page: Path) -> dict:
    [data] = [d for d in json_ld(page) if d["@type"] == "Event"]
    return data


# -- calendars ------------------------------------------------------------------------------------


def test_site_calendar_holds_exactly_the_published_events(site: Path) -> None:
    calendar = calendar_of(site / "events/calendar.ics")
    calendar.validate()
    assert str(calendar["PRODID"]) == "-//Agora Press//Mini//FR"
    assert set(by_url(calendar)) == PUBLISHED
    statuses = {slug: str(e["STATUS"]) for slug, e in by_url(calendar).items()}
    assert statuses == {"repair-cafe": "CONFIRMED", "spring-workshop": "CONFIRMED", "festival": "TENTATIVE",
                        "online-talk": "CONFIRMED", "cancelled": "CANCELLED", "hostile": "CONFIRMED"}
    # The stricter parser reads the same file with the same events.
    strict = IcsCalendarStream.calendar_from_ics((site / "events/calendar.ics").read_text(encoding="utf-8"))
    assert sorted(e.summary for e in strict.events) == sorted(str(e["SUMMARY"]) for e in calendar.events)


def test_each_event_file_holds_its_event_with_the_same_uid(site: Path) -> None:
    site_events = by_url(calendar_of(site / "events/calendar.ics"))
    assert sorted(p.parent.name for p in (site / "events").glob("*/event.ics")) == sorted(PUBLISHED)
    for slug in PUBLISHED:
        calendar = calendar_of(site / f"events/{slug}/event.ics")
        calendar.validate()
        [vevent] = calendar.events
        assert vevent["UID"] == site_events[slug]["UID"]
        assert vevent.to_ical() == site_events[slug].to_ical()
        assert not calendar.get_missing_tzids()
    uids = [str(e["UID"]) for e in site_events.values()]
    assert len(set(uids)) == len(uids) and all(uid.endswith("@example.org") for uid in uids)


def test_a_vtimezone_for_every_tzid(site: Path) -> None:
    calendar = calendar_of(site / "events/calendar.ics")
    assert calendar.get_used_tzids() == {"Europe/Paris", "America/Montreal"}
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["America/Montreal", "Europe/Paris"]
    assert calendar.get_missing_tzids() == set()
    festival = by_url(calendar)["festival"]  # all day: dates, no zone
    assert festival["DTSTART"].dt == date(2027, 6, 12) and festival["DTEND"].dt == date(2027, 6, 15)


#: The monthly meetup, by hand: 19:00 in Paris is 17:00 UTC in summer time (until 25 October 2026 and
#: again from 28 March 2027) and 18:00 UTC in winter; 7 January 2027 is an exception.
MEETUP_UTC = ["2026-09-03T17:00", "2026-10-01T17:00", "2026-11-05T18:00", "2026-12-03T18:00", "2027-02-04T18:00",
              "2027-03-04T18:00", "2027-04-01T17:00", "2027-05-06T17:00", "2027-06-03T17:00", "2027-07-01T17:00",
              "2027-08-05T17:00"]


def expected_instants() -> list[datetime]:
    return [datetime.fromisoformat(text).replace(tzinfo=UTC) for text in MEETUP_UTC]


def test_recurring_event_crosses_the_october_change_at_the_right_instants(site: Path) -> None:
    calendar = calendar_of(site / "events/calendar.ics")
    meetup = by_url(calendar)["repair-cafe"]
    start = meetup["DTSTART"]
    assert start.params["TZID"] == "Europe/Paris" and start.dt.replace(tzinfo=None) == datetime(2026, 9, 3, 19, 0)
    assert meetup["DTEND"].dt - start.dt == timedelta(hours=2, minutes=30)
    # The zone as the file describes it (its VTIMEZONE), not as this machine knows it.
    [paris] = [tz for tz in calendar.timezones if tz.tz_name == "Europe/Paris"]
    described = paris.to_tz()
    dtstart = start.dt.replace(tzinfo=None).replace(tzinfo=described)
    rule = rrulestr(meetup["RRULE"].to_ical().decode(), dtstart=dtstart)
    skipped = {d.dt.replace(tzinfo=None) for d in meetup["EXDATE"].dts}
    assert skipped == {datetime(2027, 1, 7, 19, 0)}
    instants = [o.astimezone(UTC) for o in rule if o.replace(tzinfo=None) not in skipped]
    assert instants == expected_instants()
    # The stricter library expands the same rule (EXDATE included) to the same instants.
    strict = IcsCalendarStream.calendar_from_ics((site / "events/repair-cafe/event.ics").read_text(encoding="utf-8"))
    assert [o.start.astimezone(UTC) for o in strict.timeline] == expected_instants()


def test_events_module_gives_the_same_instants() -> None:
    meta = SimpleNamespace(timezone=None, all_day=False, start=datetime(2026, 9, 3, 19), end=datetime(2026, 9, 3, 21, 30),
                           recurrence="FREQ=MONTHLY;BYDAY=1TH;COUNT=12", exdates=[date(2027, 1, 7)])
    timing = timing_of(meta, PARIS)
    occurrences = timing.occurrences(datetime(2026, 9, 1, tzinfo=PARIS))
    assert [o.start.astimezone(UTC) for o in occurrences] == expected_instants()
    assert all(o.end - o.start == timedelta(hours=2, minutes=30) for o in occurrences)
    assert {o.start.strftime("%H:%M") for o in occurrences} == {"19:00"}
    assert timing.next(NOW).start == datetime(2026, 12, 3, 19, tzinfo=PARIS)
    assert timing.last(NOW).start == datetime(2026, 11, 5, 19, tzinfo=PARIS)


def test_hostile_text_cannot_add_events_or_properties(site: Path) -> None:
    raw = (site / "events/calendar.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert sum(line == b"BEGIN:VEVENT" for line in lines) == len(PUBLISHED)
    assert not any(line.startswith((b"UID:evil", b"END:VEVENT\\")) for line in lines)
    assert b"\xe2\x80\xa8" not in raw and b"\xc2\x85" not in raw  # Unicode line separators never reach a client
    hostile = by_url(calendar_of(site / "events/calendar.ics"))["hostile"]
    assert str(hostile["SUMMARY"]) == HOSTILE_TITLE_READ.replace("\u2028", " ")
    assert str(hostile["LOCATION"]) == "Salle A END:VEVENT, 3 rue ; , \\ Lyon"
    assert "GEO" not in hostile and str(hostile["UID"]) != "evil"


def test_uid_follows_the_file_not_the_title_or_date(portal) -> None:
    first = portal(FILES)
    before = by_url(Calendar.from_ical(site_calendar(load_portal(first, now=NOW).graph)))
    path = first / "content/events/cancelled.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Soirée jeux", "Soirée cartes").replace("12-15", "12-16"),
                    encoding="utf-8")
    after = by_url(Calendar.from_ical(site_calendar(load_portal(first, now=NOW).graph)))
    assert str(after["cancelled"]["SUMMARY"]) == "Soirée cartes"
    assert after["cancelled"]["UID"] == before["cancelled"]["UID"] == event_uid("events/cancelled.md", SITE)
    assert event_uid("events/other.md", SITE) != event_uid("events/cancelled.md", SITE)
    assert event_uid("events/cancelled.md", "https://other.example/") != event_uid("events/cancelled.md", SITE)


def test_calendar_is_dated_from_content_not_the_clock(portal) -> None:
    root = portal(FILES)
    one = site_calendar(load_portal(root, now=NOW).graph)
    two = site_calendar(load_portal(root, now=NOW + timedelta(days=3)).graph)
    assert one == two
    meetup = by_url(Calendar.from_ical(one))["repair-cafe"]
    assert meetup["DTSTAMP"].dt == datetime(2026, 7, 31, 22, 0, tzinfo=UTC)  # date: 2026-08-01, Paris midnight


def test_empty_portal_still_writes_a_valid_calendar(portal) -> None:
    calendar = Calendar.from_ical(site_calendar(load_portal(portal(), now=NOW).graph))
    calendar.validate()
    assert calendar.events == [] and [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]


# -- pages ----------------------------------------------------------------------------------------


def text_of(page: Path) -> str:
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    return spoken_text(tree.find(".//main"))


def test_upcoming_list_shows_next_occurrences_in_their_zones(site: Path) -> None:
    tree = html5lib.parse((site / "events/index.html").read_bytes(), namespaceHTMLElements=False)
    items = tree.findall(".//ul[@class='event-list']/li")
    hrefs = [li.find(".//a").get("href").removeprefix("../events/").rstrip("/") for li in items]
    assert hrefs == ["repair-cafe", "online-talk", "cancelled", "hostile", "festival"]
    texts = [spoken_text(li) for li in items]
    assert "jeudi 3 décembre 2026, 19:00 – 21:30 (Europe/Paris, UTC+01:00)" in texts[0]
    assert "Le premier jeudi de chaque mois, 12 fois" in texts[0]
    assert texts[1].startswith("Passé en ligne") and "18:30 – 20:00 (America/Montreal, UTC-05:00)" in texts[1]
    assert texts[2].startswith("Annulé") and texts[4].startswith("Reporté")
    assert "samedi 12 juin 2027 – lundi 14 juin 2027" in texts[4]
    links = {a.get("href") for a in tree.iter("a")}
    assert {"webcal://example.org/mini/events/calendar.ics", "../events/calendar.ics"} <= links


def test_past_list_and_home_page(site: Path) -> None:
    assert "Atelier de printemps — 18 avril 2026" in text_of(site / "events/past/index.html")
    assert "Café réparation jeudi 3 décembre 2026, 19:00" in text_of(site / "index.html")  # the next date, not the first


def test_event_page_shows_status_dates_and_calendar_link(site: Path) -> None:
    meetup = text_of(site / "events/repair-cafe/index.html")
    assert "Prochaine date jeudi 3 décembre 2026, 19:00 – 21:30 (fuseau Europe/Paris, UTC+01:00)" in meetup
    assert "jeudi 4 février 2027, 19:00" in meetup and "Sauf le 7 janvier 2027" in meetup
    assert "Organisé par Ana Lopez, Bob Martin" in meetup
    tree = html5lib.parse((site / "events/repair-cafe/index.html").read_bytes(), namespaceHTMLElements=False)
    [link] = [a for a in tree.iter("a") if a.get("href", "").endswith("event.ics")]
    assert (site / "events/repair-cafe" / link.get("href").removeprefix("../../events/repair-cafe/")).is_file()
    assert "Reporté : la nouvelle date sera annoncée ici." in text_of(site / "events/festival/index.html")
    assert "Annulé : cet événement n'aura pas lieu." in text_of(site / "events/cancelled/index.html")


def test_json_ld_is_a_schema_org_event(site: Path) -> None:
    meetup = the_event(site / "events/repair-cafe/index.html")
    assert meetup["@context"] == "https://schema.org"
    assert meetup["startDate"] == "2026-12-03T19:00+01:00" and meetup["endDate"] == "2026-12-03T21:30+01:00"
    assert meetup["eventStatus"] == "https://schema.org/EventScheduled"
    assert meetup["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert meetup["location"] == {"@type": "Place", "name": "La Fabrique",
                                  "address": {"@type": "PostalAddress", "streetAddress": "12 rue des Tanneurs, 69001 Lyon"},
                                  "geo": {"@type": "GeoCoordinates", "latitude": 45.767, "longitude": 4.834}}
    assert meetup["organizer"] == [{"@type": "Person", "name": "Ana Lopez", "url": f"{SITE}contributors/ana/"},
                                   {"@type": "Person", "name": "Bob Martin", "url": f"{SITE}contributors/bob/"}]
    assert meetup["eventSchedule"]["repeatFrequency"] == "P1M" and meetup["eventSchedule"]["byMonthWeek"] == 1
    talk = the_event(site / "events/online-talk/index.html")
    assert talk["eventStatus"] == "https://schema.org/EventMovedOnline"
    assert talk["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert talk["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/talk"}
    assert talk["startDate"] == "2026-12-10T18:30-05:00"
    festival = the_event(site / "events/festival/index.html")
    assert festival["eventStatus"] == "https://schema.org/EventPostponed"
    assert festival["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in festival["location"]] == ["Place", "VirtualLocation"]
    assert (festival["startDate"], festival["endDate"]) == ("2027-06-12", "2027-06-14")
    assert the_event(site / "events/cancelled/index.html")["eventStatus"] == "https://schema.org/EventCancelled"
    # No Article markup on event pages: they carry their own.
    assert not [d for d in json_ld(site / "events/repair-cafe/index.html") if d["@type"] == "Article"]


def test_json_ld_cannot_close_its_script(site: Path) -> None:
    raw = (site / "events/hostile/index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 2)
    assert all("</script" not in part.split("</script>", 1)[0] for part in block[1:])
    assert the_event(site / "events/hostile/index.html")["name"] == HOSTILE_TITLE_READ
    assert script_json({"a": "</script><!-- & >"}) == '{"a": "\\u003c/script\\u003e\\u003c!-- \\u0026 \\u003e"}'


# -- the build clock ------------------------------------------------------------------------------


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-22T12:00+01:00", "2026-12-01T00:00:00+01:00"),  # the scheduled announcement falls due
    ("2026-12-02T08:00+01:00", "2026-12-03T19:00:00+01:00"),  # the meetup starts
    ("2026-12-03T20:00+01:00", "2026-12-03T21:30:00+01:00"),  # it ends: the listing moves to February
    ("2026-12-10T20:30+01:00", "2026-12-11T00:30:00+01:00"),  # the Montreal talk: 18:30 there (UTC-5) is 00:30 in Paris
])
def test_next_change_is_the_next_flip(portal, now: str, expected: str) -> None:
    graph = load_portal(portal(FILES), now=datetime.fromisoformat(now)).graph
    assert graph.next_change().isoformat() == expected


def test_build_reports_the_next_change(site: Path) -> None:
    info = json.loads(PortalCache(site.parent).read("build.json"))
    assert info["next_change"] == "2026-12-01T00:00:00+01:00"


def test_two_builds_are_byte_identical(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    script = ("import sys; from datetime import datetime; from pathlib import Path; from agorapress.build.pipeline import build; "
              "build(Path(sys.argv[1]), Path(sys.argv[2]), now=datetime.fromisoformat(sys.argv[3]))")
    outputs = []
    for seed, zone in (("1", "UTC"), ("2", "Pacific/Kiritimati")):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone}
        subprocess.run([sys.executable, "-c", script, str(root), str(out), NOW.isoformat()], check=True, env=env, cwd=REPO)
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted((out / "events").rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]
    assert any(name.suffix == ".ics" for name in outputs[0])


# -- bad input --------------------------------------------------------------------------------------

BAD = [
    ("start: 2026-03-29T02:30\n",
     "content/events/bad.md:5: error[event-dst-gap]: start: 2026-03-29T02:30 does not exist in Europe/Paris: clocks jump "
     "from UTC+01:00 to UTC+02:00 that night (choose a time that exists, e.g. 03:30)"),
    ("start: 2026-10-25T02:30\n",
     "content/events/bad.md:5: error[event-dst-fold]: start: 2026-10-25T02:30 happens twice in Europe/Paris: clocks go back "
     "from UTC+02:00 to UTC+01:00 that night (add the offset: 2026-10-25T02:30+02:00 for the first time, "
     "2026-10-25T02:30+01:00 for the second)"),
    ("start: 2026-10-24T22:00\nend: 2026-10-25T02:15\n",
     "content/events/bad.md:6: error[event-dst-fold]: end: 2026-10-25T02:15 happens twice in Europe/Paris: clocks go back "
     "from UTC+02:00 to UTC+01:00 that night (add the offset: 2026-10-25T02:15+02:00 for the first time, "
     "2026-10-25T02:15+01:00 for the second)"),
    ("start: 2026-05-01T20:00\nend: 2026-05-01T18:00\n",
     "content/events/bad.md:6: error[schema-type]: end: is before start; check the dates and times"),
    ("start: 2026-05-01T20:00\ntimezone: Europe/Pariss\n",
     "content/events/bad.md:6: error[event-timezone]: timezone: unknown time zone 'Europe/Pariss' "
     "(did you mean 'Europe/Paris'?)"),
    ("start: 2026-05-01T20:00\ntimezone: montreal\n",
     "content/events/bad.md:6: error[event-timezone]: timezone: unknown time zone 'montreal' (did you mean 'America/Montreal'?)"),
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=MONTLY;BYDAY=1TH\n",
     "content/events/bad.md:6: error[event-recurrence]: recurrence: FREQ=MONTLY is not a frequency (did you mean 'MONTHLY'?)"),
    ("start: 2026-05-07T20:00\nrecurrence: every first thursday\n",
     "content/events/bad.md:6: error[event-recurrence]: recurrence: is not an RRULE: write parts like FREQ=MONTHLY separated "
     "by ';' on one line (for example FREQ=MONTHLY;BYDAY=1TH;COUNT=12)"),
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=MONTHLY;INTERVAL=0\n",
     "content/events/bad.md:6: error[event-recurrence]: recurrence: INTERVAL=0: must be a whole number, 1 or more "
     "(INTERVAL is the step between occurrences; 1 means every time)"),
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=MONTHLY;COUNT=-3\n",
     "content/events/bad.md:6: error[event-recurrence]: recurrence: COUNT=-3: must be a whole number, 1 or more "
     "(COUNT is the number of occurrences)"),
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=MONTHLY;BYDAY=1TH\n",
     "content/events/bad.md:6: warning[event-recurrence-endless]: recurrence: never ends: pages list its dates two years "
     "ahead, calendars forever (add COUNT=<number> or UNTIL=<YYYYMMDD> if it stops one day)"),
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n",
     "content/events/bad.md:6: error[event-recurrence]: recurrence: the rule gives no date at all (check that the days and "
     "months it names exist together (there is no 30 February) and that its step reaches them (every 7th day is the same "
     "weekday))"),
    ("start: 2026-05-06T20:00\nrecurrence: FREQ=MONTHLY;BYDAY=1TH;COUNT=3\n",
     "content/events/bad.md:5: error[event-recurrence]: start: is not a date the recurrence gives, so calendars would "
     "disagree on the first one (make start the first occurrence: 2026-05-07T20:00)"),
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=MONTHLY;BYDAY=1TH;COUNT=3\nexdates: [2026-06-04, 2026-06-05]\n",
     "content/events/bad.md:7: error[event-exdate]: exdates[1]: 2026-06-05 is not a date the recurrence gives "
     "(the nearest it gives: 2026-06-04T20:00 and 2026-07-02T20:00)"),
    ("start: 2026-05-07T20:00\nexdates: [2026-06-04]\n",
     "content/events/bad.md:6: error[event-exdate]: exdates: exceptions need a recurrence (add recurrence: (an RRULE) or "
     "remove exdates)"),
    ("start: 2026-05-07T20:00\nregistration: javascript:alert(1)\n",
     "content/events/bad.md:6: error[schema-type]: registration: expected an http:// or https:// address, "
     "found 'javascript:alert(1)'"),
    ("start: 2026-05-07T20:00\norganizers: [zoe]\n",
     "content/events/bad.md:6: error[unknown-contributor]: organizers[0]: 'zoe' has no profile "
     "(add a profile: content/contributors/zoe.md)"),
    ("start: 2026-05-07T20:00\nend: 2026-05-08\n",
     "content/events/bad.md:6: error[event-time]: end: is a date but start has a time (give end a time too, "
     "e.g. 2026-05-01T21:00, or set all_day: true)"),
    ("start: 2026-12-01T19:00+02:00\n",
     "content/events/bad.md:5: warning[event-offset]: start: the offset UTC+02:00 is not the one of Europe/Paris on that date "
     "(UTC+01:00): the event is at 18:00 there (write the local time without an offset)"),
    # Dates the build could not compute with: the year 9999 plus two hours is past Python's last day.
    ("start: 9999-12-31T23:00\n",
     "content/events/bad.md:5: error[schema-type]: start: the year 9999 is out of range: write a year between 1900 and "
     "2200, found '9999-12-31T23:00'"),
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=DAILY;UNTIL=99991231\n",
     "content/events/bad.md:6: error[event-recurrence]: recurrence: UNTIL=99991231: the year 9999 is out of range "
     "(write a year between 1900 and 2200)"),
    # Every 7th day is a Thursday: dateutil would look for a Monday until the year 9999 (1.4 s) before saying so.
    ("start: 2026-05-07T20:00\nrecurrence: FREQ=DAILY;INTERVAL=7;BYDAY=MO;COUNT=3\n",
     "content/events/bad.md:6: error[event-recurrence]: recurrence: the rule gives no date at all (check that the days and "
     "months it names exist together (there is no 30 February) and that its step reaches them (every 7th day is the same "
     "weekday))"),
    # Lengths no event has: a warning past a month, an error past a year.
    ("start: 2026-05-07T20:00\nend: 2026-07-01T20:00\n",
     "content/events/bad.md:6: warning[event-duration]: end: the event lasts 55 days (check the end: is it the right date?)"),
    ("all_day: true\nstart: 2026-05-07\nend: 2027-06-01\n",
     "content/events/bad.md:7: error[event-duration]: end: the event lasts 391 days, more than 366 (check the end; an event "
     "held again and again is one event with a recurrence)"),
]


BAD_IDS = [f"{index}-{line.split('[')[1].split(']')[0]}" for index, (_, line) in enumerate(BAD)]


@pytest.mark.parametrize(("front", "expected"), BAD, ids=BAD_IDS)
def test_bad_input_gives_the_exact_problem(portal, front: str, expected: str) -> None:
    root = portal({"content/events/bad.md": "---\ntitle: Bad\ndate: 2026-01-01\nauthors: [ana]\n" + front + "---\nBody.\n"})
    problems = load_portal(root, now=NOW).problems.for_path("content/events/bad.md")  # other rules look at the config
    assert "\n".join(p.as_text() for p in problems) == expected


def test_title_with_crlf_is_refused_before_any_calendar(portal) -> None:
    root = portal({"content/events/crlf.md": '---\ntitle: "Fête\\r\\nBEGIN:VEVENT"\ndate: 2026-01-01\nauthors: [ana]\n'
                                             "start: 2026-05-07T20:00\n---\nBody.\n"})
    assert [p.as_text() for p in load_portal(root, now=NOW).problems.for_path("content/events/crlf.md")] == [
        "content/events/crlf.md:2: error[control-character]: title: control character U+000D (carriage return) in the "
        "text (delete it: it is usually an escape such as \\0, \\r or \\e between double quotes; only tabs and line "
        "breaks are allowed)"]


# -- recurrence rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "message"), [
    ("FREQ=HOURLY", "FREQ=HOURLY: an event repeats at most daily"),
    ("FREQ=WEEKLY;BYDAY=1TH", "BYDAY=1TH: numbered days only make sense with FREQ=MONTHLY or YEARLY"),
    ("FREQ=MONTHLY;BYMONTH=13", "BYMONTH=13 is out of range"),
    ("FREQ=MONTHLY;COUNT=2;UNTIL=20270101", "COUNT and UNTIL are both given (RFC 5545 allows one)"),
    ("FREQ=MONTHLY;UNTIL=2027-01-01", "UNTIL=2027-01-01 is not a date"),
    ("FREQ=MONTHLY;BYDAI=TH", "unknown part 'BYDAI'"),
    ("BYDAY=TH", "FREQ is missing"),
    ("FREQ=MONTHLY\nBEGIN:VEVENT", "is not an RRULE: write parts like FREQ=MONTHLY separated by ';' on one line"),
    # Integers calendars cannot write (RFC 5545's are 32 bits), and far past any real event.
    ("FREQ=DAILY;INTERVAL=99999999999999999999", "INTERVAL=99999999999999999999: must be at most 1,000"),
    ("FREQ=DAILY;COUNT=10001", "COUNT=10001: must be at most 10,000"),
    ("FREQ=DAILY;COUNT=" + "9" * 5000, "COUNT=" + "9" * 29 + "…: must be a whole number, 1 or more"),
    ("FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=8", "BYSETPOS only makes sense with FREQ=MONTHLY or YEARLY"),
])
def test_rules_agora_refuses(rule: str, message: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(rule, PARIS, all_day=False)
    assert caught.value.message == message


def test_until_is_written_in_utc_or_as_a_date() -> None:
    # A date alone means "until that day is over" in the event's zone: 30 June 2027 ends at 21:59:59 UTC.
    assert parse_recurrence("rrule:freq=monthly;byday=1th;until=20270630", PARIS, False).text == \
        "FREQ=MONTHLY;UNTIL=20270630T215959Z;BYDAY=1TH"
    assert parse_recurrence("FREQ=YEARLY;UNTIL=20300101T120000", PARIS, True).text == "FREQ=YEARLY;UNTIL=20300101"


def test_endless_rules_are_listed_two_years_ahead() -> None:
    meta = SimpleNamespace(timezone=None, all_day=False, start=datetime(2026, 1, 5, 18), end=None,
                           recurrence="FREQ=WEEKLY;BYDAY=MO", exdates=[])
    occurrences = timing_of(meta, PARIS).occurrences(NOW)
    assert occurrences[-1].start <= NOW + HORIZON < occurrences[-1].start + timedelta(days=7)
    assert all(o.end - o.start == timedelta(hours=2) for o in occurrences)  # default length


def test_wall_clock_issues() -> None:
    assert wall_clock_issue(datetime(2026, 3, 29, 2, 30), PARIS) == "gap"
    assert wall_clock_issue(datetime(2026, 10, 25, 2, 30), PARIS) == "fold"
    assert wall_clock_issue(datetime(2026, 10, 25, 3, 30), PARIS) is None
    assert wall_clock_issue(datetime(2026, 10, 25, 2, 30, tzinfo=UTC), PARIS) is None
    assert wall_clock_issue(date(2026, 10, 25), PARIS) is None


def test_recurrences_in_words() -> None:
    monthly = parse_recurrence("FREQ=MONTHLY;BYDAY=1TH", PARIS, False)
    assert describe(monthly, "fr") == "Le premier jeudi de chaque mois"
    assert describe(monthly, "en") == "The first Thursday of every month"
    weekly = parse_recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=6", PARIS, False)
    assert describe(weekly, "fr") == "Toutes les 2 semaines, le mardi et jeudi, 6 fois"
    odd = parse_recurrence("FREQ=YEARLY;BYWEEKNO=20", PARIS, False)
    assert describe(odd, "fr") == "FREQ=YEARLY;BYWEEKNO=20"


def test_all_day_events_end_at_the_midnight_after_their_last_day() -> None:
    meta = SimpleNamespace(timezone="America/Montreal", all_day=False, start=date(2027, 6, 12), end=date(2027, 6, 14),
                           recurrence=None, exdates=[])
    timing = timing_of(meta, PARIS)
    assert timing.all_day and timing.zone.key == "America/Montreal"
    assert timing.first.last_day == date(2027, 6, 14)
    assert timing.end == datetime(2027, 6, 15, tzinfo=ZoneInfo("America/Montreal"))
    assert isinstance(timing, Timing)


# -- the demo portal ----------------------------------------------------------------------------------

demo = pytest.mark.skipif(not any((REPO / "content" / "events").glob("*.md")), reason="the demo events are not written yet")


@demo
def test_demo_calendars_reparse_with_their_events(demo_site: Path) -> None:
    pages = sorted(p.parent.name for p in (demo_site / "events").glob("*/index.html") if p.parent.name != "past")
    site_calendar_ = calendar_of(demo_site / "events/calendar.ics")
    site_calendar_.validate()
    assert sorted(str(e["URL"]).rstrip("/").rsplit("/", 1)[-1] for e in site_calendar_.events) == pages
    assert site_calendar_.get_missing_tzids() == set()
    for path in itertools.chain([demo_site / "events/calendar.ics"], (demo_site / "events").glob("*/event.ics")):
        IcsCalendarStream.calendar_from_ics(path.read_text(encoding="utf-8"))
    for slug in pages:
        [vevent] = calendar_of(demo_site / f"events/{slug}/event.ics").events
        assert the_event(demo_site / f"events/{slug}/index.html")["@type"] == "Event"
        assert vevent["UID"] in {e["UID"] for e in site_calendar_.events}


#: The demo's monthly repair café, by hand: first Thursdays from 3 September 2026, twelve times, 19:00 in Paris.
DEMO_CAFE_UTC = ["2026-09-03T17:00", "2026-10-01T17:00", "2026-11-05T18:00", "2026-12-03T18:00", "2027-01-07T18:00",
                 "2027-02-04T18:00", "2027-03-04T18:00", "2027-04-01T17:00", "2027-05-06T17:00", "2027-06-03T17:00",
                 "2027-07-01T17:00", "2027-08-05T17:00"]


@demo
def test_demo_monthly_cafe_crosses_october_at_the_right_instants(demo_site: Path) -> None:
    calendar = calendar_of(demo_site / "events/calendar.ics")
    cafe = by_url(calendar)["cafe-reparation-mensuel"]
    [paris] = [tz.to_tz() for tz in calendar.timezones if tz.tz_name == "Europe/Paris"]
    rule = rrulestr(cafe["RRULE"].to_ical().decode(), dtstart=cafe["DTSTART"].dt.replace(tzinfo=None).replace(tzinfo=paris))
    expected = [datetime.fromisoformat(text).replace(tzinfo=UTC) for text in DEMO_CAFE_UTC]
    assert [o.astimezone(UTC) for o in rule] == expected
    strict = IcsCalendarStream.calendar_from_ics((demo_site / "events/cafe-reparation-mensuel/event.ics").read_text("utf-8"))
    assert [o.start.astimezone(UTC) for o in strict.timeline] == expected


@demo
def test_demo_events_show_correctly(demo_site: Path) -> None:
    tree = html5lib.parse((demo_site / "events/index.html").read_bytes(), namespaceHTMLElements=False)
    items = tree.findall(".//ul[@class='event-list']/li")
    assert [li.find(".//a").get("href").removeprefix("../events/").rstrip("/") for li in items] == [
        "cafe-reparation-mensuel", "atelier-ecrire-son-premier-article", "festival-de-la-fabrique-2027"]
    texts = [spoken_text(li) for li in items]
    assert "jeudi 3 décembre 2026, 19:00 – 21:30 (Europe/Paris, UTC+01:00)" in texts[0]  # the next date, winter time
    assert texts[1].startswith("Passé en ligne") and texts[2].startswith("Reporté")
    assert "(Europe/Paris, UTC+02:00)" in texts[2]  # June: summer time
    past = text_of(demo_site / "events/past/index.html")
    assert past.startswith("Événements passés Assemblée de printemps 2026 — 18 avril 2026")
    calendar = calendar_of(demo_site / "events/calendar.ics")
    assert {slug: str(e["STATUS"]) for slug, e in by_url(calendar).items()} == {
        "assemblee-de-printemps-2026": "CONFIRMED", "cafe-reparation-mensuel": "CONFIRMED",
        "atelier-ecrire-son-premier-article": "CONFIRMED", "festival-de-la-fabrique-2027": "TENTATIVE"}
    festival = by_url(calendar)["festival-de-la-fabrique-2027"]
    assert festival["DTSTAMP"].dt == datetime(2026, 11, 17, 23, 0, tzinfo=UTC)  # `updated: 2026-11-18`, Paris midnight
    atelier = the_event(demo_site / "events/atelier-ecrire-son-premier-article/index.html")
    assert (atelier["eventStatus"], atelier["eventAttendanceMode"], atelier["location"]["@type"]) == (
        "https://schema.org/EventMovedOnline", "https://schema.org/OnlineEventAttendanceMode", "VirtualLocation")
    assert the_event(demo_site / "events/festival-de-la-fabrique-2027/index.html")["eventStatus"] == \
        "https://schema.org/EventPostponed"
    cafe = the_event(demo_site / "events/cafe-reparation-mensuel/index.html")
    assert (cafe["startDate"], cafe["endDate"]) == ("2026-12-03T19:00+01:00", "2026-12-03T21:30+01:00")
    assert [p["url"] for p in cafe["organizer"]] == ["https://agora-press.github.io/agora-press/contributors/farid/",
                                                     "https://agora-press.github.io/agora-press/contributors/elise/"]


@demo
def test_demo_recurring_event_keeps_its_local_time_across_october(demo_site: Path) -> None:
    calendar = calendar_of(demo_site / "events/calendar.ics")
    recurring = [e for e in calendar.events if "RRULE" in e]
    assert recurring, "the demo has a recurring event"
    for vevent in recurring:
        [zone] = [tz.to_tz() for tz in calendar.timezones if tz.tz_name == vevent["DTSTART"].params["TZID"]]
        start = vevent["DTSTART"].dt.replace(tzinfo=None)
        rule = rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=start.replace(tzinfo=zone))
        autumn = [o for o in itertools.islice(rule, 60) if o.year == 2026 and o.month in (9, 10, 11, 12)]
        offsets = {o.astimezone(UTC).hour - o.hour for o in autumn}
        assert {o.strftime("%H:%M") for o in autumn} == {start.strftime("%H:%M")}
        assert len(offsets) == 2  # summer and winter time: the UTC instant moves, the local time does not


def test_exceptions_are_checked_up_to_the_limit_then_refused_at_once(portal) -> None:
    """500 exceptions of a daily rule are each one of its dates; 501 are one problem, not 501 (a check of 2,000 used
    to compare every exception with every date: 50 s)."""
    def event_with(count: int) -> str:
        days = ", ".join((date(2026, 5, 8) + timedelta(days=n)).isoformat() for n in range(count))
        return ("---\ntitle: Daily\ndate: 2026-01-01\nauthors: [ana]\nstart: 2026-05-07T20:00\n"
                f"recurrence: FREQ=DAILY;COUNT=900\nexdates: [{days}]\n---\nBody.\n")

    root = portal({"content/events/ok.md": event_with(500), "content/events/many.md": event_with(501)})
    problems = load_portal(root, now=NOW).problems
    assert problems.for_path("content/events/ok.md") == []
    assert [p.as_text() for p in problems.for_path("content/events/many.md")] == [
        "content/events/many.md:7: error[limit]: exdates: 501 exception dates, over the limit of 500 (end the recurrence "
        "earlier (UNTIL) and start a new event, or ask the committee to raise moderation.max_exdates)"]
