"""Domain errors carry a stable code; views turn them into a plain message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    # Survivor-facing messages are lazy translations, shown in her language
    # (the one active when a view shows them); staff ones stay English.
    messages: dict[str, str] = {}

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or self.messages.get(code, _("That could not be done."))
        super().__init__(self.message)


class AllocationError(ServiceError):
    messages = {
        "same_worker_for_linked_partners": (
            "This worker already supports someone linked to the same man. "
            "Choose a different worker."
        ),
        "not_a_wss_worker": "Cases can only be allocated to a WSS worker.",
        "no_name": "Enter the name she wants to be known by.",
    }


class DisclosureError(ServiceError):
    messages = {
        "no_basis": (
            "Information can only be shared with her consent, for child safeguarding, "
            "or where there is a high risk of harm. Choose the basis."
        ),
        "no_agency": "Name the agency the information was shared with.",
        "consent_not_recorded": (
            "Sharing on the basis of her consent needs a note of when and how she gave it."
        ),
    }


# --- Staff side (issue 4) ---------------------------------------------------------


class AlertError(ServiceError):
    messages = {
        "note_required": "Write a short note saying what you did about this alert.",
        "already_acknowledged": "This alert has already been acknowledged.",
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


class AccountError(ServiceError):
    messages = {
        "username_taken": "That username is already in use. Choose another.",
        "bad_username": "Usernames use letters, numbers and . _ - only.",
        "no_role": "Choose at least one role.",
        "not_staff": "That is not a staff account.",
        "not_wss_for_duty": "Only WSS workers can be duty workers.",
        "own_account": "You cannot deactivate your own account.",
        "own_roles": "You cannot change your own roles. Ask another manager.",
        "both_sides": (
            "One account cannot hold a programme role and a support role. "
            "Programme workers and support staff need separate accounts."
        ),
        "manager_and_worker": (
            "A service manager cannot also be a WSS worker: managers never read "
            "her messages. Use a separate account for casework."
        ),
        "has_cases": (
            "This person still has cases. Reallocate each of them to another WSS worker "
            "first, then change the role."
        ),
    }


class ContactLogError(ServiceError):
    messages = {
        "in_future": "The contact cannot be in the future.",
        "unknown_kind": "Choose how the contact was made.",
        "unknown_outcome": "Choose what came of the contact.",
    }


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
    }


class ProgrammeItemError(ServiceError):
    """Items from the programme on her case (SPEC 10), WSS side."""

    messages = {
        "in_future": "The date cannot be in the future.",
        "already_shared": "Sharing this with her has already been recorded.",
        "not_a_report": "Only a report can be shown in her account.",
        "nothing_chosen": "Choose at least one paragraph of the report to show her.",
        "already_in_portal": "This report is already shown in her account.",
        "no_note": "Write a short note to go with it.",
    }


class InformationSessionError(ServiceError):
    """Information sessions (SPEC 10): setting one up and inviting her."""

    messages = {
        "in_past": "Choose a date and time in the future.",
        "no_place": "Say where the session is, or how to join online.",
        "bad_capacity": "Give how many women can come (1 or more).",
        "not_a_programme_worker": "Choose a programme worker to attend.",
        "same_man": (
            "Someone linked to the same man is already invited to this session. "
            "Choose a different session for her."
        ),
        "already_invited": "She is already invited to this session.",
        "full": "This session is full.",
        "session_over": "This session has already taken place.",
        "not_her_case": "Choose someone on your own caseload.",
        "contact_paused": (
            "She has paused all contact from her account. Do not invite her until she "
            "starts it again."
        ),
    }


class PortalError(ServiceError):
    """The survivor portal: activation, safe-contact settings, second passphrase."""

    messages = {
        "invalid_code": _(
            "That code did not work. It may have expired or been used already. "
            "Ask your worker for a new one."
        ),
        "already_active": _("This person already has an account. Issue a new code to reset it."),
        "no_invitation": _("That invitation is no longer open."),
        "username_invalid": _(
            "Choose a username of 3 to 40 letters, numbers, dots, dashes or underscores."
        ),
        # The activation page says the same whether a name is taken (by anyone,
        # staff or not), reserved, or not allowed: it names no other account.
        "username_unavailable": _(
            "That username cannot be used. Choose another: 3 to 40 letters, numbers, "
            "dots, dashes or underscores, not your real name."
        ),
        "activation_rate_limited": _("Too many tries. Wait 15 minutes, then try again."),
        "weak_passphrase": _("Choose a longer passphrase."),
        "not_allowed": _("Only her own worker or a service manager can do that."),
        "no_account": _("She has not set up her account yet."),
        "invalid_phone": _("Enter a phone number, like 07700 900123 or +44 7700 900123."),
        "window_order": _("The end time must be after the start time."),
        "same_as_passphrase": _("The second passphrase must be different from your usual one."),
        "wrong_passphrase": _("That is not your current passphrase."),
        "unknown_language": _("Choose a language from the list."),
    }


class MessageError(ServiceError):
    messages = {
        "empty": _("Write a message before sending."),
        "too_long": _("That message is too long."),
        "rate_limited": _("You have sent several messages in a short time. Wait a few minutes."),
        "not_her_worker": _("Only her current worker can reply."),
    }


# --- Her casework (issue 16) --------------------------------------------------------


class CaseError(ServiceError):
    messages = {
        "not_allowed": "A case cannot move to that stage from where it is now.",
        "unknown_state": "Choose a stage from the list.",
        "no_outcome": "Choose the outcome before closing the case.",
        "unknown_outcome": "Choose an outcome from the list.",
        "not_dormant": "Re-engagement is offered to dormant or quiet cases only.",
        "outside_safe_window": (
            "It is not one of her safe times now. Re-engagement can only be offered "
            "inside her safe times."
        ),
        "contact_paused": "She has paused all contact. Do not contact her.",
    }


class RiskAssessmentError(ServiceError):
    messages = {
        "no_questions": (
            "No checklist questions are loaded. The service loads its own wording "
            "first (see the README)."
        ),
        "incomplete": "Answer every question: yes, no or not known.",
        "unknown_answer": "Answer each question with yes, no or not known.",
        "unknown_question": "One of the answers is for a question that is not on the checklist.",
        "unknown_level": "Choose a level from the list.",
        "cannot_lower": (
            "Professional judgement can raise the level, never lower it below what the "
            "answers give."
        ),
        "reason_required": "Give the reason for raising the level.",
    }


class MaracError(ServiceError):
    messages = {
        "reason_required": (
            "Give the reason for not referring. A task raised by high risk can only be "
            "closed with a referral or a reason."
        ),
        "no_open_task": "There is no open referral task on this case.",
    }


class PlanError(ServiceError):
    """Her plan: survivor-facing, so translated."""

    messages = {
        "too_long": _("One of the parts is too long. Shorten it and save again."),
        "unknown_heading": _("That could not be saved."),
    }


class CoverError(ServiceError):
    messages = {
        "not_a_wss_worker": "Only a WSS worker can be marked away.",
        "not_allowed": "Only the worker herself or a service manager can mark her away.",
        "ends_before_start": "The last day away must be on or after the first.",
        "in_the_past": "The time away has already ended. Enter dates from today on.",
    }
