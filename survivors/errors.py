"""The Women's Support Service (WSS) side's errors: her case, its allocation,
casework, alerts, disclosures, cover, information sessions and items from the
programme, then the survivor portal's (shown to her, so translated).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contacts.errors import ServiceError

# A restricted case (SPEC 12) is kept, not used: every staff write says this.
RESTRICTED = (
    "This case is restricted: it is kept but not used. Nothing can be added or sent "
    "until the service manager lifts the restriction."
)


class AllocationError(ServiceError):
    messages = {
        "same_worker_for_linked_partners": (
            "This worker already supports someone linked to the same man. "
            "Choose a different worker."
        ),
        "not_a_wss_worker": "Cases can only be allocated to a WSS worker.",
        "no_name": "Enter the name she wants to be known by.",
    }


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
        "restricted": RESTRICTED,
    }


class ContactLogError(ServiceError):
    messages = {
        "in_future": "The contact cannot be in the future.",
        "unknown_kind": "Choose how the contact was made.",
        "unknown_outcome": "Choose what came of the contact.",
        "not_her_worker": (
            "Only her worker, or the duty worker while her worker is away, can log a contact."
        ),
        "restricted": RESTRICTED,
        # Attempts that break her safe-contact details are refused (SPEC 13).
        "voicemail_not_safe": (
            "Her safe-contact details say a voicemail is not safe, so a voicemail must not "
            "be left. Nothing was saved. If you called and she did not answer, log it as "
            '"No answer"; try again in her safe times.'
        ),
        "outside_safe_times": (
            "This call is outside her safe times, and she has not been reached yet. "
            "Nothing was saved. Call inside her safe times (listed under Safe contact), or, "
            'if it could not wait, tick "Urgent: call outside her safe times" and say why.'
        ),
        "urgent_reason_needed": (
            "Say why the call could not wait for her safe times. Nothing was saved."
        ),
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


class AlertError(ServiceError):
    messages = {
        "note_required": "Write a short note saying what you did about this alert.",
        "already_acknowledged": "This alert has already been acknowledged.",
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
        "restricted": RESTRICTED,
    }


class MaracError(ServiceError):
    messages = {
        "reason_required": (
            "Give the reason for not referring. A task raised by high risk can only be "
            "closed with a referral or a reason."
        ),
        "no_open_task": "There is no open referral task on this case.",
        # Sharing to protect her or someone else stays possible (SPEC 12).
        "restricted": RESTRICTED
        + " Information shared to protect her or someone else can still be recorded "
        "as a disclosure on her case.",
    }


class CoverError(ServiceError):
    messages = {
        "not_a_wss_worker": "Only a WSS worker can be marked away.",
        "not_allowed": "Only the worker herself or a service manager can mark her away.",
        "ends_before_start": "The last day away must be on or after the first.",
        "in_the_past": "The time away has already ended. Enter dates from today on.",
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
        "restricted": RESTRICTED,
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
        "restricted": RESTRICTED,
    }


class ContactChangeError(ServiceError):
    """A change of her safe-contact details by her worker (SPEC 12): how her
    identity was checked is part of the change."""

    messages = {
        "no_verification": (
            "Choose how you checked it was her (code word, in person, a call back on "
            "the number on file, or a professional's confirmed referral). Nothing was saved."
        ),
    }


# --- Her portal: shown to her, so lazy translations in her language -------------------


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
        # She sees this one; staff see RESTRICTED (the service passes it).
        "restricted": _(
            "You cannot change these settings from your account at the moment. "
            "You can still read them here."
        ),
    }


class MessageError(ServiceError):
    messages = {
        "empty": _("Write a message before sending."),
        "too_long": _("That message is too long."),
        "rate_limited": _("You have sent several messages in a short time. Wait a few minutes."),
        "not_her_worker": _("Only her current worker can reply."),
        # She sees this one; her worker sees RESTRICTED (the service passes it).
        "restricted": _(
            "You cannot send messages from your account at the moment. "
            "You can still read your messages here."
        ),
    }


class PlanError(ServiceError):
    """Her plan: survivor-facing, so translated."""

    messages = {
        "too_long": _("One of the parts is too long. Shorten it and save again."),
        "unknown_heading": _("That could not be saved."),
        "restricted": RESTRICTED,  # her worker's save only: her own plan stays hers
    }


class SubjectAccessError(ServiceError):
    """Her subject access request (SPEC 12): staff pages, English."""

    messages = {
        "in_progress": (
            "A records request for this case is already being prepared. "
            "Wait until it is ready before recording another."
        ),
        "received_in_future": "The date the request was received cannot be in the future.",
        "names_need_manager": "Only the service manager can choose to name staff in the export.",
        "not_recorder": "Only the person who recorded this request can download it.",
        "not_ready": "This download is not ready yet.",
        "expired": "This download has expired.",
        "not_allowed": "You cannot record a records request for this case.",
    }


class AccessAlertError(ServiceError):
    messages = {
        "note_required": "Write a short note saying what you found.",
        "already_acknowledged": "This alert was already acknowledged.",
    }


# --- Her data rights (SPEC 12): erasure, restriction, legal hold ----------------------


class DataRightsError(ServiceError):
    """Erasing, restricting or holding her case: the service manager's pages."""

    messages = {
        "legal_hold": (
            "This case is under a legal hold (court proceedings or a Domestic Homicide "
            "Review), so it cannot be erased. Lift the hold first if it has ended."
        ),
        "already_erased": "This case has already been erased.",
        "no_reason": "Give the reason.",
        "unknown_reason": "Choose a reason from the list.",
        "note_required": "Say in the note which reason the law allows.",
        "in_future": "The day she asked cannot be in the future.",
        "already_restricted": "This case is already restricted.",
        "not_restricted": "This case is not restricted.",
        "already_held": "This case is already under a legal hold.",
        "not_held": "This case is not under a legal hold.",
    }


# --- Referrals and first contact (SPEC 13): the triage queue ---------------------------


class ReferralError(ServiceError):
    """Recording an agency's referral and triaging the queue: staff pages, English."""

    messages = {
        "not_allowed_to_record": "Only a WSS worker or the service manager can record a referral.",
        "not_allowed": "Only the service manager or the duty worker can triage referrals.",
        "unknown_source": "Choose who made the referral from the list.",
        "no_name": "Enter her name, or the name she is known by.",
        "name_too_long": "Her name can be at most 100 characters.",
        "invalid_phone": "Enter her phone number, like 07700 900123 or +44 7700 900123.",
        "unknown_relationship": "Choose her relationship to him from the list, or leave it blank.",
        "unknown_day": "Choose her safe days from the list.",
        "safe_times_needed": (
            "Give both the start and the end of her safe time, or leave both blank."
        ),
        "window_order": "The end of her safe time must be after the start.",
        "already_decided": (
            "This referral has already been triaged (allocated, joined to a case or "
            "declined). Nothing was changed."
        ),
        "not_a_match": (
            "That case does not have the same phone number as this referral. "
            "Choose one of the matching cases."
        ),
        "restricted": (
            "That case is restricted: it is kept but not used, so a referral cannot join it. "
            "Ask the service manager, or allocate the referral as a new case."
        ),
        "unknown_reason": "Choose why the referral is declined.",
        "note_required": "Say in the note why the referral is declined.",
    }


# --- Referrals and first contact (SPEC 13): her own request to be contacted ----------


class ContactRequestError(ServiceError):
    """Her request, on the portal's public page, that someone get in touch."""

    messages = {
        "invalid_phone": _("Enter a phone number, like 07700 900123 or +44 7700 900123."),
        "times_order": _("The end time must be after the start time."),
        "unknown_day": _("Choose days from the list."),
        "too_many": _(
            "We cannot take another request from here just now. Please try again in an hour."
        ),
    }


# --- Outcomes, with her consent (SPEC 14): her choice, and the manager's questions -----


class OutcomesError(ServiceError):
    """Her choice about the outcome questions, her answers, and the questions
    themselves: staff pages, English. Her portal passes her own (translated)
    message for the restricted case."""

    messages = {
        "not_allowed": (
            "Only her worker (or the duty worker while her worker is away), or she from "
            "her own account, can record her choice. Nothing was saved."
        ),
        "not_her_worker": (
            "Only her worker, or the duty worker while her worker is away, can delete "
            "her answers. Nothing was deleted."
        ),
        "restricted": RESTRICTED,
        "not_agreed": "She has not agreed, so there is nothing to withdraw. Nothing was changed.",
        "no_answers": "She has no answers to delete. Nothing was changed.",
        "not_manager": "Only the service manager can change the questions. Nothing was saved.",
        "missing_text": (
            "Give the question's wording in every language ({languages}). Nothing was saved."
        ),
        "bad_scale": "The number of points must be a whole number from 2 to 11. Nothing was saved.",
        "label_count": (
            "Give one label per point, one a line, in every language: {points} labels "
            "for {points} points. Nothing was saved."
        ),
        "scale_has_answers": (
            "This question already has answers, so its number of points cannot change "
            "(the answers would no longer fit). Add a new question instead, and make "
            "this one inactive. Nothing was saved."
        ),
        "has_answers": (
            "This question has answers, so it cannot be deleted: make it inactive instead. "
            "Nothing was deleted."
        ),
    }


# --- Outcomes, with her consent (SPEC 14): answering a check-point ---------------------


class OutcomeAnswerError(ServiceError):
    """Answers to a check-point, saved by her worker or by her in her portal
    (so translated: staff pages show the English)."""

    messages = {
        "no_consent": _(
            "She has not agreed to answer these questions, so nothing was saved. "
            "Ask her first, and record her choice on her case."
        ),
        "not_due": _("These questions are no longer open, so nothing was saved."),
        "restricted": RESTRICTED,
        "not_allowed": _(
            "Only her worker, the duty worker while her worker is away, or she herself "
            "can save these answers."
        ),
        "unknown_question": _(
            "One of the answers is for a question that is not asked any more. "
            "Nothing was saved: reload the page and try again."
        ),
        "out_of_range": _(
            "One of the answers is not one of the choices. Nothing was saved: choose "
            "one of the choices, or “Prefer not to say”."
        ),
    }
