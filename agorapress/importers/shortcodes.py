"""Hugo's built-in shortcodes whose output an import can know without running a template: `param` (a value of the
page's front matter or of the site's params), `comment` (nothing: Hugo publishes none of it), and the embeds
(`youtube`, `vimeo`, `gist`, `x` and `tweet`, `instagram`), which become a link to what they showed, since a portal
runs no third-party script. A shortcode written to be shown (`{{</* x */>}}`) becomes the text Hugo shows. Every
pattern is bounded and every search starts where the last one ended: linear time."""

from __future__ import annotations

import html
import re

_PARAM = re.compile(r"\{\{[<%]-?\s*param\s+(?:\"([\w.-]{1,200})\"|([\w.-]{1,200}))\s*-?[>%]\}\}")
_COMMENT_OPEN = re.compile(r"\{\{([<%])-?\s*comment\s*-?[>%]\}\}")
_COMMENT_CLOSE = re.compile(r"\{\{[<%]-?\s*/comment\s*-?[>%]\}\}")
_EMBED = re.compile(r"\{\{<-?\s*(youtube|vimeo|gist|x|tweet|instagram)\s+([^\n{}<>]{0,500}?)\s*/?-?>\}\}")
_ARGUMENT = re.compile(r"""(?:(\w+)=)?(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_SAFE = re.compile(r"[\w.-]+")
#: A shortcode written to be shown, not run: '{{</* param x */>}}' is the text '{{< param x >}}' on the page.
_ESCAPED = re.compile(r"\{\{([<%])/\*([^\n]{0,500}?)\*/([>%])\}\}")


def param(body: str, page: dict, site_params: dict) -> str:
    """`{{< param name >}}` as the value Hugo writes: the page's own (at the top of its front matter or under
    `params`), else the site's; a name that is not a text or a number stays as written."""

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        for source in (page, page.get("params"), site_params):
            found = _dotted(source, name)
            if isinstance(found, bool):
                return "true" if found else "false"
            if isinstance(found, (str, int, float)):
                return html.escape(str(found), quote=False)  # Hugo writes it through html/template: text, never a tag
        return match.group(0)

    return _PARAM.sub(value, body)


def _dotted(data: object, name: str) -> object:
    for key in name.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key, data.get(key.lower()))
    return data


def comments(body: str, keep_lines: bool = False) -> str:
    """The body without what `{{< comment >}}` blocks hold; with `keep_lines`, each becomes as many line breaks as it
    had (for the lines of the notes). A block no end closes is left as written."""
    out: list[str] = []
    position = 0
    while True:
        opening = _COMMENT_OPEN.search(body, position)
        closing = _COMMENT_CLOSE.search(body, opening.end()) if opening else None
        if closing is None:
            out.append(body[position:])
            return "".join(out)
        out.append(body[position:opening.start()])
        if keep_lines:
            out.append("\n" * body.count("\n", opening.start(), closing.end()))
        position = closing.end()


def embeds(body: str) -> str:
    """Each embed as a link, on its own, to the page it showed."""
    return _EMBED.sub(_embed, body)


def _embed(match: re.Match) -> str:
    kind = match.group(1)
    named, positional = {}, []
    for found in _ARGUMENT.finditer(match.group(2)):
        value = next(v for v in found.groups()[1:] if v is not None)
        if found.group(1):
            named[found.group(1)] = value
        else:
            positional.append(value)
    first = named.get("id") or (positional[0] if positional else "")
    second = positional[1] if len(positional) > 1 else ""
    if kind in {"gist", "x", "tweet"}:
        ids = [named.get("user") or first, named.get("id") or second]
    else:
        ids = [first]
    if not all(part and _SAFE.fullmatch(part) for part in ids):
        return match.group(0)  # not the arguments Hugo takes: listed as not converted
    url = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}",
           "instagram": "https://www.instagram.com/p/{}/", "gist": "https://gist.github.com/{}/{}"}.get(
        kind, "https://x.com/{}/status/{}").format(*ids)
    # HTML, not Markdown: an embed is often inside a <div>, where Markdown is not read.
    return f'<a href="{url}">{html.escape(named.get("title") or url, quote=False)}</a>'


def unescaped(body: str, shown: bool = True) -> str:
    """Shortcodes written to be shown (`{{</* x */>}}`) as the text Hugo shows (`{{< x >}}`), or left out (not
    `shown`: no template code to list)."""
    return _ESCAPED.sub(lambda m: "{{" + m.group(1) + m.group(2) + m.group(3) + "}}" if shown else "", body)
