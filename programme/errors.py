"""The programme side's errors: groups, participants, registers, status
changes, risk concerns and casework entries.

SPEC 2: nothing on the programme side may tell of anyone on the other side, so
no class or message here names her or her service (a test holds that).
"""

from __future__ import annotations

from contacts.errors import ServiceError


class ProgrammeError(ServiceError):
    """Programme-side records: groups, participants, status changes, risk concerns."""

    messages = {
        "group_name_taken": "There is already a group with that name.",
        "no_group_name": "Enter the group's name.",
        "reference_taken": "That reference is already in use.",
        "no_reference": "Enter the participant's reference.",
        "unknown_status": "Choose a status from the list.",
        "unknown_concern_kind": "Choose what kind of concern this is.",
        "unknown_urgency": "Choose how urgent this is.",
        "in_future": "The date cannot be in the future.",
        "entry_exists": (
            "This month's case-management entry has already been recorded. "
            "Anything new goes in next month's entry or in a report."
        ),
        "unknown_engagement": "Choose how he is engaging.",
        "unknown_outcome": "Choose an assessment outcome from the list.",
        "risk_incomplete": (
            "For a risk, give its kind, its date and how urgent it is, or leave all three empty."
        ),
        "unknown_report_kind": "Choose what kind of report this is.",
        "no_report_text": "Write the report.",
        "report_too_long": "Keep the report to 2,000 characters.",
        "concern_not_found": (
            "That concern is not on this participant's record. Nothing was changed."
        ),
        "concern_already_told": (
            "He has already been recorded as told about that concern. Nothing was changed."
        ),
        # Details he named, passed on (SPEC 13): nothing is kept when one is refused.
        "no_details_named": "Enter at least one person's name and phone number. Nothing was saved.",
        "too_many_named": "Enter at most 3 people at a time. Nothing was saved.",
        "no_name": "Enter each person's name. Nothing was saved.",
        "name_too_long": "Keep each name to 100 characters. Nothing was saved.",
        "bad_phone": (
            "That phone number cannot be right: enter a UK number such as 07700 900123, "
            "or a number abroad starting with + and its country code. Nothing was saved."
        ),
        "unknown_relationship": "Choose how each person is related to him. Nothing was saved.",
        "unknown_occasion": "Choose when he named them. Nothing was saved.",
        "no_where": "Choose where he told of this. Nothing was saved.",
        "not_passed_on": "The details could not be passed on. Nothing was saved: try again.",
    }


class RegisterError(ServiceError):
    messages = {
        "unknown_participant": "That person is not in this group.",
        "bad_mark": "Choose attended, late, missed or excused.",
        "incomplete": "Mark every person on the register before saving.",
        "not_started": (
            "This session has not started yet. Attendance can be recorded from its start "
            "time. Nothing was saved."
        ),
        "not_marked": "That person has no mark for this session.",
        "conflict": (
            "Someone else saved this register at the same moment. Nothing of yours was "
            "saved: check the marks and save again."
        ),
    }


class RegisterImportError(ServiceError):
    """A register file that cannot be imported; ``rows`` lists what is wrong."""

    messages = {
        "bad_file": "The file could not be imported. Nothing was changed.",
        "empty": "The file has no rows. Nothing was changed.",
        "too_big": "The file is too large (at most 2,000 rows). Nothing was changed.",
        "not_csv": "The file is not a CSV file saved as UTF-8. Nothing was changed.",
        "missing_columns": "The file's first row must name the columns. Nothing was changed.",
        "conflict": (
            "Someone else saved one of these registers at the same moment. Nothing was "
            "changed: check the file again."
        ),
    }

    def __init__(
        self, code: str, message: str | None = None, rows: list[str] | None = None
    ) -> None:
        super().__init__(code, message)
        self.rows = rows or []


class RecordsRequestError(ServiceError):
    """His subject access request (SPEC 12)."""

    messages = {
        "already_open": (
            "A request for this participant is already being answered. Wait until its "
            "file is ready (or could not be built) before recording another. Nothing was saved."
        ),
        "in_future": "The date received cannot be in the future. Nothing was saved.",
        "too_old": "The date received cannot be more than a year ago. Nothing was saved.",
        "not_recorder": "Only the person who recorded this request can download its file.",
        "not_ready": "The file is not ready yet. Come back to this page in a few minutes.",
        "expired": (
            "This file has expired and was deleted. Record the request again to build a new one."
        ),
        "failed": (
            "This file could not be built. Record the request again; if it fails again, "
            "tell the operations team."
        ),
    }
