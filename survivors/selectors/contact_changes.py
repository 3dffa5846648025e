"""Her contact-change history (SPEC 12): who changed her safe-contact details,
when, how her identity was checked and which fields, never the values. Shown on
her case to her Women's Support Service (WSS) worker and to the manager."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from survivors.models import ContactChange, Survivor


def contact_changes_for_case(*, survivor: Survivor, limit: int = 20) -> list[ContactChange]:
    """Her latest contact changes, newest first."""
    return list(survivor.contact_changes.select_related("changed_by")[:limit])


def contact_changed_recently(changed_at: datetime | None, *, now: datetime | None = None) -> bool:
    """Whether a change at ``changed_at`` still marks her caseload row:
    ``CONTACT_CHANGE_MARKER_DAYS`` (default 14) after it."""
    if changed_at is None:
        return False
    now = now or timezone.now()
    return now - changed_at < timedelta(days=settings.CONTACT_CHANGE_MARKER_DAYS)
