"""Words a community refuses or wants a reviewer to look at, found in every public text of a contribution.

Rule ids (documented for readers in rules/catalogue.py):

- ``refused-term`` (error): a term of ``moderation.refused_terms`` appears in a file (title, summary,
  tags, names, body: every line of it).
- ``flagged-term`` (warning): a term of ``moderation.flagged_terms`` appears; reported to reviewers in the
  moderation report, it does not fail the check.

Terms match whole words, case-insensitively, across line-internal spacing, after Unicode NFKC folding and
with invisible characters removed, and also when written with look-alike letters ('fr€e', 'frее' in
Cyrillic): writing around the list does not get past it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..content.kinds import BOARD_FILE
from ..content.loader import CONTENT_DIR, Item
from ..graph import SiteGraph
from ..lookalikes import skeleton, skeleton_of_visible, visible
from ..problems import Problem
from .safety import lines_in_words
from .sources import field_at_line, source_lines


@dataclass(frozen=True)
class Term:
    """One configured term, ready to match plain and look-alike spellings."""

    text: str
    plain: re.Pattern[str]
    folded: re.Pattern[str]


def compile_terms(terms: list[str]) -> list[Term]:
    """Patterns for each non-empty term, in the order configured, duplicates dropped."""
    compiled = []
    for text in dict.fromkeys(t.strip() for t in terms if t.strip()):
        compiled.append(Term(text, _pattern(_normal(text)), _pattern(skeleton(text))))
    return compiled


def _pattern(term: str) -> re.Pattern[str]:
    words = term.split()
    # Whole words only: 'con' must not match 'conte'; any spacing between the words of a phrase, within a line.
    # The test that no letter comes before is made once the first word is matched (it looks behind past it),
    # so that the pattern starts with that word, which the engine looks for quickly (ten times faster on a file).
    start = re.escape(words[0]) + rf"(?<!\w(?s:.{{{len(words[0])}}}))"
    return re.compile(r"[^\S\n]+".join([start, *map(re.escape, words[1:])]) + r"(?!\w)")


def _normal(text: str) -> str:
    return visible(text).casefold()


def folded_forms(lines: list[str]) -> tuple[str, str]:
    """The lines as one text, folded twice: plainly (NFKC, no invisible character, case folded) and to its
    look-alike skeleton. Both start from the same visible text, so its normalisation is done once.

    The text is folded as a whole, once, not line by line (500,000 short lines took 5 s): folding keeps every
    line break, and adds none, so a match is on the line that the breaks before it say."""
    text = visible("\n".join(lines))
    return text.casefold(), skeleton_of_visible(text)


def find_terms(lines: list[str], terms: list[Term],
               forms: tuple[str, str] | None = None) -> dict[str, list[tuple[int, bool]]]:
    """For each term found: the (line number, written with look-alikes) of every line it is on.

    `forms` is `folded_forms(lines)` when the caller has it already (a file scanned for two lists of terms)."""
    if not terms:
        return {}
    normal, folded = forms or folded_forms(lines)
    found: dict[str, list[tuple[int, bool]]] = {}
    for term in terms:
        plain = _lines_matching(term.plain, normal)
        disguised = _lines_matching(term.folded, folded) - plain
        if plain or disguised:
            found[term.text] = sorted([(number, False) for number in plain] + [(number, True) for number in disguised])
    return found


def _lines_matching(pattern: re.Pattern[str], text: str) -> set[int]:
    lines, line, position = set(), 1, 0
    for match in pattern.finditer(text):  # in order: the line breaks are counted once, as the matches move on
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.add(line)
    return lines


def check_words(graph: SiteGraph) -> list[Problem]:
    """Refused terms are errors, flagged terms warnings; one problem per term and file, on its first line.

    This is the board; each item is checked by item_words."""
    lists = _term_lists(graph)
    if not any(terms for _, _, terms in lists):
        return []
    problems: list[Problem] = []
    if graph.board is not None:
        lines = source_lines(graph, BOARD_FILE)
        forms = folded_forms(lines)
        for rule, severity, terms in lists:
            for term, hits in find_terms(lines, terms, forms).items():
                problems.append(_problem(f"{CONTENT_DIR}/{BOARD_FILE}", None, hits, term, rule, severity))
    return problems


def item_words(item: Item, graph: SiteGraph) -> list[Problem]:
    """The terms in one item's file. Reads only the item, its file and the config (see rules.memo)."""
    lists = _term_lists(graph)
    if not any(terms for _, _, terms in lists):
        return []
    lines = source_lines(graph, item.relpath)
    forms = folded_forms(lines)  # once for both lists
    return [_problem(item.path, item, hits, term, rule, severity)
            for rule, severity, terms in lists for term, hits in find_terms(lines, terms, forms).items()]


def _term_lists(graph: SiteGraph) -> list[tuple[str, str, list[Term]]]:
    moderation = graph.config.moderation
    return [("refused-term", "error", _compiled(tuple(moderation.refused_terms))),
            ("flagged-term", "warning", _compiled(tuple(moderation.flagged_terms)))]


@functools.lru_cache(maxsize=8)
def _compiled(terms: tuple[str, ...]) -> list[Term]:
    # Compiled once per list, not once per item; keyed by the terms themselves, so no build sees another's.
    return compile_terms(list(terms))


def _problem(path: str, item: Item | None, hits: list[tuple[int, bool]], term: str, rule: str, severity: str) -> Problem:
    first, disguised = hits[0]
    where = f" ({lines_in_words([line for line, _ in hits])})" if len(hits) > 1 else ""
    how = ", written with look-alike characters" if disguised else ""
    if rule == "refused-term":
        message = f"'{term}' is a refused term on this portal{how}{where}"
        hint = "rephrase it; the list is moderation.refused_terms in site_config.yaml"
    else:
        message = f"'{term}' is flagged for the reviewers{how}{where}"
        hint = "nothing to fix if it is fair use: a reviewer will read it in context"
    field = field_at_line(item, first) if item is not None else ""
    return Problem(path, first, rule, field, message, hint, severity)
