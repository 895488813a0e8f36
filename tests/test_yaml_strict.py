"""The strict YAML loader: safe data, file line numbers, and no silent type changes."""

from __future__ import annotations

import pytest

from agorapress import yamlstrict


def test_lines_are_file_lines() -> None:
    doc = yamlstrict.load("title: A\nlocation:\n  geo:\n    lat: 45.7\n", first_line=2)
    assert doc.data == {"title": "A", "location": {"geo": {"lat": 45.7}}}
    assert doc.line_of(("location", "geo", "lat")) == 5
    assert doc.line_of(("location", "missing")) == 3


@pytest.mark.parametrize("value", ["NO", "yes", "off", "y", "012", "0x1F", "10:30", "1_000", ".inf"])
def test_ambiguous_plain_scalars_ask_for_quotes(value: str) -> None:
    doc = yamlstrict.load(f"field: {value}\n")
    assert doc.data == {"field": value}  # kept as written, never converted
    assert [i.rule for i in doc.issues] == ["yaml-ambiguous"]
    assert f'"{value}"' in doc.issues[0].hint


@pytest.mark.parametrize(("text", "value"), [("true", True), ("false", False), ("12", 12), ("1.5", 1.5), ("~", None),
                                             ('"NO"', "NO"), ("2026-03-01", "2026-03-01"), ("'10:30'", "10:30")])
def test_unambiguous_scalars(text: str, value) -> None:
    doc = yamlstrict.load(f"field: {text}\n")
    assert doc.data == {"field": value}
    assert doc.issues == []


def test_duplicate_keys_aliases_and_tags_are_refused() -> None:
    doc = yamlstrict.load("a: 1\nb: &x [1]\nc: *x\na: 2\nd: !!python/object:os.system ls\n<<: {e: 1}\n")
    rules = sorted(i.rule for i in doc.issues)
    assert rules == ["yaml-alias", "yaml-alias", "yaml-duplicate-key", "yaml-tag"]
    assert doc.data["a"] == 1  # the first value is kept


def test_syntax_error_has_the_file_line() -> None:
    doc = yamlstrict.load("title: ok\nsummary: a: b\n", first_line=2)
    assert doc.issues[0].line == 3
    assert "quoted" in doc.issues[0].hint


@pytest.mark.parametrize("value", ['"\\0"', '"a\\eb"', '"\\x1b[31m"', '"\\v"', '"\\N"', '"x\\r"'])
def test_control_characters_written_as_escapes_are_refused(value: str) -> None:
    doc = yamlstrict.load(f"title: ok\nsummary: {value}\n", first_line=2)
    assert [(i.rule, i.line, i.field) for i in doc.issues] == [("control-character", 3, "summary")]
    assert "U+00" in doc.issues[0].message


def test_tabs_and_line_breaks_stay_allowed_in_text() -> None:
    doc = yamlstrict.load('a: "x\\ty"\nb: |\n  one\n  two\n')
    assert doc.data == {"a": "x\ty", "b": "one\ntwo\n"} and doc.issues == []


def test_control_characters_in_keys_are_refused() -> None:
    assert [i.rule for i in yamlstrict.load('"a\\0": 1\n').issues] == ["control-character"]


def test_a_number_too_long_is_a_problem_not_a_crash() -> None:
    doc = yamlstrict.load("title: ok\ncapacity: " + "9" * 5000 + "\n")
    assert [(i.rule, i.line, i.field) for i in doc.issues] == [("yaml-too-long", 2, "capacity")]
    assert "5000 digits" in doc.issues[0].message and len(doc.issues[0].message) < 100
    assert yamlstrict.load("n: " + "9" * yamlstrict.MAX_DIGITS + "\n").data == {"n": int("9" * yamlstrict.MAX_DIGITS)}


@pytest.mark.parametrize("text", [
    "tags: " + "[" * 600 + "]" * 600,  # flow
    "tags: " + "{a: " * 600 + "}" * 600,
    "".join("  " * i + "a:\n" for i in range(600)),  # block
    "tags: " + "[" * 300_000,  # 300,000 levels: libyaml's composer used to overflow the C stack
])
def test_deep_nesting_stops_at_the_line_where_it_goes_too_deep(text: str) -> None:
    doc = yamlstrict.load(text, first_line=2)
    assert doc.data is None
    too_deep = [i for i in doc.issues if i.rule == "yaml-too-deep"]
    assert len(too_deep) == 1
    expected_line = 2 + (yamlstrict.MAX_DEPTH if text.startswith("  ") or text.startswith("a:") else 0)
    assert too_deep[0].line == expected_line


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = yamlstrict.MAX_DEPTH - 1  # the root mapping is the first level
    doc = yamlstrict.load("a: " + "[" * depth + "1" + "]" * depth + "\n")
    assert doc.issues == [] and str(doc.data).count("[") == depth


def test_scalar_aliases_and_aliased_keys_are_refused_too() -> None:
    doc = yamlstrict.load("a: &x text\nb: *x\n*x : 1\n")
    assert [(i.rule, i.line) for i in doc.issues] == [("yaml-alias", 2), ("yaml-alias", 3)]
    assert doc.data == {"a": "text", "b": None}


def test_a_second_document_is_a_syntax_error() -> None:
    doc = yamlstrict.load("a: 1\n---\nb: 2\n")
    assert doc.data is None and [(i.rule, i.line) for i in doc.issues] == [("yaml-syntax", 2)]


def _unbounded_repeats(parsed, inside: bool = False):
    """(opcode, nested in another unbounded repeat) of every repeat with no upper bound in a parsed pattern."""
    import re._constants as c

    for op, arg in parsed:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            unbounded = high == c.MAXREPEAT
            if unbounded:
                yield op, inside
            yield from _unbounded_repeats(sub, inside or unbounded)
        elif op == c.SUBPATTERN:
            yield from _unbounded_repeats(arg[-1], inside)
        elif op == c.BRANCH:
            for branch in arg[1]:
                yield from _unbounded_repeats(branch, inside)
        elif op in (c.ASSERT, c.ASSERT_NOT, c.ATOMIC_GROUP):
            yield from _unbounded_repeats(arg[-1] if op != c.ATOMIC_GROUP else arg, inside)


@pytest.mark.parametrize("name", ["_NULL", "_TRUE_FALSE", "_YAML11_BOOL", "_INT", "_FLOAT", "_ODD_NUMBER", "_SEXAGESIMAL"])
def test_classification_patterns_run_in_linear_time(name: str) -> None:
    """A plain scalar may be 512 KiB long. A repeat that can give back characters lets the engine try every split of
    a run ('[0-9_]*_[0-9_]*' took 66 s on 200 KB of digits and underscores), so every unbounded repeat must be
    possessive and none may sit inside another: each character is then looked at a bounded number of times."""
    import re._constants as c
    import re._parser

    pattern = getattr(yamlstrict, name).pattern
    repeats = list(_unbounded_repeats(re._parser.parse(pattern)))
    assert all(op == c.POSSESSIVE_REPEAT for op, _ in repeats), f"{name}: a repeat that backtracks in {pattern!r}"
    assert not any(nested for _, nested in repeats), f"{name}: a repeat inside a repeat in {pattern!r}"


@pytest.mark.parametrize("value", ["1_2_3_4", "0_7", "0x_1F", "12:30:15.5", "1.5e3", "-0b10", "+.inf"])
def test_linear_patterns_classify_as_before(value: str) -> None:
    import re

    old = {
        "_INT": r"^[-+]?(?:0|[1-9][0-9]*)$", "_FLOAT": r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
        "_ODD_NUMBER": r"^[-+]?(?:0[0-9_]+|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0b[01_]+|[0-9][0-9_]*_[0-9_]*"
                       r"|\.(?:inf|Inf|INF|nan|NaN|NAN))$",
        "_SEXAGESIMAL": r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$",
    }
    for name, pattern in old.items():
        assert bool(re.match(pattern, value)) == bool(getattr(yamlstrict, name).fullmatch(value)), name


def test_an_empty_text_places_its_missing_fields_on_its_first_line() -> None:
    doc = yamlstrict.load("", first_line=2)
    assert doc.data == {} and doc.line_of(("title",)) == 2  # '---' then '---': title is missing on line 2, not 0
