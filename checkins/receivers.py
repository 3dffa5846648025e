"""What check-ins do when the Women's Support Service side asks (its signals,
so that it never imports this app)."""

from __future__ import annotations

from typing import Any

from checkins.services.checkins import sms_nudge_queue
from checkins.services.inbound import texts_erase_for
from survivors.models import Survivor


def queue_nudge(*, survivor: Survivor, **kwargs: Any) -> None:
    """Her optional neutral text, inside the cause's transaction."""
    sms_nudge_queue(survivor=survivor)


def erase_texts(*, survivor: Survivor, **kwargs: Any) -> dict[str, int]:
    """Her case is being erased (SPEC 12): the foreign keys take her own rows;
    this takes what only her numbers lead to (replies from her current or
    earlier numbers that matched no case, and Twilio's status callbacks of her
    texts). Inside the erasure's transaction; returns the counts."""
    return texts_erase_for(survivor=survivor)
