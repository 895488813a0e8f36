"""What hands an edition to a mailing service: the JSON body of one API request, per provider. The request itself is
sent by the newsletter workflow (curl, with the secret from a protected environment): Agora holds no secret.

- listmonk (self-hosted): POST <your listmonk>/api/campaigns creates a draft campaign for `newsletter.lists`.
- Buttondown: POST https://api.buttondown.com/v1/emails creates a draft email.

Both are drafts: a person looks at the edition in the service and sends it."""

from __future__ import annotations

import json

from ..config import Config
from .compose import Content
from .letter import Rendered
from .message import sender_of

#: The API path each provider's request goes to, under the service's base address.
ENDPOINTS = {"listmonk": "/api/campaigns", "buttondown": "/emails"}


def request_body(config: Config, content: Content, rendered: Rendered) -> bytes | None:
    """The JSON body for `newsletter.provider`, or None when the portal names none."""
    provider = config.newsletter.provider
    if provider == "listmonk":
        body = {"name": content.subject, "subject": content.subject, "lists": config.newsletter.lists,
                "from_email": sender_of(config), "type": "regular", "messenger": "email", "content_type": "html",
                "body": rendered.html, "altbody": rendered.text, "tags": ["agora-digest", content.edition.slug]}
    elif provider == "buttondown":
        body = {"subject": content.subject, "body": rendered.html, "status": "draft"}
    else:
        return None
    return (json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
