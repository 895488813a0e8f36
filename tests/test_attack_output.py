"""Output blow-ups: a file at the size limit must check in under 2 s and build pages that grow with it, not with the
square of it."""

from __future__ import annotations

import time

from conftest import DEMO_NOW

from agorapress.content.markdown import render
from agorapress.site import load_portal

HEAD = "---\ntitle: T\ndate: 2026-01-01\nauthors: [ana]\n---\n"


def test_a_long_reference_used_many_times_does_not_multiply_the_page(portal) -> None:
    """One reference definition of a 400 KB address used 5,000 times ('[a][r] ' is 7 bytes) made 2 GB of HTML from
    a 425 KiB file and 23 s of check; past a budget of addresses the paragraphs are shown as text, with a warning."""
    for definition in ("[r]: http://x.example/" + "a" * 400_000, '[r]: /x "' + "t" * 400_000 + '"'):
        for use in ("[a][r] ", "![a][r] "):
            body = f"{definition}\n\n" + use * 5000 + "\n"
            clock = time.perf_counter()
            rendered = render(body, "articles/a.md", 6)
            assert time.perf_counter() - clock < 2
            assert len(rendered.html) < 8 * len(body), (use, len(rendered.html))
            assert rendered.repeated == [8]
    root = portal({"content/articles/a.md": HEAD + "[r]: http://x.example/" + "a" * 400_000 + "\n\nFine [b][r].\n\n"
                   + "[a][r] " * 4000 + "\n"})
    found = [p.as_text() for p in load_portal(root, now=DEMO_NOW, use_cache=False).problems.for_path("content/articles/a.md")]
    assert found == ["content/articles/a.md:10: warning[too-many-links]: the links of this text repeat more addresses "
                     "than a page can hold: this paragraph is shown as plain text (write each address where it is "
                     "used, or link to it less often)"]


def test_ordinary_reference_links_are_links() -> None:
    body = "[docs]: https://example.org/a/very/long/address/of/the/documentation/index.html\n\n" + \
        "\n\n".join("See [the docs][docs] and ![a map][docs]." for _ in range(300)) + "\n"
    rendered = render(body, "articles/a.md", 6)
    assert rendered.repeated == []
    assert rendered.html.count('href="https://example.org/a/very/long') == 300
