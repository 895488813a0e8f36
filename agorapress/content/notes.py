"""What the Markdown renderer noticed in a body (a refused link, HTML it removed, a language it does not know),
kept on the item so that the link and HTML rules report it with its line, however the item was read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    """One finding of the renderer: a line of the file, a rule id, what happened and how to fix it."""

    line: int
    rule: str
    message: str
    hint: str
    severity: str = "warning"


@dataclass
class NoteBook:
    """The notes of one body, each kept once: a file repeating a mistake 10,000 times is one line of the report,
    on its first occurrence, with the count."""

    found: dict[tuple[str, str], tuple[Note, int]] = field(default_factory=dict)

    def add(self, line: int, rule: str, message: str, hint: str, severity: str = "warning") -> None:
        key = (rule, message)
        if key in self.found:
            note, count = self.found[key]
            self.found[key] = (note, count + 1)
        else:
            self.found[key] = (Note(line, rule, message, hint, severity), 1)

    def notes(self) -> list[Note]:
        out = []
        for note, count in self.found.values():
            if count > 1:
                note = Note(note.line, note.rule, f"{note.message} ({count} times, the first here)", note.hint,
                            note.severity)
            out.append(note)
        return sorted(out, key=lambda n: (n.line, n.rule, n.message))
