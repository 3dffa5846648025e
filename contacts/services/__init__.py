"""Writes, one module per topic (HackSoftware Django-Styleguide); import from here."""

from .accounts import (
    staff_account_create,
    staff_account_update,
    staff_password_change,
    staff_password_reset,
    staff_roles_check,
    staff_totp_reset,
    user_sessions_revoke,
)
from .alerts import alert_acknowledge, alert_raise, alerts_for_linked_survivors
from .audit import audit_record
from .cases import (
    survivor_allocate,
    survivor_create,
    survivor_link_participant,
    survivor_open,
)
from .checkins import (  # check-ins and SMS
    checkin_plan_set,
    checkin_plans_reschedule_for,
    sms_nudge_queue,
    sms_opt_out_lift,
    sms_texts_update,
)
from .contact_log import contact_log_add
from .disclosures import disclosure_record
from .imports import register_import_apply, register_import_plan
from .messages import (
    message_clean_body,
    message_send_from_survivor,
    message_send_from_worker,
    thread_clear_for_survivor,
    thread_mark_read_by_survivor,
    thread_mark_read_by_worker,
)
from .outbox import outbox_enqueue
from .portal import (
    Window,
    activation_code_issue,
    contact_pause,
    duress_passphrase_clear,
    duress_passphrase_set,
    safe_contact_update,
    safe_contact_windows_normalise,
    survivor_activate,
    survivor_language_set,
    survivor_lockout_lift,
)
from .programme import (
    attendance_clear,
    attendance_register_submit,
    group_create,
    participant_create,
    register_participants,
    risk_concern_raise,
    session_create,
    session_has_started,
    status_change_record,
)

__all__ = [
    "message_clean_body",
    "message_send_from_survivor",
    "message_send_from_worker",
    "thread_clear_for_survivor",
    "thread_mark_read_by_survivor",
    "thread_mark_read_by_worker",
    "checkin_plan_set",
    "checkin_plans_reschedule_for",
    "outbox_enqueue",
    "sms_nudge_queue",
    "sms_opt_out_lift",
    "sms_texts_update",
    "Window",
    "activation_code_issue",
    "contact_pause",
    "duress_passphrase_clear",
    "duress_passphrase_set",
    "safe_contact_update",
    "safe_contact_windows_normalise",
    "survivor_activate",
    "survivor_language_set",
    "survivor_lockout_lift",
    "alert_acknowledge",
    "alert_raise",
    "attendance_register_submit",
    "contact_log_add",
    "disclosure_record",
    "group_create",
    "participant_create",
    "register_import_apply",
    "register_import_plan",
    "register_participants",
    "session_create",
    "attendance_clear",
    "session_has_started",
    "staff_account_create",
    "staff_account_update",
    "staff_password_change",
    "staff_password_reset",
    "staff_roles_check",
    "staff_totp_reset",
    "survivor_open",
    "user_sessions_revoke",
    "alerts_for_linked_survivors",
    "audit_record",
    "risk_concern_raise",
    "status_change_record",
    "survivor_allocate",
    "survivor_create",
    "survivor_link_participant",
]
