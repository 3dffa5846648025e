"""Reads of the information pages for the staff home page: comms staff's
recent page changes (Wagtail's own revision history)."""

from __future__ import annotations

from wagtail.models import Revision


def recent_page_changes(*, limit: int = 10) -> list[Revision]:
    """The latest saved versions of information pages, newest first, with who saved them."""
    return list(Revision.page_revisions.select_related("user").order_by("-created_at")[:limit])
