"""The word scan and the look-alike skeleton, made fast, find exactly what the character-by-character versions found.

The oracle is the implementation they replaced (a Python loop over every character: 80 % of `agora check` on a
1k corpus with one flagged term), kept here verbatim; Hypothesis draws texts and terms from the characters where
the two could part ways: look-alikes and their prototypes (some several characters long: 'm' reads as 'rn'),
invisible characters, combining marks, compatibility forms that NFKC rewrites, case pairs, line breaks.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agorapress.lookalikes import _prototypes, skeleton
from agorapress.rules.words import compile_terms, find_terms, folded_forms

# --- the oracle: the code before, verbatim -------------------------------------------------------------------


def _old_fold(text: str) -> str:
    table = _prototypes()
    return "".join(table.get(char, char) for char in text)


def old_skeleton(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", _old_fold(text)).casefold()
        if folded == text:
            break
        text = folded
    return text


def _old_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"(?<!\w)" + r"[^\S\n]+".join(words) + r"(?!\w)")


def _old_normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").casefold()


def _old_lines_matching(pattern: re.Pattern[str], text: str) -> set[int]:
    lines, line, position = set(), 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.add(line)
    return lines


def old_find_terms(lines: list[str], terms: list[str]) -> dict[str, list[tuple[int, bool]]]:
    compiled = [(text, _old_pattern(_old_normal(text)), _old_pattern(old_skeleton(text)))
                for text in dict.fromkeys(t.strip() for t in terms if t.strip())]
    if not compiled:
        return {}
    text = "\n".join(lines)
    normal, folded = _old_normal(text), old_skeleton(text)
    found: dict[str, list[tuple[int, bool]]] = {}
    for term, plain_pattern, folded_pattern in compiled:
        plain = _old_lines_matching(plain_pattern, normal)
        disguised = _old_lines_matching(folded_pattern, folded) - plain
        if plain or disguised:
            found[term] = sorted([(number, False) for number in plain] + [(number, True) for number in disguised])
    return found


# --- what Hypothesis draws from -------------------------------------------------------------------------------

_TABLE = _prototypes()
# Look-alikes, their prototypes (some several characters long), and every character those are made of.
_CONFUSABLE = sorted(set(_TABLE) | {char for target in _TABLE.values() for char in target})
_INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u202e", "\u2066", "\u2069", "\ufeff", "\U000e0041"]
_COMBINING = ["\u0301", "\u0300", "\u0308", "\u0327", "\u0338", "\u0306", "\u0307", "\u3099", "\u1161", "\u11a8"]
_COMPAT = ["ﬁ", "ﬀ", "ℌ", "①", "Ａ", "ｍ", "½", "ß", "İ", "ẞ", "ǅ", "ς", "Σ", "K", "Å", "ᾈ", "ﬆ", "㎏", "º", "₀", "Ⅸ", "가", "ᄀ"]
_PLAIN = list("aeiouglrntvmIl01|`\"%-' ") + ["\n", "\n", "\t", "\u00a0", "\u2028"] + list("àéèçÉêœ")

characters = st.one_of(
    st.sampled_from(_PLAIN),
    st.sampled_from(_CONFUSABLE),
    st.sampled_from(_INVISIBLE + _COMBINING + _COMPAT),
    st.characters(codec="utf-8"),
)
texts = st.text(characters, max_size=40)
terms = st.text(st.one_of(st.sampled_from(_PLAIN), st.sampled_from(_CONFUSABLE), st.sampled_from(_COMPAT)),
                min_size=1, max_size=6)


def _long(text: str) -> str:
    """The text repeated past the length where the skeleton stops using str.translate (a file, not a name)."""
    return (text + "\n") * (300 // (len(text) + 1) + 1)


# --- the properties -------------------------------------------------------------------------------------------


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("m0I|%\u200b")
@example("rn\u0301ﬁ İ\u00ad\n%")
@example("a\u0338\u0301\u3099\u1161")
@example("\u2220 \U0001e8c8 \u3230\u65e5")  # a pair of look-alikes that map to each other; a prototype that folds on
def test_the_skeleton_is_the_one_folded_character_by_character(text: str) -> None:
    assert skeleton(text) == old_skeleton(text)
    assert skeleton(_long(text)) == old_skeleton(_long(text))


def _disguise(term: str, data: st.DataObject) -> str:
    """The term with some characters swapped for a look-alike of the same prototype, or hidden marks added."""
    lookalikes: dict[str, list[str]] = {}
    for char, target in _TABLE.items():
        lookalikes.setdefault(target, []).append(char)
    out = []
    for char in term:
        choices = [char] + sorted(lookalikes.get(char, []))[:8] + [char + "\u200b", char.upper()]
        out.append(data.draw(st.sampled_from(choices)))
    return "".join(out)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(terms, min_size=0, max_size=3), st.lists(texts, max_size=5), st.data())
@example(["gratuit à vie"], ["c'est GRATUIT à\u200b vie", "grаtuit à  vie", "gratuit à vies"], None)
@example(["rn", "m"], ["m", "rn", "ｍ"], None)
def test_the_word_scan_finds_what_the_old_scan_found(words: list[str], lines: list[str], data) -> None:
    if data is not None and words:
        # Put the terms in, as written and disguised, so that most examples have something to find.
        for term in words:
            where = data.draw(st.integers(0, len(lines)))
            lines = [*lines[:where], f"x {term} y", f"{_disguise(term, data)}", *lines[where:]]
    expected = old_find_terms(lines, words)
    assert find_terms(lines, compile_terms(words)) == expected
    assert find_terms(lines, compile_terms(words), folded_forms(lines)) == expected
    # A whole file: the long path of the skeleton.
    many = lines * (300 // (sum(map(len, lines)) + len(lines) + 1) + 1)
    assert find_terms(many, compile_terms(words)) == old_find_terms(many, words)


def test_the_scan_of_a_real_corpus_text_matches_the_old_scan() -> None:
    """A longer text as posts hold it (code, quotes, typographic punctuation, a few hidden marks), with the
    demo's flagged term written plainly and with look-alikes."""
    body = ("Le “Bureau” d'accueil — ouvert à tous — est gratuit à vie, ou presque :\n"
            "```rust\nfn main() { let m = 0I1|0; println!(\"{m}%\"); }\n```\n"
            "Gratuit\u00a0à vie ! g\u200bratuit à vie, ＧＲＡＴＵＩＴ À VIE.\n"
            "En cyrillique : grаtuіt à vіe.\n") * 40
    lines = body.split("\n")
    words = ["gratuit à vie", "rn", "bureau"]
    found = find_terms(lines, compile_terms(words))
    assert found == old_find_terms(lines, words)
    assert any(disguised for _, disguised in found["gratuit à vie"])
