"""French from end to end: a portal made with `agora init --language fr` speaks French in every file a contributor
meets, `agora new` writes French, and `agora check` tells its problems and hints in French (messages.py)."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from agorapress.cli import main
from agorapress.committee.issue_form import FORM, parse_body
from agorapress.messages import check_catalogues, known, translate

REPO = Path(__file__).resolve().parent.parent
INVALID = REPO / "tests" / "sites" / "invalid"
#: Words an English sentence can hardly do without, and no French one uses.
ENGLISH = re.compile(r"\b(the|and|your|you|with|this|is|are|for|to|of|what|when|will)\b", re.IGNORECASE)
#: What a French text quotes as it is: code, GitHub's own (English) menus in italics, quoted examples.
QUOTED = re.compile(r"```.*?```|`[^`\n]*`|\*[^*\n]+\*|«[^»]*»|\"[^\"\n]*\"|<[^>\n]*>|\([^)\n]*\.whl\)", re.DOTALL)


def agora(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def french(tmp_path) -> Path:
    root = tmp_path / "mon portail"
    result = agora("init", str(root), "--owner", "ana-l", "--language", "fr", "--title", "Vélo Commun",
                   "--no-interactive")
    assert result.exit_code == 0, result.output
    return root


def _english_in(text: str) -> list[str]:
    prose = QUOTED.sub(" ", text)
    return sorted({match.group(0).lower() for match in ENGLISH.finditer(prose)})


def contributor_files(root: Path) -> list[Path]:
    """Every file a contributor reads or edits: the README, the templates and forms, the content, the board and
    the configuration's comments."""
    files = [root / "README.md", root / "site_config.yaml", root / "pyproject.toml",
             root / ".github" / "PULL_REQUEST_TEMPLATE.md", *sorted((root / ".github" / "ISSUE_TEMPLATE").glob("*.yml")),
             *sorted((root / "content").rglob("*.md")), root / "content" / "board.yaml"]
    assert len(files) > 12
    return files


def test_every_file_a_contributor_meets_is_french(french):
    for path in contributor_files(french):
        assert path.is_file(), path
        text = path.read_text(encoding="utf-8")
        assert _english_in(text) == [], f"{path.relative_to(french)} has English: {_english_in(text)}"
        prose = QUOTED.sub(" ", text)
        if len(re.findall(r"[a-zà-ÿ]{4,} [a-zà-ÿ]{4,} [a-zà-ÿ]{4,}", prose)) > 3:  # a file with sentences in it
            assert re.search(r"\b(le|la|les|des|un|une|du|votre|vous)\b", prose, re.IGNORECASE), path


def test_the_english_scaffold_would_fail_that_test(tmp_path):
    # The detector is real: the same files in English are caught.
    root = tmp_path / "p"
    assert agora("init", str(root), "--owner", "ana-l", "--no-interactive").exit_code == 0
    caught = [path for path in contributor_files(root) if _english_in(path.read_text(encoding="utf-8"))]
    assert len(caught) >= 8


def test_agora_new_writes_french(french):
    result = agora("--root", str(french), "new", "article", "Réparer son vélo")
    assert result.exit_code == 0, result.output
    article = french / "content" / "articles" / "reparer-son-velo.md"
    assert _english_in(article.read_text(encoding="utf-8")) == []


def test_the_french_send_a_text_form_is_what_import_issue_reads(french):
    import yaml

    form = yaml.safe_load((french / ".github" / "ISSUE_TEMPLATE" / "send-a-text.yml").read_text(encoding="utf-8"))
    fields = [f for f in form["body"] if f["type"] != "markdown"]
    assert [f["attributes"]["label"] for f in fields] == [f.label_fr for f in FORM]
    body = "\n\n".join(f"### {f.label_fr}\n\n{answer}" for f, answer in zip(FORM, [
        "entretien", "Rencontre avec Jeanne", "_No response_", "vélos", "## Pourquoi ?\n\nParce que.", "_No response_",
        "_No response_", "Jeanne Martin", "Ana", "- [X] J'ai écrit ce texte"], strict=True))
    answers = parse_body(body)
    assert answers["kind"] == "interview" and answers["interviewee"] == "Jeanne Martin"
    assert answers["text"] == "## Pourquoi ?\n\nParce que."


def test_check_speaks_french_messages_and_hints(french):
    (french / "content/events/salle.md").write_text(
        '---\ntitle: "Rencontre"\ndate: 2026-01-02\nauthors: [ana-l]\nstart: "2026-02-01T19:00"\n'
        'location: "Salle"\n---\nTexte.\n', encoding="utf-8")
    (french / "content/articles/ghost.md").write_text(
        '---\ntitle: "Fantôme"\ndate: 2026-01-02\nauthors: [ana-l, anna]\n---\nTexte.\n', encoding="utf-8")
    (french / "content/articles/tab.md").write_text('---\ntitle: "Onglet"\ndate: 2026-01-02\nauthors: [ana-l]\ntags:\n'
                                                    '\t- velo\n---\nTexte.\n', encoding="utf-8")
    result = agora("--root", str(french), "check")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("content/")]
    assert "content/events/salle.md:6: erreur[schema-type]: location: des champs sont attendus sous 'location:', chacun " \
           "sur sa ligne et en retrait (name, address, geo, online), trouvé 'Salle'" in result.output
    assert "content/articles/ghost.md:4: erreur[unknown-contributor]: authors[1]: 'anna' n'a pas de profil " \
           "(vouliez-vous dire 'ana-l' ?)" in result.output
    assert "content/articles/tab.md:6: erreur[yaml-syntax]: une tabulation (colonne 1)" in result.output
    for line in lines:
        message = line.split("]: ", 1)[1]
        assert _english_in(message.replace("'Lieu à préciser'", "")) == [], line
    assert "3 erreur(s)" in result.output
    # The annotations GitHub reads keep their keywords; their text is French.
    github = agora("--root", str(french), "check", "--format", "github").output
    assert "::error file=content/events/salle.md,line=6,title=schema-type::location: des champs sont attendus" in github


@pytest.mark.parametrize("case", sorted(p.name for p in INVALID.iterdir()))
def test_every_message_of_the_invalid_sites_is_in_the_french_catalogue(case, tmp_path):
    # These sites name no language: the command line speaks English to them (the source), and every one of their
    # messages has its French in the catalogue.
    root = shutil.copytree(INVALID / case, tmp_path / case)
    problems = json.loads(agora("--root", str(root), "check", "--format", "json").output or "[]")
    assert problems
    for problem in problems:
        assert known(problem["message"], "fr"), problem["message"]
        if problem["hint"]:
            assert known(problem["hint"], "fr"), problem["hint"]


def test_a_broken_configuration_is_told_in_its_language(portal):
    root = portal(config="site:\n  title: Mini\n  language: fr\n  descripion: x\n  url: https://example.org/\n"
                         "  repository: https://github.com/example/mini\n")
    result = agora("--root", str(root), "check")
    assert result.exit_code in (1, 2)
    assert "champ inconnu (vouliez-vous dire 'description' ?)" in result.output


def test_translations_check_covers_the_command_lines_catalogue():
    assert check_catalogues() == []
    result = agora("translations", "--check")
    assert result.exit_code == 0, result.output


def test_a_message_the_catalogue_does_not_know_stays_english_and_values_stay_as_written():
    assert translate("a sentence nobody wrote", "fr") == "a sentence nobody wrote"
    assert translate("'link' has no profile", "fr") == "'link' n'a pas de profil"
    assert translate("no problems found", "en") == "no problems found"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n'"), max_size=60))
def test_values_are_kept_as_written_whatever_they_hold(value):
    assert translate(f"'{value}' has no profile", "fr") == f"'{value}' n'a pas de profil"
    assert translate(f"still holds the example text '{value}'", "fr") == f"contient encore le texte d'exemple '{value}'"


@pytest.mark.parametrize("hostile", [" to '" * 2000, "'" * 5000, "{}" * 3000, " is also the URL of " * 500,
                                     "x, found " * 1000])
def test_a_hostile_message_costs_no_more_than_a_short_one(hostile):
    started = time.perf_counter()
    for _ in range(20):
        translate(f"{hostile} to '{hostile}': no such file", "fr")
        translate(hostile, "fr")
    assert time.perf_counter() - started < 1.0


def test_the_moderation_report_tells_the_problems_in_french(french, tmp_path):
    (french / "content/articles/ghost.md").write_text(
        '---\ntitle: "Fantôme"\ndate: 2026-01-02\nauthors: [ana-l, anna]\n---\nTexte.\n', encoding="utf-8")
    report = tmp_path / "report.md"
    agora("--root", str(french), "check", "--report", str(report))
    text = report.read_text(encoding="utf-8")
    assert "'anna' n'a pas de profil" in text and "has no profile" not in text
