"""Problems found in a portal: collected, sorted and printed as text, JSON or GitHub annotations."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace

from .messages import translate


@dataclass(frozen=True, order=True)
class Problem:
    """One thing a contributor must fix (or a reviewer must look at, when severity is warning)."""

    path: str
    line: int
    rule: str
    field: str
    message: str
    hint: str = ""
    severity: str = "error"

    def as_text(self, severity: str = "") -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {severity or self.severity}[{self.rule}]: {what}{hint}"

    def translated(self, language: str) -> Problem:
        """This problem with its message and hint in `language` (messages.py); file, field and rule id unchanged."""
        return replace(self, message=translate(self.message, language), hint=translate(self.hint, language))

    def as_github(self) -> str:
        # Workflow commands: properties and message have their own escaping rules.
        props = f"file={_escape_property(self.path)}"
        if self.line:
            props += f",line={self.line}"
        props += f",title={_escape_property(self.rule)}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        hint = f" ({self.hint})" if self.hint else ""
        return f"::{self.severity} {props}::{_escape_data(what + hint)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Problems:
    """The problems of one run, in the order a contributor should read them."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        path: str,
        line: int,
        rule: str,
        field: str,
        message: str,
        hint: str = "",
        severity: str = "error",
    ) -> None:
        self.items.append(Problem(path, line or 0, rule, field, message, hint, severity))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(set(self.items)))

    def __len__(self) -> int:
        return len(set(self.items))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity != "error"]

    def for_path(self, path: str) -> list[Problem]:
        return [p for p in self if p.path == path]

    def render(self, fmt: str = "text", language: str = "en") -> str:
        """Every problem in `fmt`, its message and hint in `language` (the portal's: site.language)."""
        shown = [p.translated(language) for p in self] if language != "en" else list(self)
        if fmt == "json":
            return json.dumps([asdict(p) for p in shown], indent=2, ensure_ascii=False)
        if fmt == "github":
            return "\n".join(p.as_github() for p in shown)
        # The severity is a word of the text only: GitHub's annotations and JSON keep 'error' and 'warning'.
        return "\n".join(p.as_text(translate(p.severity, language)) for p in shown)


class AgoraError(Exception):
    """A problem the user must fix before anything can run (exit code 2, no traceback)."""

    exit_code = 2


class BuildFailed(AgoraError):
    """Problems were found: nothing was written (exit code 1)."""

    exit_code = 1

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} problem(s) found; the output was left untouched")
        self.problems = problems


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint, or an empty string when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
