"""An edition rendered: the HTML email (the theme's email/edition.html, its CSS inlined), its text part, and the
archive's index page. The theme's catalogues give the words, Babel the dates, in the edition's language."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date, datetime

import css_inline
from babel.dates import format_date, format_time
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from lxml import html as lxml_html

from ..render.settings import theme_paths
from ..render.theme.translations import install
from ..schema import babel_locale
from ..site import Portal
from ..text import xml_safe
from .compose import Content

#: The email's colours: the theme's light scheme (mirrored in agorapress/colours.py). Mail clients that darken
#: emails invert these; none is pure white or black, and no text is drawn on an image.
LIGHT = {"bg": "#f6efe6", "surface": "#fdfcf9", "soft": "#f6efe6", "fg": "#1d1f23", "muted": "#555b66",
         "line": "#dcd8cf", "accent": "#9b2c1f", "bad": "#a3161a"}
#: Every style moves into style attributes; nothing is fetched (a portal's template may link a stylesheet: it is
#: ignored, not loaded).
_INLINER = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
_WIDTH = 72


@dataclass(frozen=True)
class Rendered:
    """One edition in one language: its HTML email and its text part."""

    html: str
    text: str


class Letters:
    """The email templates of a portal's theme (its own overrides first), one environment per language."""

    def __init__(self, portal: Portal):
        theme, overrides = theme_paths(portal)
        self.folders = [*overrides, str(theme / "templates")]
        self.themes = [portal.root / "themes" / portal.config.theme.name, theme]
        accent = portal.config.theme.options.accent
        self.colours = {**LIGHT, **({"accent": accent} if accent else {})}
        self._envs: dict[str, Environment] = {}

    def env(self, lang: str) -> Environment:
        """The templates in `lang`: the .html ones escape what they show, the .txt ones are text."""
        key = lang
        if key not in self._envs:
            env = Environment(loader=FileSystemLoader(self.folders), undefined=StrictUndefined,
                              autoescape=select_autoescape(["html"], default_for_string=False),
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              extensions=["jinja2.ext.i18n"])
            install(env, [t for t in self.themes if t.is_dir()], lang)
            locale = babel_locale(lang)
            env.globals.update(
                colours=self.colours,
                day=lambda moment, form="long": format_date(_day(moment), format=form, locale=locale),
                clock=lambda moment: format_time(moment, format="short", locale=locale),
                wrap=lambda text, indent="": textwrap.fill(text, _WIDTH, initial_indent=indent, subsequent_indent=indent,
                                                           break_long_words=False, break_on_hyphens=False),
            )
            self._envs[key] = env
        return self._envs[key]

    def subject(self, content: Content) -> str:
        """The subject: the edition's own title, else the portal's name and the edition's date."""
        if content.edition.item is not None and getattr(content.edition.item.meta, "title", None):
            return content.subject
        env = self.env(content.lang)
        # The words of email/edition.html's own line under the title, so the catalogue has them once.
        line = env.from_string("{{ _('Newsletter of %(date)s', date=day(d)) }}").render(d=content.edition.day)
        return f"{content.site_title} · {line}"

    def words(self, lang: str, message: str) -> str:
        """`message` (a message id of the email templates) in `lang`."""
        return self.env(lang).from_string("{{ _(m) }}").render(m=message)

    def render(self, content: Content, web: bool = False) -> Rendered:
        """The edition as an email (or, with `web`, as its page in the archive, without the link to itself)."""
        content.subject = self.subject(content)
        content.intro_text = _text_of(content.intro_html)
        page = self.env(content.lang).get_template("email/edition.html").render(c=content, web=web)
        text = self.env(content.lang).get_template("email/edition.txt").render(c=content)
        return Rendered(inline(page), _tidy(text))

    def archive(self, lang: str, site_title: str, site_url: str, feed_url: str, editions: list[dict]) -> str:
        page = self.env(lang).get_template("email/archive.html").render(
            lang=lang, site_title=site_title, site_url=site_url, feed_url=feed_url, editions=editions, web=True)
        return inline(page)


def inline(page: str) -> str:
    """`page` with its <style> rules moved into style attributes and the <style> element gone."""
    return _INLINER.inline(page)


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _text_of(markup: str) -> str:
    """The introduction as plain text: one paragraph per block, a link's address after its words."""
    if not markup.strip():
        return ""
    tree = lxml_html.fragment_fromstring(xml_safe(markup), create_parent="div")
    for link in tree.iter("a"):
        href = link.get("href") or ""
        words = link.text_content().strip()
        if href and href != words and not href.startswith("#"):
            link.tail = f" <{href}>" + (link.tail or "")
    for image in tree.iter("img"):
        image.tail = f"[{image.get('alt') or ''}]" + (image.tail or "")
    blocks = []
    for block in tree.xpath("./*|./text()"):
        text = block if isinstance(block, str) else block.text_content()
        text = re.sub(r"\s+", " ", text).strip()
        if not text:
            continue
        bullet = isinstance(block, lxml_html.HtmlElement) and block.tag in {"ul", "ol"}
        if bullet:
            for entry in block.iter("li"):
                item = re.sub(r"\s+", " ", entry.text_content()).strip()
                blocks.append(textwrap.fill(item, _WIDTH, initial_indent="* ", subsequent_indent="  ",
                                            break_long_words=False, break_on_hyphens=False))
        else:
            blocks.append(textwrap.fill(text, _WIDTH, break_long_words=False, break_on_hyphens=False))
    return "\n\n".join(blocks)


def _tidy(text: str) -> str:
    """At most two blank lines in a row, no trailing spaces (but the signature's '-- '), one final newline."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines)).strip("\n") + "\n"
