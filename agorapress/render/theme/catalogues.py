"""Keeping the theme's message catalogues in step with its templates: extract, update, check (Babel)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from .translations import DOMAIN, catalogue_path, read_catalogue

#: How Babel reads the templates: Jinja2 with the same extension and whitespace rules as the build.
#: The .txt templates are the newsletter's text parts (templates/email/).
_METHODS = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true", "newstyle_gettext": "true"}
_OPTIONS = {"**/templates/**.html": _JINJA, "**/templates/**.txt": _JINJA}


@dataclass
class CatalogueReport:
    """What `check` found in one language's catalogue."""

    language: str
    path: Path
    missing: list[str] = field(default_factory=list)  # in the templates, not in the catalogue
    untranslated: list[str] = field(default_factory=list)  # in the catalogue with no (or a fuzzy) translation
    obsolete: list[str] = field(default_factory=list)  # in the catalogue, no longer in the templates

    @property
    def ok(self) -> bool:
        return not (self.missing or self.untranslated or self.obsolete)


def languages(theme: Path) -> list[str]:
    """The languages the theme has a catalogue for."""
    folder = theme / "translations"
    return sorted(p.name for p in folder.iterdir() if catalogue_path(theme, p.name).is_file()) if folder.is_dir() else []


def extract(theme: Path) -> Catalog:
    """Every message of the theme's templates, with where it is used."""
    template = Catalog(domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(theme, _METHODS, _OPTIONS):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _key(message) -> str:
    return message if isinstance(message, str) else message[0]


def check(theme: Path) -> list[CatalogueReport]:
    """Compare each catalogue with the templates without changing anything."""
    template = extract(theme)
    wanted = {_key(m.id) for m in template if m.id}
    reports = []
    for language in languages(theme):
        path = catalogue_path(theme, language)
        catalog = read_catalogue(path)
        present = {_key(m.id): m for m in catalog if m.id}
        report = CatalogueReport(language, path)
        report.missing = sorted(wanted - set(present))
        report.obsolete = sorted(set(present) - wanted)
        report.untranslated = sorted(k for k, m in present.items() if k in wanted and (m.fuzzy or not _translated(m.string)))
        reports.append(report)
    return reports


def _translated(string) -> bool:
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


def update(theme: Path, new_languages: tuple[str, ...] = ()) -> list[Path]:
    """Bring every catalogue (and any new language asked for) up to date with the templates; returns the files written.

    Existing translations are kept; new messages come in empty; messages gone from the templates are dropped.
    """
    template = extract(theme)
    written = []
    for language in sorted(set(languages(theme)) | set(new_languages)):
        path = catalogue_path(theme, language)
        if path.is_file():
            catalog = read_catalogue(path)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="Agora Press theme", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        buffer = io.BytesIO()
        # No line numbers: a template edit that only moves lines leaves the catalogues unchanged.
        write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False, include_previous=False)
        data = buffer.getvalue()
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    return written
