"""`agora import` and the template code of the sources: Jekyll's Liquid and Hugo's built-in shortcodes converted where
they have one meaning, listed with their line where they have not, and never left as a marker; authors credited as
links; links inside inline code and HTML comments kept as written (they are no links); hostile bodies in linear
time."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agorapress.importers import kramdown, run_import
from agorapress.importers.html import to_markdown
from agorapress.importers.markup import rewrite_links, verbatim

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from import_site import new_portal  # noqa: E402

CONFIG = """url: https://club.example
baseurl: /blog
repository: https://github.com/club/site
social:
  mastodon: https://social.example/@club
collections:
  guides:
    output: true
    permalink: /:collection/:path/
  notes:
    output: false
"""


def jekyll_site(tmp_path: Path, posts: dict[str, str], config: str = CONFIG) -> Path:
    source = tmp_path / "site"
    (source / "_posts").mkdir(parents=True)
    (source / "_config.yml").write_text(config, encoding="utf-8")
    for name, text in posts.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return source


def body_of(portal: Path, rel: str) -> tuple[dict, str]:
    _, matter, body = (portal / "content" / rel).read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(matter), body


def test_liquid_with_one_meaning_is_converted_and_the_rest_listed_with_its_line(tmp_path: Path) -> None:
    post = """---
title: Liquid
---
Our [code]({{ site.repository }}/tree/main), [Mastodon]({{ site.social.mastodon }}), [a guide]({% link _guides/start.md %}),
[the first post]({{ site.baseurl }}{% post_url 2020-01-01-first %}) and [assets]({{ "/assets/" | relative_url }}).
This is {{ page.title }}, at {{ page.url | absolute_url }}; {{ site.nothing }}is empty.
{% comment %}
A note to the editors, with a [link](http://hidden.example), never published.
{% endcomment %}
{% raw %}
Write `{{ page.title }}` or `{% link x.md %}` in a template.
{% endraw %}
{% for tag in page.tags %}- {{ tag }}
{% endfor %}
```liquid
{{ product.price }}
```
{% highlight ruby %}
puts 1
{% endhighlight %}
"""
    source = jekyll_site(tmp_path, {
        "_posts/2021-02-03-liquid.md": post,
        "_posts/2020-01-01-first.markdown": "---\ntitle: First\n---\nHello.\n",
        "_guides/start.md": "---\ntitle: Start\n---\nA guide.\n",
    })
    portal = new_portal(tmp_path / "portal")
    report = run_import("jekyll", source, portal)
    _, body = body_of(portal, "articles/liquid.md")
    assert "[code](https://github.com/club/site/tree/main)" in body
    assert "[Mastodon](https://social.example/@club)" in body
    assert "[a guide](https://club.example/blog/guides/start/)" in body  # a collection Jekyll writes out
    assert "[the first post](first.md)" in body  # baseurl before the tag, and a .markdown post
    assert "[assets](https://club.example/blog/assets/)" in body  # /blog/assets/: the old site's, under its baseurl
    assert "This is Liquid, at https://club.example/blog/2021/02/03/liquid.html; is empty." in body
    assert "hidden.example" not in body and "comment" not in body  # Jekyll publishes none of a comment
    assert "Write `{{ page.title }}` or `{% link x.md %}` in a template." in body and "raw %}" not in body
    assert "```ruby\nputs 1\n```" in body and "```liquid\n{{ product.price }}\n```" in body
    assert "source:" not in body
    left = [(note.line, note.message) for note in report.notes if note.message.startswith("template code")]
    assert left == [(13, "template code not converted: {% for tag in page.tags %}"),
                    (13, "template code not converted: {{ tag }}"),
                    (14, "template code not converted: {% endfor %}")]  # the fenced code's is not listed


def test_a_link_a_reader_marked_never_keeps_its_marker(tmp_path: Path) -> None:
    # No site address, nothing at the path: the link leads to '#' and the note says so, with the line.
    source = jekyll_site(tmp_path, {"_posts/2021-02-03-links.md": (
        "---\ntitle: Links\n---\nText.\n\n[gone]({% link missing.md %}), [old]({% post_url 1999-01-01-none %}),"
        " [page]({% link _notes/private.md %})\n"), "_notes/private.md": "---\ntitle: P\n---\nx\n"},
        config="title: Club\n")
    portal = new_portal(tmp_path / "portal")
    report = run_import("jekyll", source, portal)
    _, body = body_of(portal, "articles/links.md")
    assert "[gone](#), [old](#), [page](#)" in body
    found = sorted((note.line, note.message) for note in report.notes)
    assert found == [
        (6, "'_notes/private.md' is a page of the old site no imported post became: it now leads to #"),
        (6, "link to _posts/1999-01-01-none: nothing in the source has that path (a broken link there too): it now "
            "leads to #"),
        (6, "link to missing.md: nothing in the source has that path (a broken link there too): it now leads to #")]


MARKDOWN = st.lists(st.sampled_from(["`", "``", "<!--", "-->", "[a]", "(b)", "](c)", "[r]: d", "\n", "\n\n", " ", "x",
                                     "<a href='e'>", "\\"]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWN)
def test_what_inline_code_and_comments_hold_is_never_rewritten(text: str) -> None:
    assume(not re.search(r"(?m)^ {0,3}```", text))  # a fence ends the paragraph: fenced code is kept whole elsewhere
    rewritten = rewrite_links(text, lambda link: "LINK")
    assert [text[a:b] for a, b in verbatim(text)] == [rewritten[a:b] for a, b in verbatim(rewritten)]
    assert rewrite_links(text, lambda link: None) == text


def test_links_outside_code_and_comments_are_rewritten() -> None:
    text = "`[a](in-code)` [b](out) <!-- [c](in-comment) --> ``[d](x ` y)`` [e](out2)\n\n`[f](open)\n"
    assert rewrite_links(text, lambda link: link.upper()) == \
        "`[a](in-code)` [b](OUT) <!-- [c](in-comment) --> ``[d](x ` y)`` [e](OUT2)\n\n`[f](OPEN)\n"
    # A backslash escapes nothing in code: the span ends at the next backtick.
    assert rewrite_links("`C:\\dir\\` then [doc](x.md) and `y`", str.upper) == "`C:\\dir\\` then [doc](X.MD) and `y`"
    # Text after the address on its line makes a sentence, not a reference definition.
    for sentence in ("[Update]:\nDo not do this.", "[Edit]: Fixed a typo."):
        assert rewrite_links(sentence, lambda link: "#") == sentence
    assert rewrite_links('[r]: /x "Title"\n[s]:\n  /y\n', str.upper) == '[r]: /X "Title"\n[s]:\n  /Y\n'


@pytest.mark.parametrize("line", ["`" * 200_000, "".join("`" * n + " x " for n in range(1, 600)), "<!--" * 50_000,
                                  "` <!-- " * 30_000, "{% raw %}" * 30_000, "{% comment %}" * 30_000,
                                  "{{ site.a | relative_url " * 20_000, "[a]({{ site.x }}" * 5_000],
                         ids=["ticks", "tick-lengths", "comments", "mixed", "raw", "comment", "filters", "links"])
def test_hostile_jekyll_bodies_import_in_linear_time(tmp_path: Path, line: str) -> None:
    source = jekyll_site(tmp_path, {"_posts/2020-01-01-hostile.md": f"---\ntitle: Hostile\n---\n{line}\n"})
    started = time.monotonic()
    run_import("jekyll", source, new_portal(tmp_path / "portal"))
    assert time.monotonic() - started < 5


def test_the_spans_are_those_commonmark_reads() -> None:
    text = "a ``b ` c`` d `e\n\nf` <!-- g --> h"
    assert [text[a:b] for a, b in verbatim(text)] == ["``b ` c``", "<!-- g -->"]  # a blank line ends `e


def hugo_site(tmp_path: Path, posts: dict[str, str], config: str) -> Path:
    source = tmp_path / "site"
    for name, text in {"config/_default/hugo.toml": config, **posts}.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return source


def test_hugo_shortcodes_with_one_meaning_are_converted_and_the_rest_listed(tmp_path: Path) -> None:
    post = """---
title: Shortcodes
date: 2024-05-01
author: "[Ana Lopez](https://github.com/ana-l) (Acme, Inc.), [Bob Martin](https://bob.example/)"
canonical: https://medium.example/post
params:
  release: v2.1
---
Read it [first]({{% param canonical %}}), or at {{< param "links.home" >}}; release {{< param release >}}.
{{< param missing >}} and {{< param "links" >}} stay.
{{< comment >}} a note for the editors,
over two lines {{< custom >}} {{< /comment >}}
{{< youtube id="w7Ft2ymGmfc" title="Our talk" >}}
{{< vimeo 146022717 >}} {{< gist spf13 7896402 >}} {{< x user="SanDiegoZoo" id="1453110110599868418" >}}
{{< instagram CxOWiQNP2MO >}} {{< youtube "not an id" >}}
Write `{{</* param name */>}}` or {{%/* comment */%}} to show them.

[next line]:
  /blog/2024/other/
"""
    other = "---\ntitle: Other\ndate: 2024-04-01\nauthor: '[Ana Lopez, Acme](https://github.com/ana-l/)'\n---\nHi.\n"
    source = hugo_site(tmp_path, {"content/blog/2024/shortcodes.md": post, "content/blog/2024/other.md": other},
                       'baseURL = "https://club.example/"\n[params.links]\nhome = "https://club.example/home"\n')
    portal = new_portal(tmp_path / "portal")
    report = run_import("hugo", source, portal)
    matter, body = body_of(portal, "articles/shortcodes.md")
    assert "Read it [first](https://medium.example/post), or at https://club.example/home; release v2.1." in body
    assert "{{< param missing >}} and {{< param \"links\" >}} stay." in body
    assert "editors" not in body and "custom" not in body
    assert '<a href="https://www.youtube.com/watch?v=w7Ft2ymGmfc">Our talk</a>' in body
    assert ('<a href="https://vimeo.com/146022717">https://vimeo.com/146022717</a> '
            '<a href="https://gist.github.com/spf13/7896402">https://gist.github.com/spf13/7896402</a> '
            '<a href="https://x.com/SanDiegoZoo/status/1453110110599868418">') in body
    assert '<a href="https://www.instagram.com/p/CxOWiQNP2MO/">' in body and '{{< youtube "not an id" >}}' in body
    assert "[next line]:\n  other.md" in body  # a reference whose address is on the next line
    assert "Write `{{< param name >}}` or {{% comment %}} to show them." in body  # as Hugo shows them
    # One person however the posts spell them, with their link; the affiliation is not their name.
    assert matter["authors"] == ["ana-lopez", "bob-martin"]
    assert body_of(portal, "articles/other.md")[0]["authors"] == ["ana-lopez"]
    ana, _ = body_of(portal, "contributors/ana-lopez.md")
    assert ana == {"name": "Ana Lopez", "links": [{"label": "GitHub", "url": "https://github.com/ana-l/"}]}  # as first read
    left = sorted((note.line, note.message) for note in report.notes if note.message.startswith("template code"))
    assert left == [(10, 'template code not converted: {{< param "links" >}}'),
                    (10, "template code not converted: {{< param missing >}}"),
                    (15, 'template code not converted: {{< youtube "not an id" >}}')]


@pytest.mark.parametrize("line", ["{{< comment >}}" * 40_000, "{{< comment >}}{{< /comment " * 20_000,
                                  "{{< param a.b.c " * 20_000, "{{< youtube " * 40_000, "[a](b) (" * 30_000],
                         ids=["comments", "unclosed", "params", "embeds", "credits"])
def test_hostile_hugo_bodies_import_in_linear_time(tmp_path: Path, line: str) -> None:
    source = hugo_site(tmp_path, {"content/blog/hostile.md": f"---\ntitle: Hostile\nauthor: '{line[:200_000]}'\n---\n"
                                                             f"{line}\n"}, 'baseURL = "https://club.example/"\n')
    started = time.monotonic()
    run_import("hugo", source, new_portal(tmp_path / "portal"))
    assert time.monotonic() - started < 5


def test_kramdown_syntax_is_resolved_as_kramdown_publishes_it(tmp_path: Path) -> None:
    post = """---
title: Kramdown
---
* TOC
{:toc}

## Installing
{: #install .big}

Visit [the site](https://example.org){:target="_blank"} and ![a map](https://example.org/map.png){: width="50%"}.

Note this.
{: .notice--info}

{::comment}
hidden text, [a link](http://hidden.example)
{:/comment}
{::options parse_block_html="true" /}
{::nomarkdown}<span>kept</span>{:/}

```
{: .in-code} stays
```

Write `{: .class}` or `{::comment}` in kramdown.

*[HTML]: Hyper Text Markup Language
"""
    source = jekyll_site(tmp_path, {"_posts/2021-02-03-kramdown.md": post})
    portal = new_portal(tmp_path / "portal")
    run_import("jekyll", source, portal)
    _, body = body_of(portal, "articles/kramdown.md")
    assert body.startswith("## Installing {#install}\n")  # the old anchor kept, the table of contents marker gone
    assert "Visit [the site](https://example.org) and ![a map](https://example.org/map.png)." in body
    assert "Note this.\n" in body and "notice" not in body and "hidden" not in body and "options" not in body
    assert "<span>kept</span>" in body and "```\n{: .in-code} stays\n```" in body and "*[HTML]" not in body
    assert "Write `{: .class}` or `{::comment}` in kramdown." in body  # inline code shows it as text


BLOCKS = st.lists(st.sampled_from(["## A heading", "Some text", "{: .class}", "{: #an-id}", "{:toc}", "* TOC",
                                   "[a](b){:target=\"_blank\"}", "{::comment}", "{:/comment}", "{:/}",
                                   "{::options x=\"1\" /}", "{:ref: .class}", "*[A]: b", ""]), max_size=30)


@settings(max_examples=200, deadline=None)
@given(BLOCKS)
def test_no_kramdown_syntax_is_ever_left_to_show(blocks: list[str]) -> None:
    # (What {::nomarkdown} holds is published as written, kramdown's syntax included: not generated here.)
    converted = kramdown.convert("\n".join(blocks))
    assert "{:" not in converted and "{::" not in converted and "*[A]" not in converted, converted


@pytest.mark.parametrize("line", ["{::comment}" * 40_000, "{::nomarkdown}" * 40_000, "{: #a}\n## h\n" * 20_000,
                                  "x){:a}" * 40_000, "{:/}{::nomarkdown}" * 30_000, "[a]:\n" * 20_000,
                                  "[a]({% link x.md %}) " * 10_000],
                         ids=["comments", "nomarkdown", "attributes", "spans", "ends", "references", "marked"])
def test_hostile_kramdown_bodies_import_in_linear_time(tmp_path: Path, line: str) -> None:
    source = jekyll_site(tmp_path, {"_posts/2020-01-01-hostile.md": f"---\ntitle: Hostile\n---\n{line}\n"})
    started = time.monotonic()
    run_import("jekyll", source, new_portal(tmp_path / "portal"))
    assert time.monotonic() - started < 5


def test_a_restructuredtext_post_is_read_as_pelican_reads_it_and_reaches_nothing_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n", encoding="utf-8")
    post = f"""Field notes
###########

:date: 2024-03-01 18:00
:tags: rust, community
:authors: Ana Lopez; Bob Martin
:summary: What we saw.
:lang: fr
:status: draft

First *paragraph* with `a link <{{filename}}other.rst>`_.

.. code-block:: rust
   :linenos: table
   :hl_lines: 2

   fn main() {{}}

.. include:: {secret}

.. raw:: html

   <script>alert(1)</script>

.. csv-table:: Data
   :file: {secret}

:raw-html:`<b>bold</b>`
"""
    source = tmp_path / "site"
    (source / "content").mkdir(parents=True)
    (source / "content/notes.rst").write_text(post, encoding="utf-8")
    (source / "content/other.rst").write_text("Other\n#####\n\n:date: 2024-01-01\n\nHello.\n", encoding="utf-8")
    portal = new_portal(tmp_path / "portal")
    run_import("pelican", source, portal)
    matter, body = body_of(portal, "articles/field-notes.md")
    assert matter["title"] == "Field notes" and matter["date"] == "2024-03-01T18:00:00"
    assert matter["tags"] == ["rust", "community"] and matter["summary"] == "What we saw."
    assert matter["status"] == "draft" and matter["lang"] == "fr" and len(matter["authors"]) == 2
    assert "First *paragraph* with [a link](other.md)." in body
    assert "```rust\nfn main() {}\n```" in body
    text = "\n".join(path.read_text(encoding="utf-8") for path in (portal / "content").rglob("*.md"))
    assert "TOP SECRET" not in text and "<script" not in text and "alert" not in text and "<b>" not in text


def test_what_the_review_found_stays_fixed(tmp_path: Path) -> None:
    # Jekyll: a link tag inside code is converted there too (Liquid runs first), a script address is no link,
    # Jekyll's own variables are listed, a comment nothing ends keeps the text, a credit's affiliation is listed.
    jekyll = jekyll_site(tmp_path / "j", {"_posts/2021-02-03-post.md": (
        "---\ntitle: Post\nauthor: '[Bob](https://github.com/bob), Carol Roy'\n---\n"
        "Use `{% link _posts/2021-02-03-other.md %}`; [run]({{ site.jslink }}); built {{ site.time }}.\n"
        "{::comment}\nkept, since nothing ends the comment\n"),
        "_posts/2021-02-03-other.md": "---\ntitle: Other\nauthor: '[Dan](https://en.wikipedia.org/wiki/Dan_(x))'\n---\nx\n"},
        config=CONFIG + "jslink: javascript:alert(1)\n")
    portal = new_portal(tmp_path / "jp")
    report = run_import("jekyll", jekyll, portal)
    _, body = body_of(portal, "articles/post.md")
    assert "Use `other.md`; [run](#); built {{ site.time }}." in body and "kept, since nothing ends" in body
    assert "source:" not in body and "javascript" not in body
    notes = [(note.line, note.message) for note in report.notes if note.file == "_posts/2021-02-03-post.md"]
    assert (5, "template code not converted: {{ site.time }}") in notes
    assert any(line == 3 and "'Carol Roy' next to linked names" in message for line, message in notes)
    assert any(line == 5 and message.startswith("link to javascript:alert(1): an address that runs a script")
               for line, message in notes)
    assert body_of(portal, "contributors/dan.md")[0]["name"] == "Dan"
    # Hugo: a folder named after a language is a section unless the site keeps its languages in folders; param
    # values are text.
    hugo = hugo_site(tmp_path / "h", {"content/fr/posts/c.md": "---\ntitle: C\n---\n{{< param img >}}\n",
                                      "content/posts/d.md": "---\ntitle: D\n---\nd\n"},
                     '[languages.fr]\n[languages.en]\n[params]\nimg = "<img src=x onerror=alert(1)>"\n')
    portal = new_portal(tmp_path / "hp")
    run_import("hugo", hugo, portal)
    matter, body = body_of(portal, "articles/c.md")
    assert matter["aliases"] == ["/fr/posts/c/"] and "lang" not in matter
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    # Pelican: the site's language, {filename} in code kept as written, reStructuredText that docutils cannot read
    # listed (no traceback), a long line kept, inline literals as code, 'Last, First; Other' as two people.
    pelican = tmp_path / "p"
    (pelican / "content").mkdir(parents=True)
    (pelican / "pelicanconf.py").write_text("DEFAULT_LANG = 'fr'\n", encoding="utf-8")
    (pelican / "content/b.md").write_text("Title: B\nDate: 2020-01-01\nLang: fr\n\nSee `{filename}/b.md`.\n",
                                          encoding="utf-8")
    (pelican / "content/deep.rst").write_text("\n\n".join("   " * i + "x" for i in range(200)), encoding="utf-8")
    (pelican / "content/long.rst").write_text(
        "Long\n####\n\n:date: 2020-01-02\n:authors: Lopez, Ana; Roy, Bob\n\nWrite ``<i>x</i>``. " + "word " * 3000
        + "\n", encoding="utf-8")
    portal = new_portal(tmp_path / "pp")
    report = run_import("pelican", pelican, portal)
    matter, body = body_of(portal, "articles/b.md")
    assert matter["aliases"] == ["/b.html"] and "See `{filename}/b.md`." in body
    matter, body = body_of(portal, "articles/long.md")
    assert body.count("word") == 3000 and "Write `<i>x</i>`." in body and len(matter["authors"]) == 2
    assert [note.message for note in report.notes if note.file == "content/deep.rst"] == [
        "not imported: docutils could not read it (its blocks nest more than 64 levels deep)"]


def test_what_an_embed_showed_stays_as_a_link_to_it(tmp_path: Path) -> None:
    # WordPress, a feed or a reST page embeds a player or a map: the portal runs none, but the reader still finds
    # what it showed (a video's own page rather than its player); a script is dropped whole, and so is an embed of
    # an address that is not on the web.
    notes: list = []
    html = ('<p>Watch:</p><iframe src="https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc?rel=0"></iframe>'
            '<iframe src="https://player.vimeo.com/video/146022717"></iframe>'
            '<iframe src="https://maps.example/embed?q=hall"></iframe><iframe src="javascript:alert(1)"></iframe>'
            '<object data="https://example.org/slides.pdf"></object><script>steal()</script>')
    assert to_markdown(html, "export.xml", 7, notes) == (
        "Watch:\n\n<https://www.youtube.com/watch?v=w7Ft2ymGmfc>\n\n<https://vimeo.com/146022717>\n\n"
        "<https://maps.example/embed?q=hall>\n\n<https://example.org/slides.pdf>\n")
    assert [note.message.split(" ")[0] for note in notes] == ["<iframe>"] * 3 + ["<object>", "<script>", "<iframe>"]
