"""Her account as the portal's pages use it: the real one, or the decoy shown
to a session signed in with her second ("duress") passphrase.

Both classes answer the same questions and take the same actions, and the
views call them without knowing which they hold, so the decoy behaves exactly
like an ordinary account for whoever holds the phone (SPEC 4): a settings
change shows as saved, a message shows as sent in that session's own view, the
second-passphrase page accepts the passphrase the session signed in with as
"your usual passphrase". Meanwhile the decoy changes nothing real: what it
"saves" lives in this session's encrypted state (``portal_state``); only its
messages reach her worker, marked as sent under duress. Every write action
saves the session state in both classes, so both kinds of session change
alike.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from contacts.http import AuthenticatedHttpRequest
from survivors.errors import PortalError
from survivors.models import Message, ProgrammeItem, SessionInvitation, Survivor
from survivors.selectors import info_sessions as sessions_selectors
from survivors.selectors import messages as messages_selectors
from survivors.selectors import plan as plan_selectors
from survivors.selectors import portal as portal_selectors
from survivors.selectors import programme_items as items_selectors
from survivors.services import info_sessions as sessions_services
from survivors.services import messages as messages_services
from survivors.services import outcomes_consent
from survivors.services import plan as plan_services
from survivors.services import programme_items as items_services
from survivors.services.safe_contact import (
    Window,
    contact_pause,
    phone_normalise,
    safe_contact_update,
    safe_contact_windows_normalise,
    survivor_language_set,
)
from survivors.services.second_passphrase import duress_passphrase_clear, duress_passphrase_set

from .portal_state import PortalState, state_for, state_save


class RealAccount:
    def __init__(
        self, request: AuthenticatedHttpRequest, survivor: Survivor | None, state: PortalState
    ) -> None:
        self.request = request
        self.user = request.user
        self._survivor = survivor
        self.state = state

    @property
    def survivor(self) -> Survivor:
        """Her record, loaded only by the pages that need it (her status page
        reads what it shows through ``portal_home``)."""
        if self._survivor is None:
            self._survivor = self.user.survivor
        return self._survivor

    def _saved(self) -> None:
        state_save(self.request, self.state)

    # --- Reads --------------------------------------------------------------------

    def home(self) -> dict[str, Any]:
        return portal_selectors.portal_home(user=self.user)

    def safe_contact(self) -> dict[str, Any]:
        return {
            **portal_selectors.safe_contact_for_survivor(survivor=self.survivor),
            "language": self.survivor.language,
            "needs_interpreter": self.survivor.needs_interpreter,
        }

    def outcomes_choice(self) -> dict[str, bool]:
        """Whether she agreed to the outcome questions (SPEC 14), and whether
        she wants an invitation in her portal when they are due."""
        agreed = self.survivor.outcomes_consent_at is not None
        return {"agreed": agreed, "in_portal": agreed and self.survivor.outcomes_in_portal}

    def shared_notes(self) -> list[ProgrammeItem]:
        """What her worker chose to show her (SPEC 10); her first look is recorded."""
        items = items_selectors.programme_items_shown_to_her(survivor=self.survivor)
        items_services.programme_items_mark_seen(survivor=self.survivor, items=items)
        return items

    def invitations(self) -> list[SessionInvitation]:
        return sessions_selectors.invitations_for_her(survivor=self.survivor)

    def invitation_answer(self, *, invitation_id: int, coming: bool) -> None:
        sessions_services.invitation_answer(
            survivor=self.survivor, invitation_id=invitation_id, coming=coming
        )
        self._saved()

    def thread(self) -> list[Message]:
        messages = messages_selectors.thread_for_survivor(survivor=self.survivor)
        messages_services.thread_mark_read_by_survivor(survivor=self.survivor)
        return messages

    def plan(self) -> dict[str, str]:
        """Her plan, heading key -> text."""
        return plan_selectors.plan_steps(plan_selectors.plan_current(survivor=self.survivor))

    # --- Writes -------------------------------------------------------------------

    def safe_contact_update(self, **fields: Any) -> None:
        safe_contact_update(actor=self.user, survivor=self.survivor, **fields)
        self._saved()

    def plan_save(self, *, steps: dict[str, str]) -> None:
        plan_services.plan_save(actor=self.user, survivor=self.survivor, steps=steps)
        self._saved()

    def outcomes_set(self, *, agreed: bool, in_portal: bool) -> None:
        """Her choice (SPEC 14): agree (with or without portal invitations), or
        withdraw an agreement; not agreeing when she never had changes nothing."""
        if agreed:
            outcomes_consent.outcomes_consent_give(
                actor=self.user, survivor=self.survivor, in_portal=in_portal
            )
        elif self.survivor.outcomes_consent_at is not None:
            outcomes_consent.outcomes_consent_withdraw(actor=self.user, survivor=self.survivor)
        elif self.survivor.restricted_at is not None:
            # The same answer as the real service gives for a restricted case.
            raise PortalError("restricted")
        self._saved()

    def pause(self, *, paused: bool) -> None:
        contact_pause(survivor=self.survivor, paused=paused, actor=self.user)
        self._saved()

    def language_set(self, *, language: str, needs_interpreter: bool | None = None) -> None:
        survivor_language_set(
            actor=self.user,
            survivor=self.survivor,
            language=language,
            needs_interpreter=needs_interpreter,
        )
        self._saved()

    def second_passphrase_set(self, *, passphrase: str, current_passphrase: str) -> None:
        duress_passphrase_set(
            survivor=self.survivor,
            passphrase=passphrase,
            current_passphrase=current_passphrase,
            actor=self.user,
        )
        self._saved()

    def second_passphrase_remove(self, *, current_passphrase: str) -> None:
        duress_passphrase_clear(
            survivor=self.survivor, actor=self.user, current_passphrase=current_passphrase
        )
        self._saved()

    def message_send(self, *, body: str) -> None:
        messages_services.message_send_from_survivor(survivor=self.survivor, body=body)
        self._saved()

    def thread_clear(self) -> None:
        messages_services.thread_clear_for_survivor(survivor=self.survivor)
        self._saved()


class DecoyAccount(RealAccount):
    """An ordinary, new-looking account. The passphrase this session signed in
    with (her second one) plays the part of "your usual passphrase"."""

    @property
    def _settings(self) -> dict[str, Any]:
        return self.state.settings

    def _check_usual(self, passphrase: str) -> bool:
        return check_password(passphrase, self.survivor.duress_passphrase)

    # --- Reads --------------------------------------------------------------------

    def home(self) -> dict[str, Any]:
        return portal_selectors.portal_home(user=self.user, duress=True)

    def safe_contact(self) -> dict[str, Any]:
        saved = self._settings
        return {
            "safe_phone": saved.get("safe_phone", ""),
            "voicemail_safe": saved.get("voicemail_safe", False),
            "code_word": saved.get("code_word", ""),
            "sms_nudges": saved.get("sms_nudges", False),
            "contact_paused": saved.get("contact_paused", False),
            "has_second_passphrase": bool(saved.get("second")),
            # Her real language shows until this session changes it: a new
            # account in another language would look odd to whoever watches.
            "language": saved.get("language", self.survivor.language),
            "needs_interpreter": saved.get("needs_interpreter", False),
            "windows": [
                Window(weekday=w, starts_at=_time(a), ends_at=_time(b))
                for w, a, b in saved.get("windows", [])
            ],
        }

    def outcomes_choice(self) -> dict[str, bool]:
        """Only what this session chose (a new account has not agreed)."""
        agreed = bool(self._settings.get("outcomes_agreed", False))
        return {
            "agreed": agreed,
            "in_portal": agreed and bool(self._settings.get("outcomes_in_portal", False)),
        }

    def shared_notes(self) -> list[ProgrammeItem]:
        """An ordinary new account has nothing shared with it."""
        return []

    def invitations(self) -> list[SessionInvitation]:
        """...and no invitations."""
        return []

    def invitation_answer(self, *, invitation_id: int, coming: bool) -> None:
        # As a new account answering an invitation it does not have.
        raise PortalError("no_invitation")

    def thread(self) -> list[Message]:
        """Only what was sent from this session."""
        return list(
            Message.objects.filter(
                survivor=self.survivor, pk__in=self.state.message_ids, sent_under_duress=True
            ).order_by("created_at", "pk")
        )

    def plan(self) -> dict[str, str]:
        """Only what this session saved (a new account's plan starts empty)."""
        return plan_selectors.plan_steps(
            plan_selectors.plan_version_by_id(
                survivor=self.survivor, version_id=self._settings.get("plan")
            )
        )

    # --- Writes (nothing real changes) --------------------------------------------

    def plan_save(self, *, steps: dict[str, str]) -> None:
        """Kept apart from her plan (her worker sees it marked); this session
        shows it back as saved."""
        version = plan_services.plan_save_in_session(
            actor=self.user,
            survivor=self.survivor,
            steps=steps,
            previous_id=self._settings.get("plan"),
        )
        if version is not None:
            self._settings["plan"] = version.pk
        self._saved()

    def safe_contact_update(self, **fields: Any) -> None:
        # The real service's checks, in its order: the passphrase this session
        # signed in with plays her usual one (SPEC 12's re-ask behaves the same).
        if self.survivor.restricted_at is not None:
            raise PortalError("restricted")
        windows = safe_contact_windows_normalise(fields["windows"])
        phone = phone_normalise(fields["safe_phone"])
        if not self._check_usual(fields.get("current_passphrase", "")):
            raise PortalError("wrong_passphrase")
        self._settings.update(
            {
                "safe_phone": phone,
                "voicemail_safe": bool(fields["voicemail_safe"]),
                "code_word": (fields["code_word"] or "").strip(),
                "sms_nudges": bool(fields["sms_nudges"]),
                "windows": [
                    (w.weekday, w.starts_at.strftime("%H:%M"), w.ends_at.strftime("%H:%M"))
                    for w in windows
                ],
            }
        )
        self._saved()

    def pause(self, *, paused: bool) -> None:
        self._settings["contact_paused"] = bool(paused)
        self._saved()

    def outcomes_set(self, *, agreed: bool, in_portal: bool) -> None:
        """Shown back as saved in this session; her real choice is untouched."""
        if self.survivor.restricted_at is not None:
            raise PortalError("restricted")
        self._settings["outcomes_agreed"] = bool(agreed)
        self._settings["outcomes_in_portal"] = bool(agreed) and bool(in_portal)
        self._saved()

    def language_set(self, *, language: str, needs_interpreter: bool | None = None) -> None:
        codes = {code.lower(): code for code, _name in settings.LANGUAGES}
        if language and language.lower() not in codes:
            raise PortalError("unknown_language")
        self._settings["language"] = codes.get(language.lower(), "") if language else ""
        if needs_interpreter is not None:
            self._settings["needs_interpreter"] = bool(needs_interpreter)
        self._saved()

    def second_passphrase_set(self, *, passphrase: str, current_passphrase: str) -> None:
        # The same checks and the same hashing work as the real service.
        if not self._check_usual(current_passphrase):
            raise PortalError("wrong_passphrase")
        if self._check_usual(passphrase):
            raise PortalError("same_as_passphrase")
        try:
            validate_password(passphrase, user=self.user)
        except ValidationError as error:
            raise PortalError("weak_passphrase", " ".join(error.messages)) from error
        make_password(passphrase)
        self._settings["second"] = True
        self._saved()

    def second_passphrase_remove(self, *, current_passphrase: str) -> None:
        if not self._check_usual(current_passphrase):
            raise PortalError("wrong_passphrase")
        self._settings["second"] = False
        self._saved()

    def message_send(self, *, body: str) -> None:
        message = messages_services.message_send_from_survivor(
            survivor=self.survivor, body=body, under_duress=True
        )
        self.state.message_ids.append(message.pk)
        self._saved()

    def thread_clear(self) -> None:
        self.state.message_ids = []
        self._saved()


def _time(text: str) -> Any:
    from datetime import time

    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def account_for(request: AuthenticatedHttpRequest, survivor: Survivor | None = None) -> RealAccount:
    state = state_for(request)
    kind = DecoyAccount if state.quiet else RealAccount
    return kind(request, survivor, state)
