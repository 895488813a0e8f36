"""site_config.yaml: the one configuration file of a portal, declared once and checked strictly."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from . import colours, yamlstrict
from .problems import Problem, did_you_mean
from .schema import (
    MAX_LINE,
    MAX_LIST,
    Few,
    Handle,
    Lang,
    Line,
    MediaFile,
    Moment,
    Slug,
    Strict,
    Title,
    WebUrl,
    time_zones,
    validate,
)

CONFIG_FILE = "site_config.yaml"
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")


class Site(Strict):
    """Who the portal is."""

    title: Title = Field(description="Name of the portal, shown in every page header and feed.")
    description: Line = Field(description="One sentence saying what the community is about.")
    url: WebUrl = Field(description="Public address, e.g. https://org.github.io/portal/ (a path is fine).")
    language: Lang = Field("fr", description="Language of the interface and default language of items.")
    timezone: str = Field("Europe/Paris", description="IANA time zone for dates written without one.")
    repository: WebUrl | None = Field(None, description="GitHub repository URL, for 'propose a correction' links.")
    branch: str = Field("main", description="Branch the portal is published from.")

    @field_validator("branch")
    @classmethod
    def _branch_name(cls, value: str) -> str:
        # It goes into the 'propose a correction' addresses of every page.
        if not _BRANCH.fullmatch(value) or ".." in value:
            raise ValueError(f"{value!r} is not a branch name: letters, digits, '.', '_', '-' and '/'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in time_zones():
            hint = did_you_mean(value, time_zones())
            raise ValueError(f"unknown time zone {value!r}" + (f"; {hint}" if hint else ""))
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Section(Strict):
    """A family of items (articles, interviews, events) and its list pages."""

    title: Line = Field(description="Title of the section's list page.")
    description: str = Field("", description="Short text at the top of the section's list page.")


def _default_sections() -> dict[str, Section]:
    return {
        "articles": Section(title="Articles"),
        "interviews": Section(title="Interviews"),
        "events": Section(title="Events"),
    }


def _readable(value: str | None, backgrounds: tuple[str, ...], scheme: str) -> str | None:
    if value is None:
        return None
    if not colours.HEX_COLOUR.fullmatch(value):
        raise ValueError(f"expected a colour written #rrggbb (like #9b2c1f), found {value!r}")
    ratio, background = colours.worst_contrast(value, backgrounds)
    if ratio < colours.AA_TEXT:
        direction = "darker" if scheme == "light" else "lighter"
        raise ValueError(f"{value} has a contrast of {ratio:.1f}:1 on the {scheme} background {background}; links need "
                         f"{colours.AA_TEXT}:1 to be readable (WCAG 2.2 AA): choose a {direction} colour")
    return value.lower()


class ThemeOptions(Strict):
    """Options of the shipped theme: a portal's colours and logo without forking the theme."""

    accent: str | None = Field(None, description="Colour of links and highlights in the light scheme, #rrggbb; "
                               "must reach a 4.5:1 contrast on the light backgrounds.")
    accent_dark: str | None = Field(None, description="The same in the dark scheme, #rrggbb; 4.5:1 on the dark backgrounds.")
    logo: MediaFile | None = Field(None, description="Path of a square PNG, JPEG or WebP image under content/media/, "
                             "shown before the portal's name.")
    extra: dict[str, str] = Field(default_factory=dict, description="Options of another theme, read by its templates.")

    @field_validator("accent")
    @classmethod
    def _accent(cls, value: str | None) -> str | None:
        return _readable(value, colours.LIGHT_BACKGROUNDS, "light")

    @field_validator("accent_dark")
    @classmethod
    def _accent_dark(cls, value: str | None) -> str | None:
        return _readable(value, colours.DARK_BACKGROUNDS, "dark")


class Theme(Strict):
    """The theme and its options; a portal overrides templates in themes/<name>/templates/."""

    name: Slug = Field("agora", description="Theme name: a folder in themes/, else a theme shipped with Agora.")
    options: ThemeOptions = Field(default_factory=ThemeOptions, description="Theme options (colours, logo), read by templates.")


class CommitteeMember(Strict):
    """One seat on the people's editorial committee, for one term."""

    handle: Handle = Field(description="Contributor handle (a profile in content/contributors/).")
    role: Literal["editor-in-chief", "section-editor", "moderator", "member"] = Field(description="Role on the committee.")
    sections: list[Slug] = Field(default_factory=list, description="Sections a section editor covers.")
    term_from: Moment = Field(alias="from", description="First day of the term.")
    term_to: Moment | None = Field(None, alias="to", description="Last day of the term (empty: ongoing).")


class Committee(Strict):
    """The elected committee: current and former members."""

    name: Line = Field("Comité éditorial", description="What the community calls its committee.")
    members: Annotated[list[CommitteeMember], Few] = Field(default_factory=list, description="Seats, current and past.")
    on_term_end: Literal["holdover", "lapse"] = Field(
        "holdover", description="When a term ends and nobody is seated in that role yet: `holdover` (the holder stays "
        "in office until a successor is seated) or `lapse` (the seat is empty at once; the members whose term ended "
        "last still hold over if nobody else could approve a governance change).")
    max_consecutive_terms: dict[Literal["editor-in-chief", "section-editor", "moderator", "member"], int] = Field(
        default_factory=dict, description="Most consecutive terms one member may serve in a role, e.g. "
        "{editor-in-chief: 2} (none: no limit).")


class Review(Strict):
    """How many distinct committee approvals a change needs, per section and for governance."""

    approvals: dict[str, int] = Field(
        default_factory=lambda: {"articles": 2, "interviews": 2, "events": 1, "pages": 2, "contributors": 1},
        description="Approvals needed per section (a key per content folder).",
    )
    governance: int | Literal["majority"] = Field("majority", description="Approvals for governance changes.")


class Moderation(Strict):
    """Rules on contributions where communities reasonably differ."""

    html: Literal["github", "none"] = Field(
        "github", description="Raw HTML in Markdown: github keeps the subset GitHub's preview shows (`<br>`, `<small>`, "
        "`<sub>`, `<sup>`, `<kbd>`, `<details>`, `<img>` with alt...; never script, style, event handlers, forms, "
        "iframes or embeds), cleaned with nh3; none shows every tag as text. HTML comments are never shown.")
    allow_html: bool | None = Field(None, description="Deprecated: use `html` (true reads as github, false as none).")
    max_file_kb: int = Field(512, ge=1, description="Largest Markdown or YAML file accepted, in KiB.")
    max_image_kb: int = Field(2048, ge=1, description="Largest image accepted, in KiB.")
    max_image_pixels: int = Field(25_000_000, ge=1, le=25_000_000, description="Most pixels (width × height) of an image "
                                  "the build decodes; a small file can declare a huge picture (a decompression bomb).")
    max_media_kb: int = Field(20480, ge=1, description="Largest PDF, audio or video file under content/media/, in KiB.")
    max_files: int = Field(5000, ge=1, description="Most files content/ may hold.")
    max_tags: int = Field(30, ge=1, le=MAX_LIST, description="Most tags of an item, or interests of a profile "
                          f"(at most {MAX_LIST:,}, the limit of every list).")
    max_authors: int = Field(20, ge=1, le=MAX_LIST, description="Most members one list of an item credits: authors, "
                             f"interviewers or organizers (at most {MAX_LIST:,}).")
    max_title_chars: int = Field(300, ge=1, le=MAX_LINE, description="Longest title of an item or a board topic, in "
                                 f"characters (at most {MAX_LINE:,}, the limit of every one-line text).")
    max_summary_chars: int = Field(500, ge=1, le=MAX_LINE, description=f"Longest summary, in characters (at most {MAX_LINE:,}).")
    max_links: int = Field(20, ge=1, le=MAX_LIST, description=f"Most links of a profile or an interviewee (at most {MAX_LIST:,}).")
    max_exdates: int = Field(500, ge=1, le=MAX_LIST, description=f"Most exception dates (`exdates`) of one event "
                             f"(at most {MAX_LIST:,}).")
    max_board_topics: int = Field(1000, ge=1, description="Most topics content/board.yaml may hold.")
    refused_terms: list[str] = Field(default_factory=list, description="Words that fail the check.")
    flagged_terms: list[str] = Field(default_factory=list, description="Words reported to reviewers.")

    @property
    def html_policy(self) -> str:
        """`html`, or what the deprecated `allow_html` says when `html` is not given."""
        if "html" not in self.model_fields_set and self.allow_html is not None:
            return "github" if self.allow_html else "none"
        return self.html


#: Text shown to readers: one string, or one per interface language ({fr: ..., en: ...}).
Text = Line | dict[Lang, Line]


class BadgeRule(Strict):
    """What a member must have done to hold a badge; every condition given must hold.

    A contribution is a published article, interview, page or event the member wrote, conducted or
    organised, counted once however many roles they had in it."""

    contributions: int | None = Field(None, ge=1, description="At least this many contributions of any kind.")
    written: int | None = Field(None, ge=1, description="At least this many items they are an author of.")
    interviews_conducted: int | None = Field(None, ge=1, description="At least this many interviews they conducted.")
    interviews_given: int | None = Field(None, ge=1, description="At least this many interviews they gave (as interviewee).")
    events_organised: int | None = Field(None, ge=1, description="At least this many events they organised.")
    topics_claimed: int | None = Field(None, ge=1, description="At least this many board topics they volunteered for.")
    committee: Literal["current", "former"] | None = Field(
        None, description="current: sits on the committee today; former: had a seat, has none today.")
    years_since_joined: int | None = Field(None, ge=1, description="At least this many years since `joined` on their profile.")

    @model_validator(mode="after")
    def _some_condition(self):
        if not any(value is not None for value in self.model_dump().values()):
            raise ValueError("give at least one condition, e.g. 'contributions: 5'")
        return self


class Badge(Strict):
    """A badge: what it is called, what it means, and the rule that awards it."""

    id: Slug = Field(description="Stable identifier, used in URLs (badges/#<id>).")
    label: Text = Field(description="Name of the badge.")
    description: Text = Field(description="One sentence saying what it recognises.")
    rule: BadgeRule = Field(description="The condition, computed from the published content.")


def _default_badges() -> list[Badge]:
    def badge(id: str, fr: str, en: str, fr_desc: str, en_desc: str, **rule) -> Badge:
        return Badge(id=id, label={"fr": fr, "en": en}, description={"fr": fr_desc, "en": en_desc}, rule=BadgeRule(**rule))

    return [
        badge("first-publication", "Première publication", "First publication",
              "A publié sa première contribution.", "Published a first contribution.", contributions=1),
        *(badge(f"contributions-{n}", f"{n} contributions", f"{n} contributions",
                f"A publié au moins {n} contributions.", f"Published at least {n} contributions.", contributions=n)
          for n in (5, 10, 25)),
        badge("interviewer", "Intervieweur·euse", "Interviewer",
              "A mené au moins un entretien.", "Conducted at least one interview.", interviews_conducted=1),
        badge("organiser", "Organisateur·rice", "Event organiser",
              "A organisé au moins un événement.", "Organised at least one event.", events_organised=1),
        badge("committee", "Membre du comité", "Committee member",
              "Siège aujourd'hui au comité éditorial.", "Sits on the editorial committee today.", committee="current"),
        badge("former-committee", "Ancien·ne membre du comité", "Former committee member",
              "A siégé au comité éditorial.", "Served on the editorial committee.", committee="former"),
        badge("long-standing", "Membre de longue date", "Long-standing member",
              "Membre depuis au moins 3 ans.", "A member for at least 3 years.", years_since_joined=3),
    ]


class Recognition(Strict):
    """How the portal welcomes newcomers and recognises active members."""

    new_member_days: int = Field(90, ge=1, le=3660,
                                 description="A member is new when they joined or first published within this many days.")
    badges: list[Badge] = Field(default_factory=_default_badges, description="Badges, in display order (replaces the defaults).")

    @model_validator(mode="after")
    def _unique_ids(self):
        ids = [badge.id for badge in self.badges]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"badges: badge id '{twice[0]}' is used twice; give each badge its own id")
        return self


#: The families of feeds: the portal's, each section's, each language's, each tag's, each member's.
FeedKind = Literal["all", "section", "lang", "tag", "contributor"]
#: Families whose feeds carry summaries unless the portal asks for full texts: a reader following a tag or a member
#: gets many feeds, and the same texts are in the portal's own feed already.
SUMMARY_FAMILIES = ("tag", "contributor")


class FeedFamily(Strict):
    """What the feeds of one family carry, when it differs from `feeds`."""

    content: Literal["full", "summary"] | None = Field(None, description="full or summary for this family.")
    limit: int | None = Field(None, ge=1, le=1000, description="Newest items per feed of this family.")


class Feeds(Strict):
    """What the Atom, RSS and JSON feeds carry."""

    content: Literal["full", "summary"] = Field(
        "full", description="full: the whole text of each item; summary: its summary and a link to the page. Per-tag "
        "and per-member feeds carry summaries unless `families` says otherwise.")
    limit: int = Field(50, ge=1, le=1000, description="Newest items per feed.")
    max_kb: int = Field(1024, ge=16, le=65536, description="Largest feed file, in KiB: past it a feed leaves out its "
                        "oldest entries (and carries summaries when even one full text is larger).")
    families: dict[FeedKind, FeedFamily] = Field(
        default_factory=dict, description="Per family (all, section, lang, tag, contributor): content and limit, "
        "e.g. {tag: {content: full, limit: 20}}.")

    def content_for(self, kind: str) -> str:
        """full or summary, for the feeds of a family."""
        family = self.families.get(kind)
        if family is not None and family.content is not None:
            return family.content
        return "summary" if kind in SUMMARY_FAMILIES else self.content

    def limit_for(self, kind: str) -> int:
        family = self.families.get(kind)
        return family.limit if family is not None and family.limit is not None else self.limit


#: A mailbox as a sender is written: "Name <local@domain>" or "local@domain".
_MAILBOX = re.compile(r"(?:[^<>\r\n\"]{1,100} )?<?[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}>?")


class Newsletter(Strict):
    """The newsletter: an email edition of the portal (agora digest), archived under /digest/."""

    frequency: Literal["week", "month"] = Field("month", description="How often an edition goes out: week or month.")
    start: Moment | None = Field(None, description="Date of the first regular edition; from it on an edition is due "
                                 "every week or month. Empty: only the editions written in content/digests/.")
    sender: str | None = Field(None, description="From: of the email, e.g. 'La Fabrique <infolettre@example.org>'.")
    provider: Literal["listmonk", "buttondown"] | None = Field(
        None, description="Mailing service the scheduled workflow hands each edition to (empty: none).")
    lists: list[int] = Field(default_factory=list, description="listmonk: ids of the lists an edition goes to.")
    events: int = Field(5, ge=0, le=50, description="Upcoming events an edition lists.")
    topics: int = Field(5, ge=0, le=50, description="Open topics of the board an edition lists.")

    @field_validator("sender")
    @classmethod
    def _mailbox(cls, value: str | None) -> str | None:
        if value is not None and not _MAILBOX.fullmatch(value.strip()):
            raise ValueError(f"{value!r} is not an email address; write 'Name <address@example.org>'")
        return value.strip() if value else value


class Config(Strict):
    """The whole of site_config.yaml."""

    site: Site = Field(description="Who the portal is.")
    sections: dict[Slug, Section] = Field(default_factory=_default_sections, description="Section titles and pagination.")
    per_page: int = Field(10, ge=1, le=200, description="Items per list page (sections and tags).")
    theme: Theme = Field(default_factory=Theme, description="Theme and its options.")
    plugins: list[str] = Field(default_factory=list, description="Extra Pelican plugins, by import name, run after Agora's.")
    committee: Committee = Field(default_factory=Committee, description="The elected editorial committee.")
    review: Review = Field(default_factory=Review, description="Approvals a change needs.")
    moderation: Moderation = Field(default_factory=Moderation, description="Rules on contributions.")
    recognition: Recognition = Field(default_factory=Recognition, description="New members and badges.")
    feeds: Feeds = Field(default_factory=Feeds, description="Atom, RSS and JSON feeds: full text or summaries, items per feed.")
    newsletter: Newsletter = Field(default_factory=Newsletter, description="The newsletter: how often, from whom, "
                                   "through which mailing service.")
    extra: dict[str, object] = Field(default_factory=dict, description="Free-form values for templates.")

    def section_title(self, kind: str) -> str:
        section = self.sections.get(kind)
        return section.title if section else kind.title()


def load_config(root: Path) -> tuple[Config | None, list[Problem], str]:
    """Read and check site_config.yaml; return the config, its problems and a hash of its bytes."""
    path = root / CONFIG_FILE
    if path.is_symlink():
        # Refused before it is opened: a link could make Agora read (and print) a file from outside the repository.
        return None, [Problem(CONFIG_FILE, 0, "symlink", "", "site_config.yaml is a symbolic link",
                              "commit the configuration file itself, not a link to it")], ""
    if not path.is_file():
        return None, [Problem(CONFIG_FILE, 0, "config-missing", "", "no site_config.yaml here", "run 'agora init' or cd into a portal")], ""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(CONFIG_FILE, line, "encoding", "", "not valid UTF-8", "save the file as UTF-8")], digest
    doc = yamlstrict.load(text)
    problems = [Problem(CONFIG_FILE, i.line, i.rule, i.field, i.message, i.hint) for i in doc.issues]
    config, schema_problems = validate(Config, doc, CONFIG_FILE, "config")
    return config, problems + schema_problems + _deprecated(config, doc), digest


def _deprecated(config: Config | None, doc: yamlstrict.YamlDocument) -> list[Problem]:
    """Keys still read, with a hint to write what replaced them."""
    if config is None or config.moderation.allow_html is None:
        return []
    line = doc.line_of(("moderation", "allow_html"))
    return [Problem(CONFIG_FILE, line, "config-deprecated", "moderation.allow_html",
                    f"allow_html is deprecated: read as html: {config.moderation.html_policy}",
                    f"write `html: {config.moderation.html_policy}` under moderation instead", severity="warning")]
