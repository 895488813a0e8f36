"""Five simulated years of a committee: terms of any length, elections on time, early or very late, re-elections,
under either continuity rule. On every single day the repository's committee can approve the pull request that
can change its rules, on every election's eve it can approve the pull request that seats the next members, and under
holdover it can approve an article: the committee never locks itself out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from conftest import MINIMAL_CONFIG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_committee import config_of

from agorapress.committee.quorum import decide, parse_reviews
from agorapress.committee.recusal import recusals
from agorapress.committee.terms import current_members

START = date(2026, 1, 1)
YEARS = 5
HEAD = "ab" * 20
#: The offices of the simulated committee: a chief, a section editor per section, two moderators.
OFFICES = [("editor-in-chief", ()), ("section-editor", ("articles", "interviews")), ("section-editor", ("events",)),
           ("moderator", ()), ("moderator", ())]


@st.composite
def histories(draw):
    """For each office, its seats over five years: (election day, handle, start, end), one after the other."""
    rule = draw(st.sampled_from(["holdover", "lapse"]))
    governance = draw(st.sampled_from(["majority", 1, 2]))
    seats = []
    for number, _office in enumerate(OFFICES):
        start = START + timedelta(days=draw(st.integers(0, 20)))
        term = 0
        while start < START + timedelta(days=365 * YEARS + 30):
            length = draw(st.integers(90, 900))
            end = start + timedelta(days=length)
            reelected = term > 0 and draw(st.booleans())
            handle = seats[-1][1] if reelected else f"o{number}t{term}"
            # Elected some days before the term begins, or (late) only on its first day.
            elected = start - timedelta(days=draw(st.integers(0, 40))) if term else START - timedelta(days=1)
            seats.append((number, handle, elected, start, end))
            # The next term: right after this one, or after an election that is months late.
            gap = draw(st.sampled_from([1, 1, 1, 15, 120, 400]))
            start, term = end + timedelta(days=gap), term + 1
    return rule, governance, seats


def config_text(rule: str, governance, seats: list[tuple]) -> str:
    lines = ["committee:", f"  on_term_end: {rule}", "  members:"]
    for number, handle, _elected, start, end in seats:
        role, sections = OFFICES[number]
        extra = f", sections: [{', '.join(sections)}]" if sections else ""
        lines.append(f"    - {{handle: {handle}, role: {role}{extra}, from: {start.isoformat()}, to: {end.isoformat()}}}")
    lines += ["review:", f"  governance: {governance}"]
    return MINIMAL_CONFIG + "\n".join(lines) + "\n"


def approvals(handles: list[str]) -> list:
    when = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
    return parse_reviews([{"id": n, "user": {"login": handle}, "state": "APPROVED", "commit_id": HEAD,
                           "submitted_at": when} for n, handle in enumerate(handles)])


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(histories())
def test_on_every_day_of_five_years_a_pull_request_can_be_approved(history) -> None:
    rule, governance, seats = history
    logins = {handle: handle for _, handle, *_ in seats}
    # The repository's config changes on election days only: one config per distinct set of elected seats.
    elections = sorted({elected for _, _, elected, _, _ in seats})
    texts = {day: config_text(rule, governance, [s for s in seats if s[2] <= day]) for day in elections}
    configs = {day: config_of(text) for day, text in texts.items()}
    # From the day every office is filled (the committee's founding) to five years on.
    day = max(min(s[3] for s in seats if s[0] == number) for number in range(len(OFFICES)))
    last = day + timedelta(days=365 * YEARS)
    recused_at: dict[date, dict[str, str]] = {}
    index = 0
    while day <= last:
        while index + 1 < len(elections) and elections[index + 1] <= day:
            index += 1
        config, text = configs[elections[index]], texts[elections[index]]
        members = current_members(config, day)
        assert members, f"{day}: nobody in office"
        if rule == "holdover":
            # Every office, once filled, keeps exactly one holder in office: the committee never shrinks.
            assert len(members) == len(OFFICES), (day, members)
        # A change to the config that seats nobody (a typo fixed), opened by a non-member whom every member in
        # office approves, always passes: the committee can always change its own rules.
        decision = decide(config, logins, day, "outsider", ["site_config.yaml"], approvals(members), HEAD)
        assert decision.met, (day, rule, governance, decision.reasons)
        # The next election: those whose own seat it changes (a re-election) are recused.
        upcoming = [s for s in seats if s[2] > day]
        if upcoming and (upcoming[0][2] - day).days <= 1:  # on election eve (and the day before)
            if upcoming[0][2] not in recused_at:
                after = texts[upcoming[0][2]]
                recused_at[upcoming[0][2]] = recusals(["site_config.yaml"], {"site_config.yaml": text}.get,
                                                      {"site_config.yaml": after}.get)
            recused = recused_at[upcoming[0][2]]
            election = decide(config, logins, day, "outsider", ["site_config.yaml"], approvals(members), HEAD,
                              recused=recused)
            eligible = [h for h in members if h not in recused]
            assert election.met == (len(eligible) >= election.needed), (day, election.reasons)
            assert election.met or rule == "lapse", (day, election.reasons)  # holdover: always
        if rule == "holdover" and day.weekday() == 0:  # each Monday: an article (approvals as any section's)
            article = decide(config, logins, day, "outsider", ["content/articles/a.md"], approvals(members), HEAD)
            assert article.met, (day, article.reasons)
        day += timedelta(days=1)
