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
