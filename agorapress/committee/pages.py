"""What the committee page, the call for contributions and the "write for us" links show, without the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from ..content.kinds import KINDS
from ..content.loader import Item
from ..graph import SiteGraph
from .board import BoardView, IssueQueue, Topic, edit_board_url, issue_queues, read_board
from .codeowners import GOVERNANCE_PATHS
from .record import Entry, Record, read_record, reviews_of, stats_of
from .submission import WriteLink, write_links
from .terms import Term, current_members, editors_of, former_terms, governance_needed, terms

CHARTER = "pages/charter.md"

_TEXT = {
    "fr": {
        "roles": {"editor-in-chief": "Rédaction en chef", "section-editor": "Responsable de rubrique",
                  "moderator": "Modération", "member": "Membre"},
        "areas": {"pages": "Pages (à propos, charte…)", "contributors": "Profils des membres",
                  "media": "Images et fichiers", "board": "Tableau éditorial"},
        "governance": "Gouvernance : tout fichier hors de content/ ({paths}…)",
        "none": "aucune approbation", "one": "1 approbation", "many": "{n} approbations",
        "majority": "la majorité du comité, soit {n} membres sur {size}",
        "fallback": "{rule} (pas de règle propre : celle de la rubrique la plus exigeante)",
        "owners": "relecture demandée d'abord à {names}", "anyone": "tout membre du comité peut approuver",
        "and": " et ",
        "holdover": "Quand un mandat prend fin, la personne reste en fonction jusqu'à ce que son ou sa successeur·e "
                    "siège : le comité ne se retrouve jamais sans personne pour approuver.",
        "lapse": "Quand un mandat prend fin, le siège est vacant dès le lendemain ; si plus personne ne pouvait alors "
                 "approuver une modification de la gouvernance, les derniers mandats restent en fonction jusqu'à "
                 "l'élection suivante.",
        "recusal": "Ne comptent pas non plus l'approbation d'un·e membre sur une modification de son propre siège, ni "
                   "celle des membres qu'un texte déclare en conflit d'intérêts (conflicts).",
        "hours": "{n} heures", "days": "{n} jours",
        "principles": [
            "Seules comptent les approbations des membres du comité dont le mandat est en cours, chacun·e une fois.",
            "L'approbation de la personne qui ouvre la pull request ne compte jamais, ni celle des personnes "
            "créditées dans les textes modifiés.",
            "Seule compte la dernière décision de chaque membre, et une approbation ne vaut que pour la dernière "
            "version proposée : un nouveau commit demande une nouvelle approbation.",
            "Une demande de modifications d'un membre bloque la publication jusqu'à ce qu'il ou elle approuve, "
            "ou que sa relecture soit écartée.",
            "Quand une pull request touche plusieurs parties du portail, la règle la plus exigeante s'applique.",
        ],
    },
    "en": {
        "roles": {"editor-in-chief": "Editor-in-chief", "section-editor": "Section editor",
                  "moderator": "Moderator", "member": "Member"},
        "areas": {"pages": "Pages (about, charter…)", "contributors": "Member profiles",
                  "media": "Images and files", "board": "Editorial board"},
        "governance": "Governance: any file outside content/ ({paths}…)",
        "none": "no approval", "one": "1 approval", "many": "{n} approvals",
        "majority": "a majority of the committee, that is {n} of its {size} members",
        "fallback": "{rule} (no rule of its own: the strictest section's)",
        "owners": "review asked first of {names}", "anyone": "any committee member may approve",
        "and": " and ",
        "holdover": "When a term ends, its holder stays in office until a successor is seated: the committee is never "
                    "left without anyone who can approve.",
        "lapse": "When a term ends, the seat is empty the next day; if nobody could then approve a change to the "
                 "governance, the last terms stay in office until the next election.",
        "recusal": "Nor does a member's approval of a change to their own seat count, nor that of the members a text "
                   "lists as having a conflict of interest (conflicts).",
        "hours": "{n} hours", "days": "{n} days",
        "principles": [
            "Only approvals from committee members whose term is running count, each member once.",
            "The approval of whoever opens the pull request never counts, nor that of the people credited in the "
            "texts it changes.",
            "Only each member's latest decision counts, and an approval holds for the latest version only: "
            "a new commit needs a new approval.",
            "A member's request for changes blocks publication until they approve, or their review is dismissed.",
            "When a pull request touches several parts of the portal, the strictest rule applies.",
        ],
    },
}


@dataclass(frozen=True)
class Seat:
    """A term on the committee as pages show it."""

    handle: str
    name: str
    url: str | None  # the member's profile, when there is one
    role: str
    sections: tuple[tuple[str, str], ...]  # (folder, title)
    start: date
    end: date | None
    status: str


@dataclass(frozen=True)
class Reviewed:
    """The "reviewed by" line of an item: the members whose approval counted on its latest merge, and its day."""

    people: tuple[tuple[str, str | None], ...]  # (name, profile URL)
    merged: date
    pr: int


@dataclass(frozen=True)
class RecordView:
    """The committee's record on its page."""

    reviewed: tuple[tuple[str, str | None, int], ...]  # (name, profile URL, texts approved), most first
    median: str | None  # from opening to decision, in words
    merged: int
    withdrawn: int


@dataclass(frozen=True)
class ReviewRule:
    """One line of the review rules: a part of the portal, how many approvals, who is asked first."""

    area: str
    label: str
    needed: int
    rule: str
    owners: str


def next_change(graph: SiteGraph) -> datetime | None:
    """The next midnight (portal time) at which these pages change by themselves: a term begins or ends,
    a promised date passes. For the scheduled rebuild and the build fingerprint, beside graph.next_change()."""
    today = graph.now.astimezone(graph.tz).date()
    days = [day for term in terms(graph.config, today) for day in (term.start, term.end and term.end + timedelta(days=1))]
    board = read_board(graph, recent=None)
    days += [topic.due + timedelta(days=1) for topic in board.in_progress if topic.due is not None and topic.status == "claimed"]
    upcoming = [day for day in days if day is not None and day > today]
    return datetime.combine(min(upcoming), time(0, 0), tzinfo=graph.tz) if upcoming else None


def text_for(language: str) -> dict:
    return _TEXT.get(language.split("-")[0], _TEXT["en"])


class CommitteePages:
    """The committee, its rules, the board and the submission links of one build; computed on first use."""

    def __init__(self, graph: SiteGraph):
        self.graph = graph
        self.config = graph.config
        self.today = graph.now.astimezone(graph.tz).date()
        self.words = text_for(self.config.site.language)

    @property
    def name(self) -> str:
        return self.config.committee.name

    def role_label(self, role: str) -> str:
        return self.words["roles"].get(role, role)

    @cached_property
    def current(self) -> list[Seat]:
        return [self._seat(t) for t in terms(self.config, self.today) if t.current]

    @cached_property
    def upcoming(self) -> list[Seat]:
        return [self._seat(t) for t in terms(self.config, self.today) if t.status == "upcoming"]

    @cached_property
    def former(self) -> list[Seat]:
        """Past terms of members with no seat today, the most recent first."""
        seats = sorted(former_terms(self.config, self.today), key=lambda t: (-(t.end or t.start).toordinal(), t.handle))
        return [self._seat(t) for t in seats]

    @cached_property
    def rules(self) -> list[ReviewRule]:
        """The review rules in words, section by section, then the rest, governance last."""
        words, config = self.words, self.config
        approvals = config.review.approvals
        strictest = max(approvals.values(), default=1)
        areas = [*[a for a in KINDS if a in approvals], *[a for a in approvals if a not in KINDS]]
        areas += [a for a in ("media", "board") if a not in approvals]
        found = []
        for area in areas:
            needed = approvals.get(area, strictest)
            rule = self._count(needed)
            if area not in approvals:
                rule = words["fallback"].format(rule=rule)
            found.append(ReviewRule(area, self._area_label(area), needed, rule, self._owners(area)))
        size = len(current_members(config, self.today))
        needed = governance_needed(config, self.today)
        rule = words["majority"].format(n=needed, size=size) if config.review.governance == "majority" else self._count(needed)
        label = words["governance"].format(paths=", ".join(p.lstrip("/") for p in GOVERNANCE_PATHS))
        found.append(ReviewRule("governance", label, needed, rule, words["anyone"]))
        return found

    @property
    def principles(self) -> list[str]:
        words = self.words["principles"]
        return [*words[:2], self.words["recusal"], *words[2:]]

    @property
    def continuity(self) -> str:
        """The rule that applies when a term ends, in words (committee.on_term_end)."""
        return self.words[self.config.committee.on_term_end]

    @cached_property
    def _record(self) -> Record:
        return read_record(self.graph.root)[0] if self.graph.root is not None else Record()

    @cached_property
    def _reviews(self) -> dict[str, tuple[Entry, ...]]:
        return reviews_of(self._record)

    def reviewed(self, item: Item | None) -> Reviewed | None:
        """Who approved the latest merged change of `item`, and when it was merged; None when the record is silent."""
        entries = self._reviews.get(item.path) if item is not None else None
        if not entries:
            return None
        entry = entries[0]
        people = tuple(self.member(handle) for handle in entry.approved_by)
        return Reviewed(people, entry.decided.astimezone(self.graph.tz).date(), entry.pr)

    @cached_property
    def record(self) -> RecordView | None:
        """The record as the committee page shows it; None when nothing is recorded yet."""
        if not self._record.decisions:
            return None
        stats = stats_of(self._record)
        hours = stats.median_hours
        median = None
        if hours is not None:
            median = (self.words["hours"].format(n=round(hours)) if hours < 48
                      else self.words["days"].format(n=round(hours / 24)))
        reviewed = tuple((*self.member(handle), count) for handle, count in stats.reviewed)
        return RecordView(reviewed, median, stats.merged, stats.withdrawn)

    @cached_property
    def charter(self) -> Item | None:
        item = self.graph.by_path.get(CHARTER)
        return item if item is not None and self.graph.is_published(item) else None

    @cached_property
    def board(self) -> BoardView:
        return read_board(self.graph)

    def open_topics(self, limit: int | None = None) -> list[Topic]:
        return self.board.open[:limit] if limit else list(self.board.open)

    @property
    def board_edit_url(self) -> str | None:
        return edit_board_url(self.config.site.repository, self.config.site.branch)

    @cached_property
    def issue_queues(self) -> list[IssueQueue]:
        return issue_queues(self.config.site.repository)

    @cached_property
    def write_links(self) -> list[WriteLink]:
        return write_links(self.graph)

    def write_link(self, kind: str) -> WriteLink | None:
        return next((link for link in self.write_links if link.kind == kind), None)

    def member(self, handle: str | None) -> tuple[str, str | None]:
        """(name, profile URL) of a member; the handle itself when they have no profile."""
        item = self.graph.contributors.get(handle or "")
        if item is None:
            return handle or "", None
        return item.meta.name, KINDS["contributors"].url_for(handle)

    def _seat(self, term: Term) -> Seat:
        name, url = self.member(term.handle)
        sections = tuple((s, self.config.section_title(s)) for s in term.sections)
        return Seat(term.handle, name, url, term.role, sections, term.start, term.end, term.status)

    def _count(self, number: int) -> str:
        words = self.words
        return words["none"] if number == 0 else words["one"] if number == 1 else words["many"].format(n=number)

    def _area_label(self, area: str) -> str:
        if area in self.config.sections or (area in KINDS and KINDS[area].section):
            return self.config.section_title(area)
        return self.words["areas"].get(area, area)

    def _owners(self, area: str) -> str:
        if area not in KINDS or not KINDS[area].section:
            return self.words["anyone"]
        editors = {t.handle for t in terms(self.config, self.today)
                   if t.current and t.role == "section-editor" and area in t.sections}
        names = []
        for handle in editors_of(self.config, self.today, area):
            role = "section-editor" if handle in editors else "editor-in-chief"
            names.append(f"{self.member(handle)[0]} ({self.role_label(role).lower()})")
        if not names:
            return self.words["anyone"]
        joined = ", ".join(names[:-1]) + self.words["and"] + names[-1] if len(names) > 1 else names[0]
        return self.words["owners"].format(names=joined)
