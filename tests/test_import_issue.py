"""`agora import-issue`: a "send a text" issue (a recorded payload) becomes a valid item credited to its author."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, copy_demo

from agorapress.cli import main
from agorapress.committee.issue_form import FORM, KIND_FOLDERS, parse_body
from agorapress.site import load_portal

FIXTURE = Path(__file__).parent / "fixtures" / "issue-send-a-text.json"
NOW = "2026-11-22T12:00:00+01:00"


def payload() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def with_answers(**answers: str) -> dict:
    """The recorded payload with some answers of the form replaced (a label -> its new answer)."""
    data = copy.deepcopy(payload())
    body = data["issue"]["body"]
    for label, value in answers.items():
        label = label.replace("_", " ")
        start = body.index(f"### {label}\n\n") + len(f"### {label}\n\n")
        end = body.find("\n\n### ", start)
        body = body[:start] + value + (body[end:] if end != -1 else "")
    data["issue"]["body"] = body
    return data


def agora(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), "import-issue", *args], catch_exceptions=False)


def write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_recorded_issue_becomes_a_valid_article_and_profile(portal) -> None:
    root = portal()
    result = agora(root, str(FIXTURE))
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.splitlines() == ["content/contributors/ines-karim.md",
                                          "content/articles/reparer-une-bouilloire-en-vingt-minutes.md"]
    assert "Co-authored-by: Inès Karim <7700123+Ines-Karim@users.noreply.github.com>" in result.stderr
    assert "(from issue #57)" in result.stderr
    loaded = load_portal(root)
    assert [p.as_text() for p in loaded.problems] == []
    item = loaded.graph.by_path["articles/reparer-une-bouilloire-en-vingt-minutes.md"]
    meta = item.meta
    assert (meta.title, meta.authors, meta.tags) == ("Réparer une bouilloire en vingt minutes", ["ines-karim"],
                                                     ["réparation", "électroménager", "café réparation"])
    assert str(meta.date) == "2026-11-21"  # the day the issue was opened
    assert meta.summary.startswith("Ce que j'ai appris")
    # The submitter's own "###" headings stay in the text: only the form's labels start a field.
    assert item.questions == [] and "Ce que nous avons trouvé" in item.html and "<ol>" in item.html
    profile = loaded.graph.contributors["ines-karim"].meta
    assert (profile.name, profile.github) == ("Inès Karim", "Ines-Karim")


def test_a_member_with_a_profile_is_credited_by_their_handle(portal, tmp_path) -> None:
    root = portal({"content/contributors/ines.md": "---\nname: Inès K.\ngithub: ines-karim\n---\nBio.\n"})
    result = agora(root, str(FIXTURE))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["content/articles/reparer-une-bouilloire-en-vingt-minutes.md"]
    # The same title again: a new file beside it, never a replaced one.
    again = agora(root, str(FIXTURE))
    assert again.stdout.splitlines() == ["content/articles/reparer-une-bouilloire-en-vingt-minutes-2.md"]
    meta = load_portal(root).graph.by_path["articles/reparer-une-bouilloire-en-vingt-minutes-2.md"].meta
    assert meta.authors == ["ines"]


def test_an_event_and_an_online_event(portal, tmp_path) -> None:
    root = portal()
    data = with_answers(Kind="event", Title="Café réparation de décembre", Event_start="12/12/2026 14h30",
                        Event_location="Maison des associations\n3 rue des Tanneurs, Lyon")
    assert agora(root, write(tmp_path, data), "--date", "2026-11-22").exit_code == 0
    data = with_answers(Kind="event", Title="Atelier en ligne", Event_start="2027-01-09", Event_location="https://visio.example.org/atelier")
    assert agora(root, write(tmp_path, data), "--date", "2026-11-22").exit_code == 0
    loaded = load_portal(root)
    assert [p.as_text() for p in loaded.problems] == []
    cafe = loaded.graph.by_path["events/cafe-reparation-de-decembre.md"].meta
    assert cafe.start.isoformat() == "2026-12-12T14:30:00" and cafe.organizers == ["ines-karim"]
    assert cafe.location.name == "Maison des associations, 3 rue des Tanneurs, Lyon"
    online = loaded.graph.by_path["events/atelier-en-ligne.md"].meta
    assert online.all_day and online.location.online == "https://visio.example.org/atelier"


def test_a_wrongly_filled_form_lists_every_problem_and_writes_nothing(portal, tmp_path) -> None:
    root = portal()
    data = with_answers(Kind="event", Title="_No response_", Tags="vélo, c++", Event_start="samedi prochain",
                        Publication="- [ ] I wrote this text (or have the right to publish it) and I accept the code of conduct.")
    result = agora(root, write(tmp_path, data))
    assert result.exit_code == 1
    # Sorted as every problem list is (by field here): the submitter fixes them all in one edit.
    assert result.stdout.splitlines() == [
        "issue.json: error[issue-form]: Event location: an event needs a place or an online address "
        "(write the place and its address, or the https:// address of the online room)",
        "issue.json: error[issue-form]: Event start: 'samedi prochain' is not a date and time "
        "(write e.g. 2026-03-14 19:00 (or 14/03/2026 19:00))",
        "issue.json: error[issue-form]: Publication: the box saying you wrote the text and accept the code of conduct is not "
        "ticked (tick it (edit the issue), or the text cannot be published)",
        "issue.json: error[issue-form]: Tags: 'c++' is not a tag (tags are words without punctuation, separated by commas, "
        "e.g. repair, bicycles)",
        "issue.json: error[issue-form]: Title: is empty (fill in 'Title' and save the issue)",
    ]
    assert sorted(p.name for p in (root / "content").rglob("*.md")) == ["ana.md"]


@pytest.mark.parametrize(("data", "message"), [
    ({"hello": "world"}, "this is not a GitHub issue"),
    (with_answers(Kind="poem"), "Kind: 'poem' is not something the portal publishes (choose one of: article, interview, event)"),
    (with_answers(Kind="interview"), "Interviewee: an interview needs the name of the person interviewed"),
])
def test_other_mistakes(portal, tmp_path, data, message) -> None:
    result = agora(portal(), write(tmp_path, data))
    assert result.exit_code == 1 and message in result.stdout


def test_not_json_is_a_usage_error(portal, tmp_path) -> None:
    (tmp_path / "issue.json").write_text("{oops", encoding="utf-8")
    assert agora(portal(), str(tmp_path / "issue.json")).exit_code == 2


def test_output_dir(portal, tmp_path) -> None:
    root = portal()
    out = tmp_path / "elsewhere"
    result = agora(root, str(FIXTURE), "--output-dir", str(out))
    assert result.exit_code == 0
    assert (out / "content/articles/reparer-une-bouilloire-en-vingt-minutes.md").is_file()
    assert not (root / "content/articles").exists()


def test_the_parser_reads_every_field_of_the_shipped_form() -> None:
    form = yaml.safe_load((REPO / ".github" / "ISSUE_TEMPLATE" / "send-a-text.yml").read_text(encoding="utf-8"))
    fields = [f for f in form["body"] if f["type"] != "markdown"]
    known = {f.label for f in FORM}
    assert [f["attributes"]["label"] for f in fields if f["attributes"]["label"] not in known] == []
    kinds = next(f for f in fields if f["id"] == "kind")["attributes"]["options"]
    assert set(kinds) <= set(KIND_FOLDERS)
    body = "### Kind\n\narticle\n\n### Text\n\n### Kind\n\nnot a field\n"
    assert parse_body(body) == {"kind": "article", "text": "### Kind\n\nnot a field"}


def test_the_demo_takes_the_recorded_issue(tmp_path) -> None:
    if not (REPO / "content" / "contributors").is_dir():
        pytest.skip("the demo content is not there yet")
    root = copy_demo(tmp_path / "demo")
    result = agora(root, str(FIXTURE))
    assert result.exit_code == 0, result.stdout + result.stderr
    written = set(result.stdout.splitlines())
    assert [p.as_text() for p in load_portal(root).problems if p.path in written] == []
    # The form said 'réparation'; the portal writes it 'reparation': the text joins that topic, not a second one.
    item = next(root / path for path in written if "/contributors/" not in path)
    assert "tags: [reparation" in item.read_text(encoding="utf-8").replace('"', "")
