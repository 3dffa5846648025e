"""Her check-ins and replies for her subject access export (SPEC 12), read
from her rows only. Passed to ``survivors.services.subject_access``, which may
not import this app."""

from __future__ import annotations

from typing import Any

from checkins.models import CheckIn, CheckInPlan, InboundMessage, SmsOptOut
from survivors.models import Survivor
from survivors.selectors.subject_access import StaffLabels


def check_ins_section(survivor: Survivor, staff: StaffLabels) -> dict[str, Any]:
    plan = CheckInPlan.objects.filter(survivor=survivor).first()
    return {
        "plan": None
        if plan is None
        else {
            "how_often": plan.get_frequency_display(),
            "days": plan.weekday_list,
            "send_at": plan.send_at,
            "reply_window_hours": plan.reply_window_hours,
            "paused": plan.paused,
            "starts_on": plan.starts_on,
            "changed_at": plan.updated_at,
            "changed_by": staff(plan.updated_by_id),
        },
        "check_ins": [
            {
                "due_at": checkin.due_at,
                "state": checkin.get_state_display(),
                "sent_at": checkin.sent_at,
                "answered_at": checkin.answered_at,
                "reply": checkin.get_reply_display(),
            }
            for checkin in CheckIn.objects.filter(survivor=survivor).order_by("due_at", "id")
        ],
        "replies": [
            {"at": reply.received_at, "text": reply.body, "meaning": reply.meaning}
            for reply in InboundMessage.objects.filter(survivor=survivor).order_by(
                "received_at", "id"
            )
        ],
        "texts_stopped": [
            {"at": opt_out.created_at, "source": opt_out.source, "lifted_at": opt_out.lifted_at}
            for opt_out in SmsOptOut.objects.filter(survivor=survivor).order_by("created_at", "id")
        ],
    }
