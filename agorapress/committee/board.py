"""The editorial board as readers and the committee see it: open topics, work in progress, late and done."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

from ..content.kinds import BOARD_FILE
from ..content.loader import CONTENT_DIR, Item
from ..content.models import BoardTopic
from ..graph import SiteGraph
from .terms import day_of

BOARD_PATH = f"{CONTENT_DIR}/{BOARD_FILE}"
#: Published topics the call for contributions shows, newest first.
RECENT = 6


@dataclass(frozen=True)
class Topic:
    """A board topic with what the build clock says of it."""

    topic: BoardTopic
    due: date | None  # the day the volunteer promised, in the portal's time zone
    days_late: int  # 0 unless overdue
    published_item: Item | None = None  # the item, once it is public
    scheduled: bool = False  # published on the board, but its item's date is still to come

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    def __getattr__(self, name: str):
        # Templates read topic.title, topic.section... straight from the board entry.
        if name.startswith("__") or name == "topic":
            raise AttributeError(name)
        return getattr(self.topic, name)


@dataclass
class BoardView:
    """The board split the way the call for contributions shows it."""

    open: list[Topic] = field(default_factory=list)
    in_progress: list[Topic] = field(default_factory=list)  # claimed, in review, or published later
    published: list[Topic] = field(default_factory=list)  # public items, newest first
    dropped: list[Topic] = field(default_factory=list)

    @property
    def overdue(self) -> list[Topic]:
        return [topic for topic in self.in_progress if topic.overdue]

    @property
    def empty(self) -> bool:
        return not (self.open or self.in_progress or self.published)


def read_board(graph: SiteGraph, recent: int | None = RECENT) -> BoardView:
    """The board of the portal at the build clock (an empty view when there is no board.yaml)."""
    view = BoardView()
    if graph.board is None:
        return view
    today = graph.now.astimezone(graph.tz).date()
    for entry in graph.board.topics:
        due = day_of(entry.due, graph.tz) if entry.due is not None else None
        if entry.status == "open":
            view.open.append(Topic(entry, due, 0))
        elif entry.status == "dropped":
            view.dropped.append(Topic(entry, due, 0))
        elif entry.status == "published":
            item = graph.by_path.get(_relpath(entry.item))
            if item is not None and graph.is_published(item):
                view.published.append(Topic(entry, due, 0, item))
            else:  # its item falls due later (or is a draft): still in the pipeline
                view.in_progress.append(Topic(entry, due, 0, None, scheduled=True))
        else:
            # Only a promise still being written can be late: a text in review has been delivered.
            late = (today - due).days if due is not None and entry.status == "claimed" else 0
            view.in_progress.append(Topic(entry, due, max(0, late)))
    # Promised dates first, soonest first; then topics without one, in the board's order.
    view.in_progress.sort(key=lambda t: (t.due is None, t.due or date.min))
    view.published.sort(key=lambda t: (-_timestamp(graph, t.published_item), t.published_item.relpath))
    if recent is not None:
        view.published = view.published[:recent]
    return view


def edit_board_url(repository: str | None, branch: str) -> str | None:
    """GitHub's web editor on content/board.yaml: claiming a topic is one edit and one pull request."""
    if not repository:
        return None
    return f"{repository.rstrip('/')}/edit/{branch}/{BOARD_PATH}"


@dataclass(frozen=True)
class IssueQueue:
    """One of the issue forms whose issues the committee works through (corrections, reports): where the open ones
    are listed on GitHub and where a reader files a new one. The lists live on GitHub, not in the build: the page
    stays the same bytes whatever is open."""

    label: str
    open_url: str
    new_url: str


#: The forms of .github/ISSUE_TEMPLATE whose issues the board points to, by the label the form gives them.
ISSUE_QUEUES = (("correction", "propose-a-correction.yml"), ("report", "report-a-problem.yml"))


def issue_queues(repository: str | None) -> list[IssueQueue]:
    """The board's links to the open corrections and reports, and to their forms; none without a repository."""
    if not repository:
        return []
    base = repository.rstrip("/")
    return [IssueQueue(label, f"{base}/issues?q={quote('is:issue is:open label:' + label)}",
                       f"{base}/issues/new?template={form}") for label, form in ISSUE_QUEUES]


def _relpath(path: str | None) -> str:
    return posixpath.normpath((path or ".").removeprefix("/").removeprefix(f"{CONTENT_DIR}/"))


def _timestamp(graph: SiteGraph, item: Item) -> float:
    moment: datetime | None = graph.date_of(item)
    return moment.timestamp() if moment is not None else graph.now.timestamp()
