"""site_config.yaml: the one configuration file of a portal, declared once and checked strictly."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import Field, field_validator

from . import yamlstrict
from .problems import Problem, did_you_mean
from .schema import Handle, Lang, Line, Moment, Slug, Strict, WebUrl, validate

CONFIG_FILE = "site_config.yaml"


class Site(Strict):
    """Who the portal is."""

    title: Line = Field(description="Name of the portal, shown in every page header and feed.")
    description: Line = Field(description="One sentence saying what the community is about.")
    url: WebUrl = Field(description="Public address, e.g. https://org.github.io/portal/ (a path is fine).")
    language: Lang = Field("fr", description="Language of the interface and default language of items.")
    timezone: str = Field("Europe/Paris", description="IANA time zone for dates written without one.")
    repository: WebUrl | None = Field(None, description="GitHub repository URL, for 'propose a correction' links.")
    branch: str = Field("main", description="Branch the portal is published from.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            hint = did_you_mean(value, available_timezones())
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


class Theme(Strict):
    """The theme and its options; a portal overrides templates in themes/<name>/templates/."""

    name: Slug = Field("agora", description="Theme name: a folder in themes/, else a theme shipped with Agora.")
    options: dict[str, str] = Field(default_factory=dict, description="Theme options (colours, logo), read by templates.")


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
    members: list[CommitteeMember] = Field(default_factory=list, description="Seats, current and past.")


class Review(Strict):
    """How many distinct committee approvals a change needs, per section and for governance."""

    approvals: dict[str, int] = Field(
        default_factory=lambda: {"articles": 2, "interviews": 2, "events": 1, "pages": 2, "contributors": 1},
        description="Approvals needed per section (a key per content folder).",
    )
    governance: int | Literal["majority"] = Field("majority", description="Approvals for governance changes.")


class Moderation(Strict):
    """Rules on contributions where communities reasonably differ."""

    allow_html: bool = Field(False, description="Let Markdown carry raw HTML (then sanitised with nh3).")
    max_file_kb: int = Field(512, ge=1, description="Largest Markdown or YAML file accepted, in KiB.")
    max_image_kb: int = Field(2048, ge=1, description="Largest image accepted, in KiB.")
    refused_terms: list[str] = Field(default_factory=list, description="Words that fail the check.")
    flagged_terms: list[str] = Field(default_factory=list, description="Words reported to reviewers.")


class Config(Strict):
    """The whole of site_config.yaml."""

    site: Site
    sections: dict[Slug, Section] = Field(default_factory=_default_sections, description="Section titles and pagination.")
    per_page: int = Field(10, ge=1, le=200, description="Items per list page (sections and tags).")
    theme: Theme = Field(default_factory=Theme)
    plugins: list[str] = Field(default_factory=list, description="Extra Pelican plugins, by import name, run after Agora's.")
    committee: Committee = Field(default_factory=Committee)
    review: Review = Field(default_factory=Review)
    moderation: Moderation = Field(default_factory=Moderation)
    extra: dict[str, object] = Field(default_factory=dict, description="Free-form values for templates.")

    def section_title(self, kind: str) -> str:
        section = self.sections.get(kind)
        return section.title if section else kind.title()


def load_config(root: Path) -> tuple[Config | None, list[Problem], str]:
    """Read and check site_config.yaml; return the config, its problems and a hash of its bytes."""
    path = root / CONFIG_FILE
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
    return config, problems + schema_problems, digest
