"""The command line's messages in the portal's language: gettext catalogues (locale/<lang>/LC_MESSAGES/agora.po).

English is the source: the code writes every problem's message and hint in English, and they are translated
here, at the one place they are printed (problems.Problems.render), never at each call site. A message is
mostly a sentence around values (a field, a file, what was found): a msgid writes each value as `{}`, and
its msgstr places them as `{0}`, `{1}`... in the order of the msgid, e.g.

    msgid "'{}' has no profile"
    msgstr "'{0}' n'a pas de profil"

The tail ", found X" that the schema adds and the hint "did you mean 'x'?" are translated as parts, so one
entry serves every message that carries them. So are two known sentences joined by "; ", ". " or ": " (French
puts a space before ':' and ';'), and a known remark in parentheses at the end ("(you are on the committee: ...)").
A value not in quotes is something the code put there, a word or a phrase ("a link", "a change to articles",
"amelie is recused: ..."): it is translated in turn when the catalogue knows it. A quoted value never is.
A message with no entry stays in English, and `agora translations --check` lists the catalogue entries no code
writes any more (a sentence the code splits over two literals, or ends where it puts a value, still counts).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "agora"
#: The tails many messages end with, translated on their own (see `translate`).
_FOUND = ", found "
#: The longest message translated (see `translate`).
MAX_TRANSLATED = 600
#: Where a message joins two sentences the catalogue may know apart (see `_parts`).
_JOINTS = ("; ", ". ", ": ")
#: The languages that put a space before ':' and ';' when they join two sentences.
_SPACED = {"fr"}
#: How many places of one joint are tried (see `_parts`).
_JOINT_TRIES = 4


@dataclass(frozen=True)
class _Template:
    pattern: re.Pattern[str]
    target: str
    bare: tuple[bool, ...]  # per value: not in quotes in the msgid, so a word the code put there
    lead: str = ""  # the fixed text before the first value, and after the last: a cheap test before the pattern's
    trail: str = ""


@dataclass(frozen=True)
class Catalogue:
    """One language's messages: exact sentences, and sentences around values."""

    exact: dict[str, str]
    templates: tuple[_Template, ...]

    def sentence(self, text: str) -> str | None:
        if text in self.exact:
            return self.exact[text]
        for template in self.templates:
            if not (text.startswith(template.lead) and text.endswith(template.trail)):
                continue
            match = template.pattern.fullmatch(text)
            if match:
                # A word or phrase the code put in ("image" in "{} to '{}'", "a change to articles" in "could not
                # approve {}") is translated when the catalogue knows it; a quoted value never is.
                return template.target.format(*((self.sentence(group) or group) if bare and group else group
                                                for group, bare in zip(match.groups(), template.bare, strict=True)))
        return None


def catalogue_file(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """The languages the command line speaks besides English."""
    return sorted(p.name for p in LOCALE_DIR.iterdir() if catalogue_file(p.name).is_file()) if LOCALE_DIR.is_dir() else []


def entries(language: str) -> dict[str, str]:
    """msgid -> msgstr of a language ('' when not translated yet)."""
    path = catalogue_file(language)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {str(m.id): (str(m.string) if m.string and not m.fuzzy else "") for m in catalog if m.id}


@functools.cache
def catalogue(language: str) -> Catalogue | None:
    """The catalogue of `language` (its main tag: fr-CA speaks fr), or None for English and unknown languages."""
    main = language.split("-")[0].split("_")[0].lower()
    found = {msgid: text for msgid, text in entries(main).items() if text}
    if not found:
        return None
    exact = {msgid: text for msgid, text in found.items() if "{}" not in msgid}
    # Longest first: the most specific sentence wins over a shorter one it contains.
    templates = tuple(_Template(_pattern(msgid), text, _bare(msgid), msgid.split("{}")[0], msgid.split("{}")[-1])
                      for msgid, text in sorted(found.items(), key=lambda kv: -len(kv[0])) if "{}" in msgid)
    return Catalogue(exact, templates)


def _bare(msgid: str) -> tuple[bool, ...]:
    # Quoted: a quote before it, and its closing quote next, perhaps after a colon the code writes inside the
    # quotes ("add '{}:'").
    parts = msgid.split("{}")
    return tuple(not (before.endswith(("'", '"')) and re.match(r"[^\s'\"]*['\"]", after) is not None)
                 for before, after in zip(parts, parts[1:], strict=False))


def _pattern(msgid: str) -> re.Pattern[str]:
    # A value may be empty or span lines (a quoted value is shown as written); the sentence around it is fixed.
    return re.compile("(.*?)".join(re.escape(part) for part in msgid.split("{}")), re.DOTALL)


def translate(text: str, language: str) -> str:
    """`text` in `language`, sentence by sentence; what the catalogue does not know stays as it is."""
    found = catalogue(language)
    # A message quotes what a contributor wrote (a link's target, a path), and a sentence with two values is
    # matched by backtracking: past a few hundred characters the cost would grow with the square of the text.
    # Messages are short (values are cut when quoted); a longer one stays in English rather than cost more.
    if found is None or not text or len(text) > MAX_TRANSLATED:
        return text
    # "<sentence>, found <value>": the sentence, then the value as it was quoted. Tried first, so that a
    # general sentence ("expected {}") never swallows the tail.
    head, sep, value = text.rpartition(_FOUND)
    if sep:
        first = found.sentence(head)
        tail = found.exact.get("found {}") or next((t.target for t in found.templates
                                                    if t.pattern.pattern == _pattern("found {}").pattern), None)
        if first is not None and tail is not None:
            return f"{first}, {tail.format(value)}"
    whole = _parts(found, text, _spaced(language))
    return text if whole is None else whole


def _spaced(language: str) -> bool:
    """Whether the language puts a space before ':' and ';' (French does)."""
    return language.split("-")[0].split("_")[0].lower() in _SPACED


def _parts(found: Catalogue, text: str, spaced: bool) -> str | None:
    """`text` as one known sentence, or as known parts: "<sentence>; <sentence>", "<sentence>. <sentence>",
    "<sentence>: <sentence>" (any of its colons), and "<sentence> (<known remark>)"; None when a part is unknown."""
    whole = found.sentence(text)
    if whole is not None:
        return whole
    for joint in _JOINTS:
        start = text.find(joint)
        # The first places the joint appears, left to right: a value before it may hold the joint too (a few
        # tries, so that a value full of colons costs no more than a short message).
        for _ in range(_JOINT_TRIES):
            if start == -1:
                break
            one, two = found.sentence(text[:start]), found.sentence(text[start + len(joint):])
            if one is not None and two is not None:
                shown = f" {joint}" if spaced and joint.strip() in ":;" else joint
                return f"{one}{shown}{two}"
            start = text.find(joint, start + 1)
    # "<sentence> (<remark>)": a remark the code adds to many messages ("you are on the committee: ...").
    head, sep, remark = text.rpartition(" (")
    if sep and remark.endswith(")") and remark[:-1] in found.exact:
        first = _parts(found, head, spaced)
        if first is not None:
            return f"{first} ({found.exact[remark[:-1]]})"
    return None


def known(text: str, language: str) -> bool:
    """Whether `translate` changes `text` (for tests and the translations check)."""
    return translate(text, language) != text


def check_catalogues(source_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """(language, 'untranslated' or 'obsolete', msgid) for each entry to fix: an entry with no translation, or one
    whose words the code (agorapress/**/*.py) no longer writes. What `agora translations --check` reports."""
    code_dir = source_dir or Path(__file__).resolve().parent
    code = "\n".join(path.read_text(encoding="utf-8") for path in sorted(code_dir.rglob("*.py")))
    # A sentence the code writes over two lines is two literals Python joins: they are joined here too.
    code = _SPLIT_LITERAL.sub("", code)
    found = []
    for language in languages():
        for msgid, text in entries(language).items():
            # Each fixed part, less the quotes, spaces and punctuation at its ends: a part may end where the code
            # puts a value or a sentence of its own ("'{path}' {reason}", "{head}, {consents}").
            parts = [part.strip(" '\",;:") for part in msgid.split("{}")]
            if not text:
                found.append((language, "untranslated", msgid))
            elif not all(_written(part, code) for part in parts if len(part) >= 3):
                found.append((language, "obsolete", msgid))
    return found


#: The end of a literal and the start of the next on the following line: '"\\n    f"', '" \\\n    "'.
_SPLIT_LITERAL = re.compile(r'"[ \t]*\\?[ \t]*\n[ \t]*[rbfuRBFU]{0,2}"')


def _written(part: str, code: str) -> bool:
    # As the source spells it: a double quote inside a string is escaped there.
    return part in code or part.replace('"', '\\"') in code
