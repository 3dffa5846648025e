"""Reads, one module per topic; import from here."""

from .cases import (
    caseload_for_worker,
    group_detail,
    groups_list,
    participant_attendance,
    participant_next_session,
    participant_record,
    portal_status,
    survivor_for_worker,
)

__all__ = [
    "caseload_for_worker",
    "group_detail",
    "groups_list",
    "participant_attendance",
    "participant_next_session",
    "participant_record",
    "portal_status",
    "survivor_for_worker",
]
