"""What check-ins do when the Women's Support Service side asks (its signals,
so that it never imports this app)."""

from __future__ import annotations

from typing import Any

from checkins.services.checkins import sms_nudge_queue
from survivors.models import Survivor


def queue_nudge(*, survivor: Survivor, **kwargs: Any) -> None:
    """Her optional neutral text, inside the cause's transaction."""
    sms_nudge_queue(survivor=survivor)
