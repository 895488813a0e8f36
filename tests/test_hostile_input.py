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
    ('lang: "en\\n"\n', "content/articles/a.md:5: error[schema-type]: lang: 'en\\n' is not a language code such as 'fr', "
     "'en' or 'pt-BR'; did you mean 'en'?"),
    ('translation_of: "x\\n"\n', "content/articles/a.md:5: error[schema-type]: translation_of: a slug is lowercase ASCII "
     "letters, digits and hyphens, at most 100 characters, found 'x\\n'"),
    # Languages Babel does not know stopped the build when a date was formatted.
    ("lang: zz\n", "content/articles/a.md:5: error[schema-type]: lang: unknown language code 'zz'; did you mean 'lzz'?"),
    ("lang: French\n", "content/articles/a.md:5: error[schema-type]: lang: 'French' is not a language code such as 'fr', "
     "'en' or 'pt-BR'; did you mean 'fr'?"),
    ("lang: en_US\n", "content/articles/a.md:5: error[schema-type]: lang: 'en_US' is not a language code such as 'fr', "
     "'en' or 'pt-BR'; write 'en-US'"),
    ("lang: fr-ZZ\n", "content/articles/a.md:5: error[schema-type]: lang: unknown language code 'fr-ZZ'; write 'fr'"),
    ("lang: iw\n", "content/articles/a.md:5: error[schema-type]: lang: unknown language code 'iw'; did you mean 'he'?"),
    ("slug: " + "a" * 101 + "\n", "content/articles/a.md:5: error[schema-type]: slug: a slug is lowercase ASCII letters, "
     "digits and hyphens, at most 100 characters, found '" + "a" * 78 + "…"),
    ("updated: 0001-01-01\n", "content/articles/a.md:5: error[schema-type]: updated: the year 1 is out of range: write a "
     "year between 1900 and 2200, found '0001-01-01'"),
])
def test_values_the_build_cannot_use_are_refused(portal, extra: str, expected: str) -> None:
    assert problems_of(portal, {"content/articles/a.md": ARTICLE.format(extra=extra)}, "content/articles/a.md") == [expected]


def test_a_title_of_html_tags_alone_is_refused(portal) -> None:
    """Feeds carry titles as plain text, without tags: '<br>' left an Atom entry with no title, and the build stopped."""
    text = ARTICLE.replace("title: T", "title: '<br>'").format(extra="")
    assert problems_of(portal, {"content/articles/a.md": text}, "content/articles/a.md") == [
        "content/articles/a.md:2: error[schema-type]: title: '<br>' has no text outside HTML tags (feeds show titles as "
        "plain text): write it in words"]
    kept = ARTICLE.replace("title: T", "title: 'Vec<T> and <br> a <-> b'").format(extra="")  # words, and text like tags
    assert problems_of(portal, {"content/articles/b.md": kept}, "content/articles/b.md") == []


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
    ("moderation:\n  max_tags: 1001\n", "site_config.yaml:7: error[config-type]: moderation.max_tags: expected at most 1000, "
     "found 1001"),
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


# -- limits a real portal never meets, each named with the key that raises it ------------------------------------

@pytest.mark.parametrize(("extra", "expected"), [
    ("tags: [" + ", ".join(f"t{n}" for n in range(31)) + "]\n",
     "content/articles/a.md:5: error[limit]: tags: 31 tags, over the limit of 30 (keep the 30 that matter most, or ask the "
     "committee to raise moderation.max_tags)"),
    ("summary: " + "s" * 501 + "\n",
     "content/articles/a.md:5: error[limit]: summary: 501 characters, over the limit of 500 (shorten it, or ask the "
     "committee to raise moderation.max_summary_chars)"),
])
def test_lists_and_texts_over_their_limit(portal, extra: str, expected: str) -> None:
    assert problems_of(portal, {"content/articles/a.md": ARTICLE.format(extra=extra)}, "content/articles/a.md") == [expected]


def test_a_list_of_more_than_a_thousand_values_is_refused_before_its_values_are_read(portal) -> None:
    extra = "tags: [" + ", ".join(["x"] * 100_000) + "]\n"
    assert problems_of(portal, {"content/articles/a.md": ARTICLE.format(extra=extra)}, "content/articles/a.md") == [
        "content/articles/a.md:5: error[schema-type]: tags: 100,000 values, more than 1,000: no list of a portal needs so "
        "many"]


def test_titles_and_authors_over_their_limit(portal) -> None:
    text = ARTICLE.replace("title: T", "title: " + "t" * 301).replace("[ana]", "[" + ", ".join(["ana"] * 21) + "]")
    assert problems_of(portal, {"content/articles/a.md": text.format(extra="")}, "content/articles/a.md") == [
        "content/articles/a.md:2: error[limit]: title: 301 characters, over the limit of 300 (shorten it, or ask the "
        "committee to raise moderation.max_title_chars)",
        "content/articles/a.md:4: error[limit]: authors: 21 authors, over the limit of 20 (keep the 20 that matter most, or "
        "ask the committee to raise moderation.max_authors)"]


def test_links_of_a_profile_over_their_limit(portal) -> None:
    links = "".join(f"  - {{label: L{n}, url: 'https://example.org/{n}'}}\n" for n in range(21))
    profile = f"---\nname: Bob\ngithub: bob\nlinks:\n{links}---\nBio.\n"
    assert problems_of(portal, {"content/contributors/bob.md": profile}, "content/contributors/bob.md") == [
        "content/contributors/bob.md:4: error[limit]: links: 21 links, over the limit of 20 (keep the 20 that matter most, "
        "or ask the committee to raise moderation.max_links)"]


def test_the_config_raises_a_limit(portal) -> None:
    from conftest import MINIMAL_CONFIG

    extra = "tags: [" + ", ".join(f"t{n}" for n in range(31)) + "]\n"
    config = MINIMAL_CONFIG + "moderation:\n  max_tags: 40\n"
    assert problems_of(portal, {"content/articles/a.md": ARTICLE.format(extra=extra)}, "content/articles/a.md",
                       config=config) == []


def test_the_board_has_limits_too(portal) -> None:
    from conftest import MINIMAL_CONFIG

    topics = "".join(f"  - id: t{n}\n    title: Topic {n}\n    section: articles\n    proposed_by: ana\n" for n in range(3))
    long_title = "  - id: long\n    title: " + "x" * 301 + "\n    section: articles\n    proposed_by: ana\n"
    config = MINIMAL_CONFIG + "moderation:\n  max_board_topics: 3\n"
    assert problems_of(portal, {"content/board.yaml": "topics:\n" + topics + long_title}, "content/board.yaml",
                       config=config) == [
        "content/board.yaml:1: error[limit]: topics: 4 topics, over the limit of 3 (remove the published and dropped topics "
        "(the items stay), or ask the committee to raise moderation.max_board_topics)",
        "content/board.yaml:15: error[limit]: topics[3].title: 301 characters, over the limit of 300 (shorten it, or ask "
        "the committee to raise moderation.max_title_chars)"]


def test_a_board_over_the_file_limit_is_not_read(portal) -> None:
    from conftest import MINIMAL_CONFIG

    board = "topics:\n" + "# padding\n" * 200
    assert problems_of(portal, {"content/board.yaml": board}, "content/board.yaml",
                       config=MINIMAL_CONFIG + "moderation:\n  max_file_kb: 1\n") == [
        "content/board.yaml: error[file-too-large]: 2 KiB is over the limit of 1 KiB (move the published and dropped "
        "topics out, or raise moderation.max_file_kb)"]


# -- files as old editors save them ------------------------------------------------------------------------------

def test_old_mac_line_ends_are_lines(portal) -> None:
    """CR alone ends a line (Mac OS 9): a problem on its line, not a control-character error per line."""
    from conftest import MINIMAL_CONFIG

    config = MINIMAL_CONFIG + "moderation:\n  refused_terms: [bad word]\n"
    files = {"content/articles/a.md": b"---\rtitle: T\rdate: 2026-01-01\rauthors: [ana]\r---\rA bad word.\r",
             "content/articles/b.md": b"---\rtitle: T\rdate: 2026-01-01\rauthors: [ana]\rsumary: x\r---\rBody.\r"}
    root = portal(files, config=config)
    assert [p.as_text() for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems] == [
        "content/articles/a.md:6: error[refused-term]: 'bad word' is a refused term on this portal (rephrase it; the list "
        "is moderation.refused_terms in site_config.yaml)",
        "content/articles/b.md:5: error[schema-unknown]: sumary: unknown field (did you mean 'summary'?)"]


# -- names a checkout on another system cannot hold --------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005"
                    "0001ff5ccc8a6f0000000049454e44ae426082")


def test_names_windows_reserves_are_refused(portal) -> None:
    root = portal({"content/media/aux.png": PNG, "content/media/Com1.tar.png": PNG, "content/media/photo.png.": PNG,
                   "content/contributors/nul.md": "---\nname: Nul\ngithub: nul\n---\nBio.\n"})
    problems = [p.as_text() for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems if p.rule == "file-name"]
    assert problems == [
        "content/contributors/nul.md: error[file-name]: the file name 'nul.md' is a device name on Windows (NUL): a "
        "Windows checkout cannot hold it (rename it, e.g. my-text.md)",
        "content/media/Com1.tar.png: error[file-name]: the file name 'Com1.tar.png' is a device name on Windows (COM1): a "
        "Windows checkout cannot hold it (rename it, e.g. my-text.md)",
        "content/media/aux.png: error[file-name]: the file name 'aux.png' is a device name on Windows (AUX): a Windows "
        "checkout cannot hold it (rename it, e.g. my-text.md)",
        "content/media/photo.png.: error[file-name]: the file name 'photo.png.' ends with a dot: a Windows checkout "
        "cannot hold it (rename it, e.g. my-text.md)"]


def test_names_that_differ_only_by_case_are_refused(portal) -> None:
    root = portal({"content/media/Photo.png": PNG, "content/media/photo.png": PNG,
                   "content/media/Trip/a.png": PNG, "content/media/Trip/b.png": PNG, "content/media/trip/c.png": PNG})
    problems = [p.as_text() for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems if p.rule == "file-name"]
    assert problems == [
        "content/media/Photo.png: error[file-name]: the file 'media/Photo.png' differs from 'media/photo.png' only by case: "
        "they are one file on macOS and Windows, and one address on the site (rename one of them, or merge them: names "
        "are best in lowercase)",
        "content/media/Trip/a.png: error[file-name]: the folder 'media/Trip' differs from 'media/trip' only by case: they "
        "are one folder on macOS and Windows, and one address on the site (rename one of them, or merge them: names are "
        "best in lowercase)",
        "content/media/photo.png: error[file-name]: the file 'media/photo.png' differs from 'media/Photo.png' only by case: "
        "they are one file on macOS and Windows, and one address on the site (rename one of them, or merge them: names "
        "are best in lowercase)",
        "content/media/trip/c.png: error[file-name]: the folder 'media/trip' differs from 'media/Trip' only by case: they "
        "are one folder on macOS and Windows, and one address on the site (rename one of them, or merge them: names are "
        "best in lowercase)"]


# -- one run reports everything ------------------------------------------------------------------------------------

BROKEN_BODY = """\
Read [the missing page](nowhere.md) and [this](javascript:alert(1)).

![](../media/none.png)

A bad word, and <b>bold</b> in HTML, and \u202eevil\u202c text.
"""


@pytest.mark.parametrize("front", [
    "title: T\ndate: 2026-01-01\nauthors: [ana]\nsumary: typo\n",  # a schema error
    "title: T\ndate: 2026-01-01\nauthors: [ana]\nsummary: a: b\n",  # a YAML error
])
def test_the_body_is_checked_when_the_front_matter_is_not(portal, front: str) -> None:
    from conftest import MINIMAL_CONFIG

    config = MINIMAL_CONFIG + "moderation:\n  html: none\n  refused_terms: [bad word]\n"
    text = f"---\n{front}---\n{BROKEN_BODY}"
    problems = problems_of(portal, {"content/articles/a.md": text}, "content/articles/a.md", config=config)
    assert [line.split(": ", 2)[1] for line in problems] == [
        "error[schema-unknown]" if "sumary" in front else "error[yaml-syntax]",
        "error[broken-link]", "error[unsafe-url]", "error[broken-link]", "error[image-alt-missing]",
        "warning[invisible-character]", "warning[raw-html]", "error[refused-term]"]
    assert [int(line.split(":")[1]) for line in problems] == [5, 7, 7, 9, 9, 11, 11, 11]


def test_a_file_without_front_matter_has_its_body_checked(portal) -> None:
    problems = problems_of(portal, {"content/articles/a.md": "# Notes\n\n![](photo.png)\n"}, "content/articles/a.md")
    assert problems == [
        "content/articles/a.md:1: error[front-matter]: the file must start with a '---' line opening the front matter (put "
        "the fields between two '---' lines at the top; see 'agora new')",
        "content/articles/a.md:3: error[broken-link]: image to 'articles/photo.png': no such file (check the path, relative "
        "to this file)",
        "content/articles/a.md:3: error[image-alt-missing]: an image has no alt text (describe it between the brackets: "
        "![a red bicycle by the canal](../media/bike.jpg))"]


def test_files_that_load_are_not_read_twice(portal) -> None:
    """The bodies of files whose front matter loaded are checked once, by the item rules."""
    root = portal({"content/articles/a.md": ARTICLE.format(extra="").replace("Body.", "![](x.png)")})
    problems = [p.rule for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems]
    assert sorted(problems) == ["broken-link", "image-alt-missing"]


def test_a_line_of_control_characters_is_one_problem(portal) -> None:
    text = ARTICLE.format(extra="").replace("Body.", "a\x01\x02" + "\x1b" * 1000)
    assert problems_of(portal, {"content/articles/a.md": text}, "content/articles/a.md") == [
        "content/articles/a.md:6: error[control-character]: control character U+0001 at column 2 (and 1,001 more on this "
        "line) (delete it)"]


def test_lines_in_a_message_are_counted_past_ten(portal) -> None:
    from conftest import MINIMAL_CONFIG

    text = ARTICLE.format(extra="").replace("Body.", "\u202ex\n" * 12 + "forbidden\n" * 12)
    problems = problems_of(portal, {"content/articles/a.md": text}, "content/articles/a.md",
                           config=MINIMAL_CONFIG + "moderation:\n  refused_terms: [forbidden]\n")
    assert problems == [
        "content/articles/a.md:6: warning[invisible-character]: the text contains U+202E RIGHT-TO-LEFT OVERRIDE (lines 6, 7, "
        "8, 9, 10, 11, 12, 13, 14, 15 and 2 more) (bidi controls can make a line read differently from what it says; remove "
        "them unless needed)",
        "content/articles/a.md:18: error[refused-term]: 'forbidden' is a refused term on this portal (lines 18, 19, 20, 21, "
        "22, 23, 24, 25, 26, 27 and 2 more) (rephrase it; the list is moderation.refused_terms in site_config.yaml)"]


def test_the_problems_of_a_schema_are_counted_past_a_hundred(portal) -> None:
    fields = "".join(f"f{n}: 1\n" for n in range(150))
    problems = problems_of(portal, {"content/articles/a.md": ARTICLE.format(extra=fields)}, "content/articles/a.md")
    assert len(problems) == 101
    assert problems[-1] == (
        "content/articles/a.md:105: error[schema-unknown]: f100: unknown field (and 49 more problems after this one, not "
        "listed) (known fields: aliases, authors, conflicts, corrections, date, id, image, image_alt, lang, slug, status, "
        "summary, tags, title, translation_of, updated, withdrawn_reason)")


def test_a_language_with_its_region_builds(portal, tmp_path) -> None:
    from datetime import datetime

    from agorapress.build.pipeline import build

    config = ("site:\n  title: Mini\n  description: A tiny portal.\n  url: https://example.org/mini/\n"
              "  language: pt-BR\n")
    root = portal({"content/articles/a.md": ARTICLE.format(extra="lang: fr-CA\n")}, config=config)
    out = build(root, now=datetime.fromisoformat("2026-06-01T12:00:00+02:00")).output
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'lang="pt-BR"' in home
    page = (out / "articles/a/index.html").read_text(encoding="utf-8")
    assert 'lang="fr-CA"' in page


def test_a_file_of_more_lines_than_the_reader_can_take_is_refused(portal) -> None:
    from agorapress.content.loader import MAX_LINES

    body = "#\n" * MAX_LINES  # one block per line: the Markdown reader's dearest case
    assert problems_of(portal, {"content/articles/a.md": ARTICLE.format(extra="") + body}, "content/articles/a.md") == [
        f"content/articles/a.md:{MAX_LINES + 1}: error[limit]: {MAX_LINES + 7:,} lines is over the limit of {MAX_LINES:,} "
        "lines (split the text into several items or pages)"]
