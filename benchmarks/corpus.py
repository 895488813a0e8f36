"""A synthetic community corpus, written three ways: for Agora, for stock Pelican and for Hugo."""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

WORDS_FR = ("atelier réparation vélo jardin partage communauté bénévole quartier outil logiciel libre "
            "accueil rencontre projet association cuisine lecture musique école voisin marché "
            "énergie climat recyclage couture électronique imprimante code réseau fête").split()
WORDS_EN = ("workshop repair bicycle garden sharing community volunteer neighbourhood tool software free "
            "welcome meeting project association kitchen reading music school neighbour market "
            "energy climate recycling sewing electronics printer code network party").split()
SECTIONS = ("articles", "articles", "articles", "interviews", "events")


@dataclass(frozen=True)
class Entry:
    section: str
    slug: str
    title: str
    day: date
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    lang: str
    body: str
    recurring: bool = False


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, words: list[str], slug: str) -> str:
    parts = []
    for section in range(3):
        parts.append(f"## {_sentence(rng, words, 4)[:-1]}\n")
        parts.append(" ".join(_sentence(rng, words, rng.randint(8, 18)) for _ in range(4)) + "\n")
        parts.append("\n".join(f"- {_sentence(rng, words, 5)}" for _ in range(3)) + "\n")
        if section == 1:
            parts.append(f"Voir [le site](https://example.org/{slug}) et *le projet* **commun**.\n")
            parts.append("```python\nfor item in range(3):\n    print(item)\n```\n")
    return "\n".join(parts)


def entries(n: int, seed: int = 7) -> tuple[list[Entry], list[str], list[str]]:
    """N items across sections, N/20 members, ~200 tags: deterministic for a seed."""
    rng = random.Random(seed)
    members = [f"membre{i:04d}" for i in range(max(2, n // 20))]
    tags = [f"sujet-{i:03d}" for i in range(200)]
    start = date(2020, 1, 1)
    out = []
    for i in range(n):
        section = SECTIONS[i % len(SECTIONS)]
        lang = "en" if i % 7 == 0 else "fr"
        words = WORDS_EN if lang == "en" else WORDS_FR
        slug = f"{section[:-1]}-{i:05d}"
        day = start + timedelta(days=i % 2000)
        recurring = section == "events" and i % 25 == 4
        if recurring:  # a monthly meetup starts on its first occurrence: the month's first Thursday
            day = day.replace(day=1) + timedelta(days=(3 - day.replace(day=1).weekday()) % 7)
        out.append(Entry(section, slug, _sentence(rng, words, 6)[:-1], day,
                         tuple(sorted(rng.sample(members, rng.choice((1, 1, 2))))), tuple(sorted(rng.sample(tags, 3))),
                         lang, _body(rng, words, slug), recurring=recurring))
    return out, members, tags


def write_agora(root: Path, n: int) -> Path:
    items, members, _ = entries(n)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "site_config.yaml").write_text(textwrap.dedent("""\
        site:
          title: "Banc d'essai"
          description: "Un corpus synthétique pour mesurer les constructions."
          url: "https://example.org/bench/"
          repository: "https://github.com/example/bench"
        per_page: 10
        moderation:
          max_files: 100000  # a big community's portal: raise the default limit of 5,000 files
    """), encoding="utf-8")
    for handle in members:
        _write(root / "content/contributors" / f"{handle}.md",
               f"---\nname: \"Membre {handle[-4:]}\"\ngithub: \"gh-{handle}\"\njoined: 2020-01-01\n---\nUne courte biographie.\n")
    for e in items:
        fm = [f'title: "{e.title}"', f"date: {e.day.isoformat()}", f"authors: [{', '.join(e.authors)}]",
              f"tags: [{', '.join(e.tags)}]", f"lang: {e.lang}"]
        if e.section == "interviews":
            fm.append('interviewee: {name: "Une voisine", role: "Bénévole"}')
        if e.section == "events":
            fm += [f'start: "{e.day.isoformat()}T19:00"', f'end: "{e.day.isoformat()}T21:00"',
                   'location: {name: "La salle", address: "1 rue de la Paix, Lyon"}']
            if e.recurring:
                fm.append('recurrence: "FREQ=MONTHLY;BYDAY=1TH;COUNT=12"')
        _write(root / "content" / e.section / f"{e.slug}.md", "---\n" + "\n".join(fm) + "\n---\n" + e.body)
    return root


def write_pelican(root: Path, n: int) -> Path:
    """The same corpus for stock Pelican: Python-Markdown reader, notmyidea theme, comparable feeds and listings."""
    items, members, _ = entries(n)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(textwrap.dedent("""\
        SITENAME = "Banc d'essai"
        SITEURL = ""
        PATH = "content"
        TIMEZONE = "Europe/Paris"
        DEFAULT_LANG = "fr"
        ARTICLE_PATHS = ["articles", "interviews", "events"]
        USE_FOLDER_AS_CATEGORY = True
        ARTICLE_URL = "{category}/{slug}/"
        ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
        TAG_URL = "tags/{slug}/"
        TAG_SAVE_AS = "tags/{slug}/index.html"
        AUTHOR_URL = "contributors/{slug}/"
        AUTHOR_SAVE_AS = "contributors/{slug}/index.html"
        CATEGORY_URL = "{slug}/"
        CATEGORY_SAVE_AS = "{slug}/index.html"
        DEFAULT_PAGINATION = 10
        FEED_DOMAIN = "https://example.org"
        FEED_ALL_ATOM = "feeds/all.atom.xml"
        FEED_ALL_RSS = "feeds/all.rss.xml"
        CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
        TAG_FEED_ATOM = "feeds/tags/{slug}.atom.xml"
        AUTHOR_FEED_ATOM = "feeds/contributors/{slug}.atom.xml"
        AUTHOR_FEED_RSS = "feeds/contributors/{slug}.rss.xml"
        TRANSLATION_FEED_ATOM = None
        ARTICLE_TRANSLATION_ID = None
        RELATIVE_URLS = True
    """), encoding="utf-8")
    for e in items:
        meta = [f"Title: {e.title}", f"Date: {e.day.isoformat()}", f"Authors: {', '.join(e.authors)}",
                f"Tags: {', '.join(e.tags)}", f"Lang: {e.lang}", f"Slug: {e.slug}"]
        _write(root / "content" / e.section / f"{e.slug}.md", "\n".join(meta) + "\n\n" + e.body)
    return root


def write_hugo(root: Path, n: int) -> Path:
    """The same corpus for Hugo, with minimal layouts comparable to the other two."""
    items, members, _ = entries(n)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(textwrap.dedent("""\
        baseURL = "https://example.org/bench/"
        title = "Banc d'essai"
        languageCode = "fr"
        relativeURLs = true
        disableKinds = []
        [pagination]
          pagerSize = 10
        [taxonomies]
          tag = "tags"
          author = "authors"
        [outputs]
          home = ["HTML", "RSS"]
          section = ["HTML", "RSS"]
          taxonomy = ["HTML", "RSS"]
          term = ["HTML", "RSS"]
    """), encoding="utf-8")
    layouts = {
        "baseof.html": '<!DOCTYPE html><html lang="{{ .Site.LanguageCode }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
                       "<body><header><a href=\"{{ \"/\" | relURL }}\">{{ .Site.Title }}</a></header><main>{{ block \"main\" . }}{{ end }}</main></body></html>",
        "single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ range .Params.authors }}<a href="{{ (printf "/authors/%s/" (. | urlize)) | relURL }}">{{ . }}</a> {{ end }}'
                       '<time>{{ .Date.Format "2006-01-02" }}</time></p>{{ .Content }}<ul>{{ range .Params.tags }}<li><a href="{{ (printf "/tags/%s/" (. | urlize)) | relURL }}">{{ . }}</a></li>{{ end }}</ul></article>{{ end }}',
        "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}'
                     '{{ with $p.Prev }}<a href="{{ .URL }}">prev</a>{{ end }}{{ with $p.Next }}<a href="{{ .URL }}">next</a>{{ end }}{{ end }}',
        "home.html": '{{ define "main" }}{{ range first 10 .Site.RegularPages.ByDate.Reverse }}<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ end }}{{ end }}',
    }
    for name, text in layouts.items():
        _write(root / "layouts" / name, text)
    for e in items:
        fm = [f'title: "{e.title}"', f"date: {e.day.isoformat()}", f"authors: [{', '.join(e.authors)}]",
              f"tags: [{', '.join(e.tags)}]", f"slug: {e.slug}"]
        _write(root / "content" / e.section / f"{e.slug}.md", "---\n" + "\n".join(fm) + "\n---\n" + e.body)
    return root


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
