"""An edition as a message ready to send: multipart/alternative (text, then HTML), dated from the edition, never from
the clock, with a Message-ID and MIME boundary derived from its content: the same edition gives the same bytes."""

from __future__ import annotations

import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from ..config import Config
from .compose import Content
from .letter import Rendered


def sender_of(config: Config) -> str:
    """The From: of an edition: `newsletter.sender`, else the portal's name at a no-reply address of its host."""
    if config.newsletter.sender:
        return config.newsletter.sender
    return str(Address(config.site.title, "newsletter", host_of(config.site.url)))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "localhost").lower()


def message_id(config: Config, content: Content, section: str | None) -> str:
    parts = ["digest", content.edition.slug, content.lang, *([section] if section else [])]
    return f"<{'.'.join(parts)}@{host_of(config.site.url)}>"


def build_message(config: Config, content: Content, rendered: Rendered, section: str | None = None) -> bytes:
    """The .eml bytes (CRLF line ends, as SMTP sends them)."""
    message = EmailMessage(policy=SMTP)
    name, address = parseaddr(sender_of(config))
    message["From"] = str(Address(name, addr_spec=address)) if name else address
    message["To"] = "undisclosed-recipients:;"
    message["Subject"] = content.subject
    message["Date"] = format_datetime(content.edition.end)
    message["Message-ID"] = message_id(config, content, section)
    # A web version, and where the list lives (RFC 2369): the archive on the portal.
    message["List-Archive"] = f"<{content.archive_url}>"
    message["X-Web-Version"] = f"<{content.web_url}>"
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    # After the parts: making the message multipart moves every Content-* header into its first part.
    message["Content-Language"] = content.lang
    # The email package draws a random boundary: one made from the parts keeps the file reproducible.
    digest = hashlib.sha256((rendered.text + "\0" + rendered.html).encode("utf-8")).hexdigest()[:32]
    message.set_boundary(f"=_agora_{digest}")
    return message.as_bytes()
