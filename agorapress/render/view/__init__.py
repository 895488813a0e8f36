"""What templates see as `agora`: the site graph, read-only, with the lookups pages need, one topic per module."""

from __future__ import annotations

from ...people import People
from ...site import Portal
from .dates import CONTENT_VARIABLES, DatesView, page_language
from .events import EventsView
from .media import MediaView
from .people import AvatarView, BadgeView, ContributorView, PeopleView
from .site import SiteView

__all__ = ["CONTENT_VARIABLES", "AvatarView", "BadgeView", "ContributorView", "TemplateView", "page_language"]


class TemplateView(SiteView, DatesView, PeopleView, EventsView, MediaView):
    """Read-only access to the portal for templates; one per build, shared by every rendering process."""

    def __init__(self, portal: Portal, people: People):
        self.portal = portal
        self.people = people  # every member and what they did, computed once per build
        self.graph = portal.graph
        self.config = portal.config
        self.site = portal.config.site
        self.locale = portal.config.site.language
