"""OPML 2.0 outline of feeds: one file a reader can import to follow every member at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from lxml import etree

from .feeds import xml_text


@dataclass(frozen=True)
class Outline:
    """One feed in the outline."""

    text: str
    xml_url: str
    html_url: str
    kind: str = "rss"  # OPML's type for any syndication feed, Atom included


def render_opml(title: str, outlines: list[Outline], modified: datetime) -> bytes:
    """The outline document; `modified` comes from the content, never the clock."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_text(title)
    etree.SubElement(head, "dateModified").text = format_datetime(modified)
    body = etree.SubElement(root, "body")
    for outline in outlines:
        etree.SubElement(body, "outline", type=outline.kind, text=xml_text(outline.text), title=xml_text(outline.text),
                         xmlUrl=outline.xml_url, htmlUrl=outline.html_url)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
