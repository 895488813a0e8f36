"""Pure partials: rendered once per distinct set of the values they read, with the same bytes as without."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2

from agorapress.render import fragments

TEMPLATES = {
    "list.html": "{% for entry in entries %}{% include 'card.html' %}{% endfor %}",
    "card.html": "<a href='{{ SITEURL }}/{{ entry.url }}'>{{ entry.title|counted }}</a>{% include 'by.html' %}",
    "by.html": "<i>{{ entry.by }}{{ suffix }}</i>",
    "dynamic.html": "{% include entry.partial %}",
}


def environment(memo: bool, calls: list[str]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    env.filters["counted"] = lambda value: calls.append(value) or value
    if memo:
        fragments.install(env)
    return env


def test_a_pure_partial_renders_once_per_values_and_the_same_bytes(monkeypatch) -> None:
    monkeypatch.setattr(fragments, "PURE_PARTIALS", frozenset({"card.html", "dynamic.html"}))
    a = SimpleNamespace(url="a/", title="A <b>", by="ana", partial="by.html")
    b = SimpleNamespace(url="b/", title="B", by="bob", partial="by.html")
    pages = [dict(entries=[a, b], SITEURL="..", suffix="."), dict(entries=[b, a], SITEURL="..", suffix="."),
             dict(entries=[a], SITEURL="../..", suffix="."), dict(entries=[a], SITEURL="..", suffix="!")]
    plain_calls: list[str] = []
    memo_calls: list[str] = []
    plain, memo = environment(False, plain_calls), environment(True, memo_calls)
    for page in pages:
        assert memo.get_template("list.html").render(page) == plain.get_template("list.html").render(page)
    assert len(plain_calls) == 6
    # a and b once at '..', a again at '../..' (another depth) and with another suffix (read by the included by.html).
    assert memo_calls == ["A <b>", "B", "A <b>", "A <b>"]
    # An include by a computed name cannot be known in advance: never memoised, still right.
    assert memo.get_template("dynamic.html").render(entry=a) == "<i>ana</i>"
    assert fragments._free_variables(memo, "dynamic.html", set()) is None


def test_a_partial_that_does_not_name_the_page_content_is_kept_per_page_language(monkeypatch) -> None:
    from agorapress.render.view import page_language

    monkeypatch.setattr(fragments, "PURE_PARTIALS", frozenset({"header.html", "named.html"}))
    templates = {"page.html": "{% include 'header.html' %}|{% include 'named.html' %}",
                 "header.html": "<header lang='{{ language()|counted }}'>{{ SITEURL }}</header>",
                 "named.html": "{{ article.title|counted }}"}

    def env(memo: bool, calls: list[str]) -> jinja2.Environment:
        environment = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
        environment.filters["counted"] = lambda value: calls.append(value) or value
        environment.globals["language"] = jinja2.pass_context(lambda context: page_language(context, "fr"))
        if memo:
            fragments.install(environment)
        return environment

    articles = [SimpleNamespace(title="One", lang="en"), SimpleNamespace(title="Two", lang="en"),
                SimpleNamespace(title="Trois", lang=None), SimpleNamespace(title="Quatre", lang="fr")]
    plain_calls: list[str] = []
    memo_calls: list[str] = []
    plain, memo = env(False, plain_calls), env(True, memo_calls)
    for article in articles:
        page = dict(article=article, SITEURL="..")
        assert memo.get_template("page.html").render(page) == plain.get_template("page.html").render(page)
    # The header once per language the pages have (an item with no lang gets the portal's, "fr", once more:
    # the key is what the item says, never wrong, at worst one render too many); the partial that names
    # `article` once per article.
    assert memo_calls == ["en", "One", "Two", "fr", "Trois", "fr", "Quatre"]


def test_a_list_is_compared_by_its_elements(monkeypatch) -> None:
    # `agora serve` swaps an edited page into the same list: the footer that lists the pages must follow.
    monkeypatch.setattr(fragments, "PURE_PARTIALS", frozenset({"footer.html"}))
    templates = {"footer.html": "{% for p in pages %}{{ p.title|counted }};{% endfor %}"}
    calls: list[str] = []
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
    env.filters["counted"] = lambda value: calls.append(value) or value
    fragments.install(env)
    pages = [SimpleNamespace(title="About"), SimpleNamespace(title="Join")]
    assert env.get_template("footer.html").render(pages=pages) == "About;Join;"
    assert env.get_template("footer.html").render(pages=pages) == "About;Join;"
    pages[0] = SimpleNamespace(title="About us")
    assert env.get_template("footer.html").render(pages=pages) == "About us;Join;"
    assert calls == ["About", "Join", "About us", "Join"]


def test_a_dict_literal_of_plain_values_is_compared_by_value(monkeypatch) -> None:
    # The byline makes {"handle": ...} anew on every page: its avatars are still rendered once per member.
    monkeypatch.setattr(fragments, "PURE_PARTIALS", frozenset({"avatar.html"}))
    templates = {"byline.html": "{% for h in handles %}{% with person = {'handle': h} %}{% include 'avatar.html' %}"
                                "{% endwith %}{% endfor %}",
                 "avatar.html": "[{{ person.handle|counted }}]"}
    calls: list[str] = []
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
    env.filters["counted"] = lambda value: calls.append(value) or value
    fragments.install(env)
    for handles in (["ana", "bob"], ["bob"], ["ana", "chloe"]):
        assert env.get_template("byline.html").render(handles=handles) == "".join(f"[{h}]" for h in handles)
    assert calls == ["ana", "bob", "chloe"]
