"""Identity strings (handles, GitHub logins, names) folded so that look-alikes compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .memory import paused_gc

with paused_gc():  # the library reads its data, a large JSON of small objects, when imported
    from confusable_homoglyphs import confusables

# U+200E (left-to-right mark) wraps right-to-left glyphs in the library's data: it is layout, not a letter.
_MARKS = "\u200e\u200f"


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Each confusable character mapped to the prototype it is read as (Unicode TR39 data, via the library).

    The library lists, for a prototype, every character confusable with it, and for each of those
    characters the prototype alone; a pair listing only each other is settled towards ASCII, then
    towards the lower code point, so the mapping is the same on every run."""
    data = confusables.confusables_data
    table: dict[str, str] = {}
    for key, entries in data.items():
        char = key.strip(_MARKS)
        if len(char) != 1 or len(entries) != 1:
            continue  # a prototype with many look-alikes maps to itself
        target = entries[0]["c"].strip(_MARKS)
        if len(target) != 1:
            table[char] = target  # 'm' reads as 'rn'
            continue
        back = [entry["c"].strip(_MARKS) for entry in data.get(target, [])]
        if back == [char] and (char.isascii(), -ord(char)) > (target.isascii(), -ord(target)):
            continue  # a symmetric pair: keep the ASCII or lower one as the prototype
        table[char] = target
    return table


#: Below this length a string is mapped by str.translate; above it, only the characters it holds are looked for.
_SHORT = 256


def _replace(text: str, mapping: dict[str, str]) -> str:
    """Every character of `text` that `mapping` holds replaced by its value, all at once (as str.translate does).

    A long text (a whole file) is scanned in C for the few characters it holds among the mapping's thousands:
    str.translate looks every character up in a dict (half a second for 2 MB), and a regular expression class of
    6,000 characters is slower still. `mapping` holds only characters present in `text`."""
    if not any(char in mapping for value in mapping.values() for char in value):
        # No replacement holds a character replaced after it: one str.replace per character is the same.
        for char, value in mapping.items():
            text = text.replace(char, value)
        return text
    pattern = re.compile("[" + "".join(re.escape(char) for char in sorted(mapping)) + "]")
    return pattern.sub(lambda found: mapping[found.group()], text)


def _fold(text: str) -> str:
    if len(text) < _SHORT:
        return text.translate(_ordinal_prototypes())
    table = _prototypes()
    present = [char for char in _ascii_prototyped() if char in text]  # a few searches in C
    present += table.keys() & _non_ascii_characters(text)
    return _replace(text, {char: table[char] for char in present}) if present else text


@lru_cache(maxsize=1)
def _ordinal_prototypes() -> dict[int, str]:
    return {ord(char): target for char, target in _prototypes().items()}


@lru_cache(maxsize=1)
def _ascii_prototyped() -> tuple[str, ...]:
    return tuple(sorted(char for char in _prototypes() if char.isascii()))


def _non_ascii_characters(text: str) -> set[str]:
    """The characters past ASCII that `text` holds, found in its lines that hold any (str.isascii() costs nothing):
    a file is mostly ASCII lines, and a set of every character of a file of 6 MB takes a tenth of a second."""
    if text.isascii():
        return set()
    return set("".join(line for line in text.split("\n") if not line.isascii()))


def visible(text: str) -> str:
    """`text` in NFKC with its invisible characters (Unicode Cf) dropped: the first steps of `skeleton`."""
    text = unicodedata.normalize("NFKC", text)
    # No Cf character is ASCII.
    hidden = [char for char in _non_ascii_characters(text) if unicodedata.category(char) == "Cf"]
    return _replace(text, dict.fromkeys(hidden, "")) if hidden else text


def skeleton(text: str) -> str:
    """What `text` looks like, reduced: NFKC, invisible characters (Unicode Cf) dropped, confusables
    replaced by their prototype, case folded. Two strings with the same skeleton can be mistaken for each
    other ('ana' and 'аnа' in Cyrillic, 'bob' and 'b0b', 'm' and 'rn', 'Il' and 'll')."""
    return skeleton_of_visible(visible(text))


def skeleton_of_visible(text: str) -> str:
    """`skeleton(text)` for a text `visible` has already reduced (word scans fold a file both ways from there)."""
    # Folded before casefolding too: capital I reads as l, but lowercase i must not. A prototype can
    # itself fold further ('0' -> 'O' -> 'o'), hence the few rounds to a fixed point.
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", _fold(text)).casefold()
        if folded == text:
            break
        text = folded
    return text


def is_confusable_with(a: str, b: str) -> bool:
    """True when `a` and `b` are the same identity or can be mistaken for one another."""
    return skeleton(a) == skeleton(b)


def invisible_characters(text: str) -> list[str]:
    """The invisible formatting characters in `text`, each once, in order (Unicode category Cf: bidi controls,
    zero-width spaces and joiners, soft hyphens, tag characters)."""
    if text.isprintable():  # no Cf character is printable: most values are skipped in C, unscanned
        return []
    return list(dict.fromkeys(char for char in text if unicodedata.category(char) == "Cf"))


def mixes_scripts(word: str) -> bool:
    """True when `word` mixes scripts with letters that look alike ('Аna' with a Cyrillic A)."""
    return bool(confusables.is_dangerous(word))


def describe(char: str) -> str:
    """A character as a reviewer can look it up: 'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'FORMAT CHARACTER')}"
