"""Front-matter schemas of every kind of content, declared once and used by check, build and docs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..schema import Alias, Few, Handle, Lang, Line, LinkUrl, Login, MediaFile, Moment, Slug, Strict, Tag, Title, WebUrl


class Link(Strict):
    """A labelled link on a profile or an interviewee card."""

    label: Line = Field(description="Text of the link.")
    url: LinkUrl = Field(description="http(s):// or mailto: address.")


class Correction(Strict):
    """One correction of a published item."""

    date: Moment = Field(description="When it was corrected.")
    text: Line = Field(description="What was corrected, in one sentence.")


class ItemMeta(Strict):
    """Fields shared by every published item."""

    title: Title = Field(description="Title of the item.")
    date: Moment = Field(description="Publication date; a future date schedules the item.")
    authors: Annotated[list[Handle], Few] = Field(min_length=1, description="Handles of the writers (profiles in "
                                                  "content/contributors/).")
    tags: Annotated[list[Tag], Few] = Field(default_factory=list, description="Topics, lowercase words.")
    summary: Line | None = Field(None, description="One sentence for lists and feeds (else taken from the body).")
    image: MediaFile | None = Field(None, description="Path of an image under content/media/.")
    image_alt: Line | None = Field(None, description="Text alternative of the image (required with image).")
    lang: Lang | None = Field(None, description="Language of the item, when not the portal's.")
    translation_of: Slug | None = Field(None, description="Slug of the item this one translates, in the same section; "
                                        "the pages then link to each other.")
    updated: Moment | None = Field(None, description="Date of the last significant change.")
    status: Literal["draft", "published", "withdrawn"] = Field(
        "published", description="draft: only built with --drafts; withdrawn: the committee took it down (give "
        "withdrawn_reason and, as `updated`, the day): out of every list, feed and index, a notice at its address.")
    withdrawn_reason: Line | None = Field(None, description="Why the committee withdrew it (with status: withdrawn).")
    corrections: Annotated[list[Correction], Few] = Field(
        default_factory=list, description="Corrections made after publication, each a date and a text; shown at the "
        "top of the item, the latest one its `updated` date.")
    slug: Slug | None = Field(None, description="Last part of the URL (default: the file name).")
    conflicts: Annotated[list[Handle], Few] = Field(default_factory=list, description="Committee members recused from "
                                                    "reviewing this item, beyond the people it credits.")
    aliases: Annotated[list[Alias], Few] = Field(default_factory=list, description="Old addresses of the item "
                                                 "(e.g. /2019/05/15/old-post.html): each becomes a page that redirects here.")
    id: Line | None = Field(None, description="Feed id kept across renames: a URI (urn:, tag:, https://) used as it is, "
                            "or the item's first file path under content/ (e.g. articles/old-name.md).")

    @model_validator(mode="after")
    def _image_has_alt(self):
        if self.image and not self.image_alt:
            raise ValueError("image_alt: required when image is set; describe the image for people who cannot see it")
        return self

    @model_validator(mode="after")
    def _withdrawn_and_corrected(self):
        if self.status == "withdrawn" and (not self.withdrawn_reason or self.updated is None):
            raise ValueError("status: withdrawn needs withdrawn_reason (why) and updated (the day it was withdrawn)")
        if self.withdrawn_reason and self.status != "withdrawn":
            raise ValueError("withdrawn_reason: only with status: withdrawn")
        return self

    @model_validator(mode="before")
    @classmethod
    def _updated_by_corrections(cls, data):
        # Feeds and pages date an item by its latest correction: `updated` is at least that day.
        corrections = data.get("corrections") if isinstance(data, dict) else None
        days = [(key, c["date"]) for c in corrections if isinstance(c, dict) and (key := _moment_key(c.get("date")))] \
            if isinstance(corrections, list) else []
        if not days:
            return data
        latest = max(days, key=lambda pair: pair[0])
        updated = data.get("updated")
        if updated is None or ((key := _moment_key(updated)) is not None and key < latest[0]):
            return {**data, "updated": latest[1]}
        return data

    @property
    def is_withdrawn(self) -> bool:
        return self.status == "withdrawn"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


class ArticleMeta(ItemMeta):
    """An article: the everyday text of the portal."""


class Interviewee(Strict):
    """The person interviewed, who need not be a member."""

    name: Line = Field(description="Full name.")
    role: Line | None = Field(None, description="What they do, in a few words.")
    handle: Handle | None = Field(None, description="Their profile, when they are a member.")
    photo: MediaFile | None = Field(None, description="Path of a photo under content/media/.")
    photo_alt: Line | None = Field(None, description="Text alternative of the photo.")
    links: Annotated[list[Link], Few] = Field(default_factory=list, description="Where to find them.")


class InterviewMeta(ItemMeta):
    """An interview: each `##` heading of the body is a question, the text below it the answer."""

    interviewee: Interviewee = Field(description="Who is interviewed.")
    interviewers: Annotated[list[Handle], Few] = Field(default_factory=list,
                                                       description="Handles of who asked the questions.")


class Geo(Strict):
    """A point on the map."""

    lat: float = Field(ge=-90, le=90, description="Latitude.")
    lon: float = Field(ge=-180, le=180, description="Longitude.")


class Location(Strict):
    """Where an event happens: a place, an online room, or both."""

    name: Line | None = Field(None, description="Name of the place.")
    address: Line | None = Field(None, description="Postal address.")
    geo: Geo | None = Field(None, description="Coordinates, for the map link.")
    online: WebUrl | None = Field(None, description="Address of the online room.")

    @model_validator(mode="after")
    def _somewhere(self):
        if not (self.name or self.address or self.online):
            raise ValueError("give at least a name, an address or an online URL")
        return self


class EventMeta(ItemMeta):
    """An event: a meetup, a workshop, the flagship festival."""

    status: Literal["draft", "scheduled", "cancelled", "postponed", "moved-online", "withdrawn"] = Field(
        "scheduled", description="Event status; draft: only built with --drafts; withdrawn: taken down by the committee."
    )
    start: Moment = Field(description="Start, local time in the event's time zone (a date alone: all day).")
    end: Moment | None = Field(None, description="End, local time (default: start + 2 hours, or the same day).")
    all_day: bool = Field(False, description="The event takes whole days.")
    timezone: str | None = Field(None, description="IANA time zone (default: the portal's).")
    location: Location | None = Field(None, description="Where it happens.")
    registration: WebUrl | None = Field(None, description="Registration page.")
    organizers: Annotated[list[Handle], Few] = Field(default_factory=list, description="Handles of the organisers.")
    recurrence: str | None = Field(None, description="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1TH;COUNT=12.")
    exdates: Annotated[list[Moment], Few] = Field(default_factory=list, description="Occurrences that do not take place.")
    capacity: int | None = Field(None, ge=1, description="Number of places.")

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end is not None and _sort_key(self.end) < _sort_key(self.start):
            raise ValueError("end: is before start; check the dates and times")
        return self

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


def _moment_key(value) -> datetime | None:
    """A date, date-time or ISO text as a comparable naive date-time; None when it is none of those."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return _sort_key(value) if isinstance(value, date) else None


def _sort_key(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=None)
    return datetime(moment.year, moment.month, moment.day)


class PageMeta(Strict):
    """A standalone page: about, charter, code of conduct."""

    title: Title = Field(description="Title of the page.")
    summary: Line | None = Field(None, description="One sentence for search engines.")
    slug: Slug | None = Field(None, description="URL of the page (default: the file name).")
    lang: Lang | None = Field(None, description="Language, when not the portal's.")
    date: Moment | None = Field(None, description="Date of publication.")
    updated: Moment | None = Field(None, description="Date of the last change.")
    authors: Annotated[list[Handle], Few] = Field(default_factory=list, description="Handles of the writers, if credited.")
    status: Literal["draft", "published"] = Field("published", description="draft: only built with --drafts.")
    aliases: Annotated[list[Alias], Few] = Field(default_factory=list, description="Old addresses of the page: each "
                                                 "becomes a page that redirects here.")
    id: Line | None = Field(None, description="Feed id kept across renames (see items).")

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


class DigestMeta(Strict):
    """An edition of the newsletter: content/digests/<date>.md, the committee's introduction in the body."""

    date: Moment = Field(description="Date of the edition (the file name is the same date, YYYY-MM-DD); it covers "
                         "what was published since the previous edition.")
    title: Title | None = Field(None, description="Subject of the email (default: the portal's name and the date).")
    summary: Line | None = Field(None, description="One sentence shown in the inbox before the email is opened.")
    since: Moment | None = Field(None, description="Start of the period covered, when not the previous edition's date.")
    lang: Lang | None = Field(None, description="Language of the introduction, when not the portal's.")
    status: Literal["draft", "published"] = Field("published", description="draft: only built with --drafts.")

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


class ContributorMeta(Strict):
    """A member's profile: content/contributors/<handle>.md, the bio in the body."""

    name: Line = Field(description="Name as shown on the portal.")
    github: Login | None = Field(None, description="GitHub login: the identity used by moderation. An imported "
                                 "profile has none until its member claims it (a warning).")
    avatar: str | None = Field(None, description="Image beside the profile (PNG, JPEG or WebP); else initials.")
    pronouns: Line | None = Field(None, description="Pronouns, if they wish.")
    location: Line | None = Field(None, description="City or region.")
    links: Annotated[list[Link], Few] = Field(default_factory=list, description="Personal links.")
    interests: Annotated[list[Line], Few] = Field(default_factory=list, description="What they care about.")
    joined: Moment | None = Field(None, description="When they joined the community.")


class BoardTopic(Strict):
    """A topic on the editorial board, volunteered with a self-set deadline."""

    id: Slug = Field(description="Stable identifier of the topic.")
    title: Line = Field(description="What the piece would be about.")
    section: Slug = Field(description="Section the piece belongs to.")
    proposed_by: Handle = Field(description="Who proposed it.")
    claimed_by: Handle | None = Field(None, description="Who volunteered to write it.")
    due: Moment | None = Field(None, description="The deadline the volunteer set.")
    status: Literal["open", "claimed", "in-review", "published", "dropped"] = Field("open", description="Where it stands.")
    item: str | None = Field(None, description="Path under content/ of the published item.")
    notes: Line | None = Field(None, description="One sentence of context.")

    @model_validator(mode="after")
    def _consistent(self):
        if self.status in {"claimed", "in-review"} and not self.claimed_by:
            raise ValueError(f"claimed_by: a {self.status} topic needs the handle of who is writing it")
        if self.status == "published" and not self.item:
            raise ValueError("item: a published topic needs the path of the published file, e.g. articles/my-text.md")
        return self


class Board(Strict):
    """content/board.yaml."""

    topics: list[BoardTopic] = Field(default_factory=list, description="Topics, open and taken.")


class Unchecked(BaseModel):
    """The front matter of a file that did not load (a YAML or schema error): no field of it is trusted, so the
    placeholder offers none. Only the rules that read a body see an item holding it (rules/unloaded.py)."""

    model_config = ConfigDict(frozen=True)
