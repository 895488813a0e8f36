"""The pull-request gate sees a renamed, moved or re-slugged item (git --find-renames) and asks for its old address
and feed id; with both kept, the renamed item builds with a redirect at the old address."""

from __future__ import annotations

from pathlib import Path

from test_pr_checks import item, messages, pull_request, write

from agorapress.revisions import renames

BODY = "A long enough body, so that git sees the same file under another name.\n" * 5


def _rename(old: str, new: str, extra: str = "", body: str = BODY):
    def change(repo: Path) -> None:
        (repo / old).unlink()
        write(repo, new, item("Bob's text", "bob", body, extra))
    return change


def test_a_rename_without_alias_and_id_is_asked_for_both(tmp_path: Path) -> None:
    base = {"content/articles/bobs-text.md": item("Bob's text", "bob", BODY)}
    repo = pull_request(tmp_path, _rename("content/articles/bobs-text.md", "content/articles/bike.md"), base)
    assert renames(repo, "main", "content/") == [("content/articles/bobs-text.md", "content/articles/bike.md")]
    found = messages(repo, "bob-m", "moved-address")
    assert found == [
        ("content/articles/bike.md", "error", "the item was published at /articles/bobs-text/ (as "
         "content/articles/bobs-text.md): that address would break"),
        ("content/articles/bike.md", "error", "the item was content/articles/bobs-text.md: its feed id would change "
         "and feed readers would show it again"),
    ]


def test_a_rename_that_keeps_alias_and_id_passes(tmp_path: Path) -> None:
    base = {"content/articles/bobs-text.md": item("Bob's text", "bob", BODY)}
    extra = "aliases: [/articles/bobs-text/]\nid: articles/bobs-text.md\n"
    repo = pull_request(tmp_path, _rename("content/articles/bobs-text.md", "content/articles/bike.md", extra), base)
    assert messages(repo, "bob-m", "moved-address") == []


def test_a_new_slug_in_place_asks_for_the_alias_only(tmp_path: Path) -> None:
    base = {"content/articles/bobs-text.md": item("Bob's text", "bob", BODY)}

    def change(repo: Path) -> None:
        write(repo, "content/articles/bobs-text.md", item("Bob's text", "bob", BODY, "slug: bikes\n"))

    found = messages(pull_request(tmp_path, change, base), "bob-m", "moved-address")
    assert [m[2] for m in found] == ["the item was published at /articles/bobs-text/ (as content/articles/bobs-text.md): "
                                     "that address would break"]


def test_a_moved_draft_needs_nothing(tmp_path: Path) -> None:
    base = {"content/articles/bobs-text.md": item("Bob's text", "bob", BODY, "status: draft\n")}
    repo = pull_request(tmp_path, _rename("content/articles/bobs-text.md", "content/articles/bike.md",
                                          "status: draft\n"), base)
    assert messages(repo, "bob-m", "moved-address") == []
