"""Property tests: front matter for every field of every kind, and board topics, mixing valid values with hostile
ones (final newlines, control characters, huge numbers, deep nesting, odd dates, unicode, long strings, wrong types),
written by yaml.safe_dump or by hand (escapes, block scalars, tags, aliases). Whatever comes out, `agora check`
refuses the file with a problem on one of its lines, or `agora build` builds the portal; and nothing raises.

Three properties: each field of each kind in turn hostile in an otherwise valid file (where a value that slips
past the check is built at once); many hostile fields at a time; and tame files with the edge values the check
accepts, which are nearly all built. They run in the normal suite with a fixed derivation of examples
(derandomize, no database): CI sees the same files every time, in about 50 seconds.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DEMO_NOW, MINIMAL_CONFIG, write_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pydantic import BaseModel

from agorapress.build.pipeline import build
from agorapress.content.kinds import KINDS
from agorapress.content.models import BoardTopic
from agorapress.site import load_portal


@dataclass(frozen=True)
class Raw:
    """A value written into the YAML exactly as given: a hand-made spelling (escapes, block scalars, huge numbers...)."""

    text: str


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()
BASE = {
    "content/contributors/bob.md": "---\nname: Bob Martin\ngithub: bob-m\n---\nBob fixes lamps.\n",
    "content/articles/base.md": "---\ntitle: Base\ndate: 2026-01-01\nauthors: [ana]\n---\nThe first text.\n",
    "content/media/photo.png": PNG,
}
CONFIG = MINIMAL_CONFIG + "moderation:\n  refused_terms: [forbidden]\n  flagged_terms: [dubious]\n"

# -- values ----------------------------------------------------------------------------------------------------------

def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, in proportion to its weight (st.one_of draws its branches evenly, and merges repeats)."""
    total = sum(weight for weight, _ in options)

    def pick(number: int) -> st.SearchStrategy[Any]:
        for weight, strategy in options:
            if number < weight:
                return strategy
            number -= weight
        raise AssertionError(number)

    return st.integers(0, total - 1).flatmap(pick)



# Words a text may hold that the build must carry to pages, feeds and calendars as they are.
WORDS = st.sampled_from(["vélo", "Atelier", "repair café", "Ünïcödé", "日本語", "عربي", "Ελληνικά", "emoji 👩‍💻", "O'Brien",
                         "a: b", "# not a comment", "- dash", "[bracket]", "{brace}", "50%", "yes", "NO", "null", "~",
                         "12:30", "0x1F", "1_000", ".inf", "@at", "`tick`", "<b>bold</b>", "&amp;", "dubious",
                         "</script>", "BEGIN:VEVENT", "\\N", "; , \\", "{{ config }}", "{% raw %}", "${x}", "%0A"])
# Characters a text may hold too: line and paragraph separators, combining marks, the joiner emoji need...
ODD = st.sampled_from(["\u2028", "\u2029", "\u200d", "e\u0301", "𝔘", "Ａ", "\t", "  ", "\u00a0", "ـ"])

TEXT = weighted(
    (9, st.tuples(WORDS, st.lists(st.one_of(WORDS, ODD), max_size=3)).map(lambda t: " ".join([t[0], *t[1]]))),
    (1, st.sampled_from(["é" * 300, "\u2028" + "x" * 299, "日" * 300])),  # as long as a title may be
)
CONTROLS = st.sampled_from(["\x00", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x7f", "\x85", "\x9b"])
INVISIBLE = st.sampled_from(["\u202e", "\u200b", "\ufeff", "\u2066", "\u00ad"])


def hostile_text(base: st.SearchStrategy[str] = TEXT) -> st.SearchStrategy[Any]:
    """Text a contributor's file can hold that the build might choke on."""
    return st.one_of(
        base.map(lambda s: s + "\n"),  # '$' matched before it
        st.tuples(base, CONTROLS).map(lambda t: t[0] + t[1]),  # yaml.safe_dump writes it as an escape
        st.tuples(base, INVISIBLE).map(lambda t: t[1] + t[0]),
        st.sampled_from(["forbidden", "a FORBIDDEN word", "fоrbidden"]),  # a refused term, also with a Cyrillic o
        st.sampled_from([Raw('"a\\0b"'), Raw('"\\e[31mred"'), Raw('"x\\x1b"'), Raw('"\\N"'), Raw('"\\L\\P"'),
                         Raw('"tab\\there"'), Raw("|\n  one\n  two"), Raw(">-\n  folded\n  text"), Raw("''"), Raw('" "'),
                         Raw("'it''s'"), Raw("a: b"), Raw("[a, [b, [c]]]"), Raw("{a: 1}"), Raw("&x anchored"), Raw("*x"),
                         Raw("!!python/object:os.system ls"), Raw("!!binary aGk="), Raw("<<: {a: 1}"), Raw("? [a]\n  : b")]),
        st.sampled_from([301, 501, 1001, 20_000]).map(lambda n: "x" * n),
        st.sampled_from(["", " ", "\u200b", "\u202e\u202c"]),
    )


def wrong_type() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
        st.none(), st.lists(st.integers(), max_size=3), st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
        st.sampled_from([Raw("9" * 31), Raw("9" * 5000), Raw("-" + "1" * 4400), Raw("1e400"), Raw(".nan"), Raw("0o17"),
                         Raw("1_000"), Raw("10:30:00"), Raw("Yes"), Raw("0b101")]),
        st.integers(min_value=21, max_value=40).map(_nested),  # deeper than YAML may go
        st.integers(min_value=2, max_value=8).map(_nested),
    )


def _nested(depth: int) -> Any:
    value: Any = "x"
    for index in range(depth):
        value = [value] if index % 2 else {"k": value}
    return value


def mixed(valid: st.SearchStrategy[Any], hostility: float, extra: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """`valid` values, hostile ones with the chance `hostility` (1: hostile only). `extra` are the hostile values of
    this very field (a date past 9999, a language Babel does not know): the likeliest to slip past a check."""
    bad = weighted(*([(4, extra)] if extra is not None else []), (1, hostile_text()), (1, wrong_type()))
    if hostility <= 0:
        return valid
    if hostility >= 1:
        return bad
    return weighted((round((1 - hostility) * 100), valid), (round(hostility * 100), bad))


def one_bad(fields: Callable[[float], dict[str, st.SearchStrategy[Any]]], required: set[str]) -> st.SearchStrategy[Any]:
    """A valid mapping (a location, an interviewee, a link) with one of its fields hostile."""
    good, bad = fields(0.0), fields(1.0)
    return st.tuples(optional(good, required, 0.0), st.sampled_from(sorted(bad))).flatmap(
        lambda t: bad[t[1]].map(lambda value: {**t[0], t[1]: value}))


def day(low: int = 2025, high: int = 2028) -> st.SearchStrategy[date]:
    return st.dates(date(low, 1, 1), date(high, 12, 31))


# The first of each list is what Hypothesis tries first: the value likeliest to pass a check the build cannot take.
ODD_MOMENTS = weighted(
    (3, st.sampled_from(["9999-12-31T23:00", "9999-12-31", "0001-01-01", "1899-12-31T23:59", "2201-01-01",
                         "0001-01-01T00:00+14:00"])),  # years Python or the build cannot count past
    (2, st.sampled_from(["2026-02-29", "2026-13-01", "2026-01-01T24:00", "2026-06-01T19:00:60", "2026-1-1", "20260101",
                         "yesterday", "2026-01-01 10:00", "2026-01-01T10:00Z", "2026-01-01T10:00+99:00"])),
    (1, st.sampled_from(["2026-03-29T02:30", "2026-10-25T02:30", "2026-10-25T02:30+01:00"])),  # the clocks change
)


def moment(hostility: float, low: int = 2025, high: int = 2028) -> st.SearchStrategy[Any]:
    dates = day(low, high).map(date.isoformat)
    times = st.tuples(day(low, high), st.integers(0, 23), st.sampled_from([0, 15, 30, 45]),
                      st.sampled_from(["", "", "+02:00", "-05:00", "Z"])).map(
        lambda t: f"{t[0].isoformat()}T{t[1]:02d}:{t[2]:02d}{t[3]}")
    edges = st.sampled_from(["1900-01-01", "2200-12-31", "2200-12-31T23:30", "1900-01-01T00:00+14:00",
                             "2200-12-31T23:59-12:00", "2024-02-29"])
    # Unquoted (a Raw) is what people write: YAML 1.1 would make it a timestamp, Agora reads it as text.
    valid = weighted((2, dates), (2, times), (2, dates.map(Raw)), (1, edges))
    return mixed(valid, hostility, ODD_MOMENTS)


HANDLES = st.sampled_from(["ana", "bob"])
BAD_HANDLES = st.sampled_from(["ana\n", "zoe", "Ana", "ana-", "a" * 41, "admin", "аna", "ana\u200b"])
SLUGS = st.sampled_from(["gen", "my-text", "a", "a" * 100, "x-1", "9"])
BAD_SLUGS = st.sampled_from(["evil\n", "a" * 101, "a" * 300, "Evil", "-x", "x_y", "..", "../../etc", "base", "tags", "feeds"])
LANGS = st.sampled_from(["fr", "en", "de", "ar", "yue", "ckb", "he", "ja", "pt-BR", "en-US", "fr-CA"])
BAD_LANGS = st.sampled_from(["zz", "en_US", "fr-ZZ", "en-us", "en\n", "iw", "fre", "qaa", "EN", "French", "x" * 4, ""])
URLS = st.sampled_from(["https://example.org/", "http://example.org/a?b=c#d", "https://例え.jp/パス", "mailto:ana@example.org",
                        "https://example.org/" + "a" * 900])
BAD_URLS = st.sampled_from(["https://example.org/\n", "javascript:alert(1)", "data:text/html,x", "ftp://x", "https://",
                            "https://x y", "mailto:",
                            "//example.org", "HTTPS://EXAMPLE.ORG", "http://[::1]/"])
IMAGES = st.sampled_from(["media/photo.png", "/media/photo.png", "content/media/photo.png"])
BAD_IMAGES = st.sampled_from(["media/photo.png\n", "media/missing.png", "../../etc/passwd", "https://example.org/x.png", "",
                              "media/", "/etc/passwd", "media/../../site_config.yaml", "media/photo.png?x=1"])
ZONES = st.sampled_from(["Europe/Paris", "America/Montreal", "UTC", "Pacific/Kiritimati", "Asia/Kathmandu", "Etc/GMT+12"])
BAD_ZONES = st.sampled_from(["Europe/Paris\n", "Paris", "Europe/Pari", "", "Mars/Olympus", "../../etc/localtime", "posixrules",
                             "Factory", "EST5EDT", "localtime"])


def handle_list(hostility: float, most: int = 3) -> st.SearchStrategy[Any]:
    valid = st.lists(HANDLES, min_size=1, max_size=most, unique=True)
    return mixed(valid, hostility, st.one_of(st.lists(BAD_HANDLES, min_size=1, max_size=2),
                                             st.just(["ana"] * 21), st.just([])))


def rrule(hostility: float) -> st.SearchStrategy[Any]:
    freq = st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
    tame = st.sampled_from(["COUNT=3", "COUNT=12", "INTERVAL=2", "BYDAY=MO", "BYDAY=1TH", "BYMONTHDAY=15",
                            "UNTIL=20271231", "BYDAY=MO,WE", "WKST=SU"])
    wild = st.sampled_from(["COUNT=10000", "COUNT=10001", "COUNT=2147483648", "COUNT=99999999999999999999", "COUNT=0",
                            "INTERVAL=1000", "INTERVAL=1001", "INTERVAL=7", "INTERVAL=99999999999999999999",
                            "BYDAY=-1FR", "BYDAY=5SU", "BYDAY=53MO", "BYDAY=+1MO", "BYMONTHDAY=-1", "BYMONTHDAY=31",
                            "BYMONTHDAY=0", "BYMONTH=2", "BYMONTH=13", "BYSETPOS=1", "BYSETPOS=-366", "BYYEARDAY=366",
                            "BYWEEKNO=53", "BYHOUR=25", "BYHOUR=9,18", "BYMINUTE=59", "BYSECOND=60",
                            "UNTIL=99991231", "UNTIL=19000101", "UNTIL=20270101T120000Z", "UNTIL=2027-01-01", "WKST=XX",
                            "FREQ=HOURLY", "X-NAME=1", "COUNT=1;COUNT=2"])
    parts = st.lists(tame if hostility <= 0 else st.one_of(tame, wild), max_size=3)
    valid = st.tuples(freq, parts).map(lambda t: ";".join([f"FREQ={t[0]}", *t[1]]))
    junk = st.sampled_from(["FREQ=MONTHLY\nBEGIN:VEVENT", "RRULE:FREQ=DAILY", "BYDAY=TH", "", ";;"])
    if hostility >= 1:  # rules that read well, with a part no calendar wants
        return st.one_of(st.tuples(freq, st.lists(wild, min_size=1, max_size=2)).map(lambda t: ";".join([f"FREQ={t[0]}", *t[1]])),
                         mixed(valid, 1.0, junk))
    return mixed(valid, hostility, junk)


def link_fields(h: float) -> dict[str, st.SearchStrategy[Any]]:
    return {"label": mixed(TEXT, h), "url": mixed(URLS, h, BAD_URLS)}


def links(h: float) -> st.SearchStrategy[Any]:
    good = st.lists(st.fixed_dictionaries(link_fields(0.0)), max_size=2)
    too_many = st.just([{"label": "L", "url": "https://example.org/"}] * 21)
    if h >= 1:
        return st.one_of(st.tuples(good, one_bad(link_fields, {"label", "url"})).map(lambda t: [*t[0], t[1]]), too_many,
                         mixed(good, 1.0))
    return mixed(st.lists(st.fixed_dictionaries(link_fields(h)), max_size=3), h, too_many)


def optional(fields: dict[str, st.SearchStrategy[Any]], required: set[str], h: float) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping with the `required` fields (one of them dropped now and then, when hostile) and any of the others."""
    keys = sorted(fields)
    others = sorted(set(keys) - required)
    dropped = weighted((3, st.none()), (1, st.sampled_from(sorted(required)))) if h > 0 else st.none()
    return st.tuples(
        st.fixed_dictionaries({key: fields[key] for key in keys}),
        st.lists(st.sampled_from(others), unique=True) if others else st.just([]),
        dropped,
    ).map(lambda t: {key: value for key, value in t[0].items() if (key in required and key != t[2]) or key in t[1]})


# -- the fields of every kind ----------------------------------------------------------------------------------------

def item_fields(h: float) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "title": mixed(TEXT, h), "date": moment(h, 2024, 2026), "authors": handle_list(h),
        "tags": mixed(st.one_of(st.lists(st.sampled_from(["vélo", "repair café", "日本語", "a_b", "x-1", "Vélo", "vélo "]),
                                          max_size=4), st.just([f"t{n}" for n in range(30)])), h,
                      st.one_of(st.just([f"t{n}" for n in range(31)]), st.lists(BAD_SLUGS, max_size=2))),
        "summary": mixed(TEXT, h), "image": mixed(IMAGES, h, BAD_IMAGES), "image_alt": mixed(TEXT, h),
        "lang": mixed(LANGS, h, BAD_LANGS), "translation_of": mixed(SLUGS, h, BAD_SLUGS),
        "updated": moment(h, 2024, 2026), "status": mixed(st.sampled_from(["draft", "published", "withdrawn"]), h),
        "slug": mixed(SLUGS, h, BAD_SLUGS),
        # The committee's and the importer's fields: old addresses, a kept feed id, recusals, corrections.
        "aliases": mixed(st.lists(st.sampled_from(["/2019/05/15/old.html", "/blog/old/", "/caf%C3%A9/x/", "old"]), max_size=3),
                         h, st.lists(st.sampled_from(["/../etc/passwd", "https://evil.example/", "/a?b", "//x", "/.git/",
                                                       "/" + "a" * 500, "/articles/base/", ""]), min_size=1, max_size=3)),
        "id": mixed(st.sampled_from(["urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", "articles/old-name.md",
                                     "tag:example.org,2019:1"]), h, st.sampled_from(["", "x" * 2000, "a\nb", Raw("[1]")])),
        "conflicts": mixed(handle_list(0.0), h, st.just(["nobody-here"])),
        "corrections": mixed(st.lists(st.fixed_dictionaries(correction_fields(0.0)), max_size=2), h,
                             st.lists(st.fixed_dictionaries(correction_fields(1.0)), min_size=1, max_size=2)),
        "withdrawn_reason": mixed(TEXT, h),
    }


def correction_fields(h: float) -> dict[str, st.SearchStrategy[Any]]:
    return {"date": moment(h, 2024, 2026), "text": mixed(TEXT, h)}


def interviewee_fields(h: float) -> dict[str, st.SearchStrategy[Any]]:
    return {"name": mixed(TEXT, h), "role": mixed(TEXT, h), "handle": mixed(HANDLES, h, BAD_HANDLES),
            "photo": mixed(IMAGES, h, BAD_IMAGES), "photo_alt": mixed(TEXT, h), "links": links(h)}


def geo_fields(h: float) -> dict[str, st.SearchStrategy[Any]]:
    return {"lat": mixed(st.floats(-90, 90), h, st.sampled_from([91, -90.5, Raw(".nan"), Raw("1e400"), Raw("-0.0")])),
            "lon": mixed(st.floats(-180, 180), h, st.sampled_from([181, Raw("1e-400"), "east", Raw(".inf")]))}


def location_fields(h: float) -> dict[str, st.SearchStrategy[Any]]:
    geo = one_bad(geo_fields, {"lat", "lon"}) if h >= 1 else mixed(st.fixed_dictionaries(geo_fields(h)), h)
    return {"name": mixed(TEXT, h), "address": mixed(TEXT, h), "geo": geo, "online": mixed(URLS, h, BAD_URLS)}


def record(fields: Callable[[float], dict[str, st.SearchStrategy[Any]]], required: set[str], h: float) -> st.SearchStrategy[Any]:
    """A nested mapping: valid, with one hostile field, or hostile as a whole."""
    if h >= 1:
        return weighted((2, one_bad(fields, required)), (1, mixed(st.nothing(), 1.0)))
    return mixed(optional(fields(h), required, h), h)


def interviewee(h: float) -> st.SearchStrategy[Any]:
    return record(interviewee_fields, {"name"}, h)


def location(h: float) -> st.SearchStrategy[Any]:
    return record(location_fields, {"name"}, h)


def exdates(h: float) -> st.SearchStrategy[Any]:
    near = st.lists(st.integers(0, 400).map(lambda n: (date(2026, 5, 7) + timedelta(days=n)).isoformat()), max_size=4)
    return mixed(near, h, st.one_of(st.lists(ODD_MOMENTS, max_size=2),
                                    st.just([(date(2026, 5, 8) + timedelta(days=n)).isoformat() for n in range(501)])))


def fields_of(kind: str, h: float) -> tuple[dict[str, st.SearchStrategy[Any]], set[str]]:
    """Every field of a kind's schema, with its strategy, and the required ones."""
    if kind == "articles":
        return item_fields(h), {"title", "date", "authors"}
    if kind == "interviews":
        return {**item_fields(h), "interviewee": interviewee(h), "interviewers": handle_list(h)}, \
            {"title", "date", "authors", "interviewee"}
    if kind == "events":
        return {**item_fields(h),
                "status": mixed(st.sampled_from(["draft", "scheduled", "cancelled", "postponed", "moved-online", "withdrawn"]), h),
                "start": moment(h, 2026, 2027), "end": moment(h, 2026, 2027),
                "all_day": mixed(st.booleans(), h), "timezone": mixed(ZONES, h, BAD_ZONES), "location": location(h),
                "registration": mixed(URLS, h, BAD_URLS), "organizers": handle_list(h), "recurrence": rrule(h),
                "exdates": exdates(h), "capacity": mixed(st.one_of(st.integers(1, 10**6), st.just(10**29)), h,
                                                         st.sampled_from([0, -1, Raw("9" * 31)]))}, \
            {"title", "date", "authors", "start"}
    if kind == "pages":
        item = item_fields(h)
        return {key: item[key] for key in ("title", "summary", "slug", "lang", "date", "updated", "authors", "status", "aliases", "id")}, \
            {"title"}
    if kind == "contributors":
        return {"name": mixed(TEXT, h), "github": mixed(st.sampled_from(["zoe-q", "Zoe", "z0e", "a" * 39]), h,
                                                         st.sampled_from(["zoe\n", "-zoe", "a" * 40, "zoé", "ana-l"])),
                "avatar": mixed(st.just("zoe.png"), h, BAD_IMAGES), "pronouns": mixed(TEXT, h),
                "location": mixed(TEXT, h), "links": links(h),
                "interests": mixed(st.lists(TEXT, max_size=3), h, st.just(["x"] * 31)),
                "joined": moment(h, 2020, 2026)}, {"name", "github"}
    if kind == "digests":
        item = item_fields(h)
        return {**{key: item[key] for key in ("title", "summary", "lang", "status")}, "date": moment(h, 2024, 2026),
                "since": moment(h, 2024, 2026)}, {"date"}
    raise AssertionError(kind)


def topic_fields(h: float) -> dict[str, st.SearchStrategy[Any]]:
    return {"id": mixed(SLUGS, h, BAD_SLUGS), "title": mixed(TEXT, h),
            "section": mixed(st.sampled_from(["articles", "interviews", "events"]), h, st.sampled_from(["pages", "nope"])),
            "proposed_by": mixed(HANDLES, h, BAD_HANDLES), "claimed_by": mixed(HANDLES, h, BAD_HANDLES),
            "due": moment(h, 2026, 2027),
            "status": mixed(st.sampled_from(["open", "claimed", "in-review", "published", "dropped"]), h),
            "item": mixed(st.sampled_from(["articles/base.md", "articles/gen.md"]), h, BAD_IMAGES),
            "notes": mixed(TEXT, h)}


BODIES = st.sampled_from([
    "Body.", "", "## A question?\n\nAn answer.", "See [the base](base.md) and ![a photo](../media/photo.png).",
    "A forbidden word and a dubious one.", "<script>alert(1)</script> &#0; &#x1b; \u202eevil", "[x](javascript:alert(1))",
    "![](../media/photo.png)", "# " + "Title " * 50, "x" * 5000])

KIND = st.sampled_from(["articles", "interviews", "events", "pages", "contributors", "digests", "board"])


@st.composite
def hostile_file(draw, hostility: st.SearchStrategy[float]) -> tuple[str, str]:
    """(path under the portal, text) of one generated file, each field hostile with the chance drawn from
    `hostility`. With none, the fields are also made to agree with each other (an image has its alt text, an event
    ends after it starts...) so that most such files pass the check and go on to the build."""
    h = draw(hostility)
    kind = draw(KIND)
    if kind == "board":
        required = {"id", "title", "section", "proposed_by"}
        topics = draw(st.lists(optional(topic_fields(h), required, h), max_size=3))
        if h == 0:
            topics = [_coherent_topic(index, topic) for index, topic in enumerate(topics)]
        return _board(topics, draw)
    fields, required = fields_of(kind, h)
    data = draw(optional(fields, required, h))
    if h == 0:
        data = _coherent(kind, data, draw)
    return _markdown(kind, data, draw)


@st.composite
def one_hostile_field(draw, kind: str, field: str) -> tuple[str, str]:
    """A valid file of `kind` (its fields made to agree) but for `field`, which has a hostile value: the check must
    refuse it, unless the build can take it."""
    if kind == "board":
        required = {"id", "title", "section", "proposed_by"}
        topics = [_coherent_topic(index, topic) for index, topic
                  in enumerate(draw(st.lists(optional(topic_fields(0.0), required, 0.0), max_size=2)))]
        topic = {**draw(optional(topic_fields(0.0), required, 0.0)), "id": "hostile"}
        topic[field] = draw(topic_fields(1.0)[field])
        return _board([*topics, topic], draw)
    fields, required = fields_of(kind, 0.0)
    data = _coherent(kind, draw(optional(fields, required, 0.0)), draw)
    data[field] = draw(fields_of(kind, 1.0)[0][field])
    return _markdown(kind, data, draw)


def _board(topics: list[dict[str, Any]], draw) -> tuple[str, str]:
    return "content/board.yaml", _yaml({"topics": topics}, draw(st.sampled_from([False, None, True])), draw(st.booleans()))


def _markdown(kind: str, data: dict[str, Any], draw) -> tuple[str, str]:
    name = "zoe" if kind == "contributors" else "gen"
    if kind == "digests" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(data.get("date"))):
        name = str(data["date"])  # an edition's file is named after its date (rules/digests.py)
    front = _yaml(data, draw(st.sampled_from([False, None, True])), draw(st.booleans()))
    return f"content/{kind}/{name}.md", f"---\n{front}---\n{draw(BODIES)}\n"


def _coherent(kind: str, data: dict[str, Any], draw) -> dict[str, Any]:
    """The fields of a valid file made to agree: what one field's value asks of another."""
    data = dict(data)
    if "translation_of" in data:
        if kind == "articles":
            data["translation_of"], data["lang"] = "base", "en"
        else:
            del data["translation_of"]
    if data.get("image"):
        data.setdefault("image_alt", "A photo")
    if kind == "digests":
        data["date"] = draw(day(2024, 2026)).isoformat()
    person = data.get("interviewee")
    if isinstance(person, dict) and person.get("photo"):
        data["interviewee"] = {**person, "photo_alt": person.get("photo_alt") or "A portrait"}
    if kind == "events":
        start = draw(weighted(
            (4, st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0))),
            (1, st.sampled_from([datetime(2200, 12, 31, 23, 0), datetime(1900, 1, 1, 0, 0), datetime(2026, 3, 29, 1, 30)]))))
        length = draw(st.sampled_from([timedelta(hours=2), timedelta(minutes=30), timedelta(days=2), timedelta(days=30)]))
        if data.get("all_day"):
            data["start"], data["end"] = start.date().isoformat(), (start + length).date().isoformat()
        else:
            data["start"], data["end"] = start.isoformat(timespec="minutes"), (start + length).isoformat(timespec="minutes")
        if draw(st.booleans()):
            del data["end"]
        if "timezone" in data:
            data["timezone"] = draw(st.sampled_from(["Asia/Kathmandu", "America/Montreal", "UTC", "Pacific/Kiritimati"]))
        if "recurrence" in data:
            data["recurrence"] = draw(st.sampled_from(["FREQ=DAILY;COUNT=3", "FREQ=WEEKLY;COUNT=12", "FREQ=YEARLY",
                                                       "FREQ=MONTHLY;INTERVAL=2;UNTIL=20291231", "FREQ=DAILY;COUNT=10000"]))
            if "exdates" in data:
                data["exdates"] = [(start + timedelta(days=1) if "DAILY" in data["recurrence"] else start + timedelta(weeks=1)
                                    if "WEEKLY" in data["recurrence"] else start.replace(year=start.year + 1)
                                    if "YEARLY" in data["recurrence"] else start).date().isoformat()]
            if "MONTHLY" in data["recurrence"] and "exdates" in data:
                del data["exdates"]
        else:
            data.pop("exdates", None)
    return data


def _coherent_topic(index: int, topic: dict[str, Any]) -> dict[str, Any]:
    topic = {**topic, "id": f"topic-{index}"}
    if topic.get("status") in ("claimed", "in-review"):
        topic.setdefault("claimed_by", "bob")
    if topic.get("status") == "published":
        topic["item"] = "articles/base.md"
    elif topic.get("item") != "articles/base.md":
        topic.pop("item", None)
    return topic


def _yaml(data: dict[str, Any], flow: bool | None, unicode: bool) -> str:
    """Each field by yaml.safe_dump (in block or flow style), unless its value is a Raw spelling, written as is."""
    out = ""
    for key, value in data.items():
        if isinstance(value, Raw):
            out += f"{key}: {value.text}\n"
        elif isinstance(value, list) and any(isinstance(v, Raw) for v in value):
            out += f"{key}:\n" + "".join(f"  - {v.text if isinstance(v, Raw) else _inline(v, unicode)}\n" for v in value)
        elif flow and isinstance(value, (list, dict)):
            out += f"{key}: {_inline(value, unicode)}\n"
        else:  # a scalar, or a list or mapping in block style (None: its innermost lists and mappings in flow style)
            style = flow if isinstance(value, (list, dict)) else False
            out += yaml.safe_dump({key: _plain(value)}, default_flow_style=style, allow_unicode=unicode, width=10**6,
                                  sort_keys=False)
    return out


def _inline(value: Any, unicode: bool) -> str:
    text = yaml.safe_dump(_plain(value), default_flow_style=True, allow_unicode=unicode, width=10**6)
    return text.removesuffix("...\n").strip()


def _plain(value: Any) -> Any:
    # A Raw nested in a mapping (a link, a location) is written as the text it spells.
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return {key: _plain(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_plain(child) for child in value]
    return value


# -- the properties --------------------------------------------------------------------------------------------------

def _checked(path: str, text: str, tmp: Path):
    files = {**BASE, path: text}
    if path == "content/contributors/zoe.md":
        files["content/contributors/zoe.png"] = PNG
    root = write_portal(tmp / "portal", files, config=CONFIG)
    portal = load_portal(root, now=DEMO_NOW, use_cache=False)  # raises nothing but AgoraError (a test failure here)
    problems = list(portal.problems)
    # Every problem of the generated file is placed on one of its lines.
    assert all(p.line > 0 for p in problems if p.path == path), [p.as_text() for p in problems if p.path == path]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        # Refused: the generated file has an error of its own (the base portal has none).
        assert any(p.path == path for p in errors), [p.as_text() for p in errors]
    return root, bool(errors)


COMMON = {"derandomize": True, "database": None, "deadline": None, "print_blob": True,
          "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]}


def _check_then_build(path: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, refused = _checked(path, text, Path(tmp))
        if not refused:
            build(root, Path(tmp) / "output", now=DEMO_NOW, workers=1)  # raises nothing: a failure is a bug


FIELDS = [(kind, field) for kind in ("articles", "interviews", "events", "pages", "contributors", "digests")
          for field in sorted(fields_of(kind, 0.0)[0])] + [("board", field) for field in sorted(topic_fields(0.0))]


@pytest.mark.parametrize(("kind", "field"), FIELDS, ids=[f"{kind}-{field}" for kind, field in FIELDS])
@settings(max_examples=5, **COMMON)
@given(data=st.data())
def test_one_hostile_field_is_refused_on_its_line_or_built(kind: str, field: str, data: st.DataObject) -> None:
    """Every field of every kind, in turn, hostile in an otherwise valid file (nested fields too: a location, an
    interviewee or a link with one hostile part). The values likeliest to slip past the check come first."""
    _check_then_build(*data.draw(one_hostile_field(kind, field)))


@settings(max_examples=100, **COMMON)
@given(hostile_file(st.sampled_from([0.1, 0.5])))
def test_many_hostile_fields_are_refused_on_their_lines_or_built(generated: tuple[str, str]) -> None:
    _check_then_build(*generated)


@settings(max_examples=30, **COMMON)
@given(hostile_file(st.sampled_from([0.0, 0.0, 0.02])))
def test_what_the_check_accepts_the_build_builds(generated: tuple[str, str]) -> None:
    """Tamer files, with the edge values the check accepts (years 1900 and 2200, 300-character titles, 30 tags,
    separators and right-to-left text, 100-character slugs...): most are accepted, and each is built."""
    _check_then_build(*generated)


def _model_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        key = field.alias or name
        names.add(prefix + key)
        for arg in (field.annotation, *getattr(field.annotation, "__args__", ())):
            for inner in (arg, *getattr(arg, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    names |= _model_fields(inner, f"{prefix}{key}.")
    return names


def _strategy_fields(fields: dict[str, Any], prefix: str = "", profile: bool = False) -> set[str]:
    """The dotted names of a strategy table's fields, nested tables included (a profile's location is one line)."""
    nested = {"interviewee": interviewee_fields, "location": location_fields, "links": link_fields, "geo": geo_fields,
              "corrections": correction_fields}
    names = set()
    for key in fields:
        names.add(prefix + key)
        if key in nested and not (profile and key == "location"):
            names |= _strategy_fields(nested[key](0.0), f"{prefix}{key}.")
    return names


def test_the_strategies_cover_every_field_of_every_kind() -> None:
    """A field added to a schema without a strategy here would never meet a hostile value."""
    for folder, kind in KINDS.items():
        missing = _model_fields(kind.schema) - _strategy_fields(fields_of(folder, 0.0)[0], profile=folder == "contributors")
        assert not missing, (folder, missing)
    assert _model_fields(BoardTopic) <= set(topic_fields(0.0))
