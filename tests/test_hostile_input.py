"""Hostile front matter: what `agora check` accepts, `agora build` builds, and what it refuses gets a problem line
with the file, the line and the fix, never a traceback. (The property tests in test_hostile_properties.py try
thousands of values; these are the exact messages of the cases found so far.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEMO_NOW

from agorapress.site import load_portal

ARTICLE = "---\ntitle: T\ndate: 2026-01-01\nauthors: [ana]\n{extra}---\nBody.\n"


def problems_of(portal, files: dict[str, str], path: str, **kwargs) -> list[str]:
    root = portal(files, **kwargs)
    return [p.as_text() for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems.for_path(path)]


@pytest.mark.parametrize(("extra", "expected"), [
    # '$' also matches before a final newline: each of these passed the check and stopped (or bent) the build.
    ('slug: "evil\\n"\n', "content/articles/a.md:5: error[schema-type]: slug: a slug is lowercase ASCII letters, digits and "
     "hyphens, at most 100 characters, found 'evil\\n'"),
    ('tags: ["vélo\\n"]\n', "content/articles/a.md:5: error[schema-type]: tags[0]: a tag is a word or a few words, without "
     "punctuation, found 'vélo\\n'"),
    ('lang: "en\\n"\n', "content/articles/a.md:5: error[schema-type]: lang: 'en\\n' is not a language code such as 'fr' or "
     "'en'; did you mean 'en'?"),
    ('translation_of: "x\\n"\n', "content/articles/a.md:5: error[schema-type]: translation_of: a slug is lowercase ASCII "
     "letters, digits and hyphens, at most 100 characters, found 'x\\n'"),
    # Languages Babel does not know stopped the build when a date was formatted.
    ("lang: zz\n", "content/articles/a.md:5: error[schema-type]: lang: unknown language code 'zz'; did you mean 'lzz'?"),
    ("lang: French\n", "content/articles/a.md:5: error[schema-type]: lang: 'French' is not a language code such as 'fr' or "
     "'en'; did you mean 'fr'?"),
    ("lang: en-US\n", "content/articles/a.md:5: error[schema-type]: lang: 'en-US' is not a language code such as 'fr' or "
     "'en'; write 'en' (regional variants are not supported)"),
    ("lang: iw\n", "content/articles/a.md:5: error[schema-type]: lang: unknown language code 'iw'; did you mean 'he'?"),
    ("slug: " + "a" * 101 + "\n", "content/articles/a.md:5: error[schema-type]: slug: a slug is lowercase ASCII letters, "
     "digits and hyphens, at most 100 characters, found '" + "a" * 78 + "…"),
    ("updated: 0001-01-01\n", "content/articles/a.md:5: error[schema-type]: updated: the year 1 is out of range: write a "
     "year between 1900 and 2200, found '0001-01-01'"),
])
def test_values_the_build_cannot_use_are_refused(portal, extra: str, expected: str) -> None:
    assert problems_of(portal, {"content/articles/a.md": ARTICLE.format(extra=extra)}, "content/articles/a.md") == [expected]


def test_a_login_with_a_final_newline_is_refused(portal) -> None:
    profile = '---\nname: Bob\ngithub: "bob\\n"\n---\nBio.\n'
    assert problems_of(portal, {"content/contributors/bob.md": profile}, "content/contributors/bob.md") == [
        "content/contributors/bob.md:3: error[schema-type]: github: a GitHub login is ASCII letters, digits and hyphens, "
        "at most 39 characters, found 'bob\\n'"]


def test_a_huge_value_is_quoted_short_in_its_message(portal) -> None:
    title = "x" * 400_000 + "\\n"
    [problem] = problems_of(portal, {"content/articles/a.md": ARTICLE.replace("title: T", f'title: "{title}"').format(extra="")},
                            "content/articles/a.md")
    assert problem.startswith("content/articles/a.md:2: error[schema-type]: title: must fit on one line, found 'xxx")
    assert len(problem) < 200


def test_one_line_texts_have_a_length_limit(portal) -> None:
    profile = "---\nname: Bob\ngithub: bob\npronouns: " + "a" * 1001 + "\n---\nBio.\n"
    assert problems_of(portal, {"content/contributors/bob.md": profile}, "content/contributors/bob.md") == [
        "content/contributors/bob.md:4: error[schema-type]: pronouns: is 1,001 characters long, over the limit of 1,000; "
        "shorten it, found '" + "a" * 78 + "…"]


@pytest.mark.parametrize(("config", "expected"), [
    ("  language: zz\n", "site_config.yaml:6: error[config-type]: site.language: unknown language code 'zz'; did you mean "
     "'lzz'?"),
    ('  branch: "main\\n"\n', "site_config.yaml:6: error[config-type]: site.branch: 'main\\n' is not a branch name: letters, "
     "digits, '.', '_', '-' and '/'"),
    ("theme:\n  options:\n    accent: \"#8a2c1f\\n\"\n", "site_config.yaml:8: error[config-type]: theme.options.accent: "
     "expected a colour written #rrggbb (like #9b2c1f), found '#8a2c1f\\n'"),
    ('  description: "A\\0 portal"\n', "site_config.yaml:3: error[control-character]: site.description: control character "
     "U+0000 (null) in the text (delete it: it is usually an escape such as \\0, \\r or \\e between double quotes; only tabs "
     "and line breaks are allowed)"),
])
def test_the_config_refuses_the_same_values(tmp_path: Path, config: str, expected: str) -> None:
    from conftest import MINIMAL_CONFIG, write_portal

    from agorapress.site import ConfigInvalid

    if "description" in config:
        text = MINIMAL_CONFIG.replace("  description: A tiny portal.\n", config)
    else:
        text = MINIMAL_CONFIG + config
    root = write_portal(tmp_path / "p", {}, config=text)
    with pytest.raises(ConfigInvalid) as caught:
        load_portal(root, now=DEMO_NOW, use_cache=False)
    assert expected in [p.as_text() for p in caught.value.problems]
