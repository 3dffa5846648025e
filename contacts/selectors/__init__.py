"""Reads, one module per topic; import from here."""

from .audit import audit_actions, audit_events
from .cases import (
    alert_for_actor,
    case_record,
    caseload_for_worker,
    duty_alerts,
    group_detail,
    groups_list,
    participant_attendance,
    participant_next_session,
    participant_record,
    survivor_for_worker,
)
from .messages import (
    message_counts_by_month,
    thread_for_survivor,
    thread_for_worker,
    unread_counts_for_worker,
)
from .portal import (
    portal_account_state,
    portal_home,
    portal_survivor,
    safe_contact_for_survivor,
)
from .reports import monthly_report
from .staff import (
    allocations,
    disclosures_for_manager,
    role_rule_violations,
    staff_account,
    staff_accounts,
    survivor_for_manager,
)

__all__ = [
    "message_counts_by_month",
    "thread_for_survivor",
    "thread_for_worker",
    "unread_counts_for_worker",
    "portal_account_state",
    "portal_home",
    "portal_survivor",
    "safe_contact_for_survivor",
    "alert_for_actor",
    "allocations",
    "audit_actions",
    "audit_events",
    "case_record",
    "disclosures_for_manager",
    "duty_alerts",
    "monthly_report",
    "role_rule_violations",
    "staff_account",
    "staff_accounts",
    "survivor_for_manager",
    "caseload_for_worker",
    "group_detail",
    "groups_list",
    "participant_attendance",
    "participant_next_session",
    "participant_record",
    "survivor_for_worker",
]
