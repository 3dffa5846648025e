"""Her choice about the outcome questions (SPEC 14): she agrees that her
answers are used to show what the service achieves, or withdraws, and may ask
to delete them.

She chooses from her own account, or tells her worker (or the duty worker
while her worker is away), who records it. Agreeing also records whether she
wants a neutral invitation in her portal when a check-point is due.
Withdrawing keeps her answers but none of them counts any more: the report
reads only women whose ``outcomes_consent_at`` is set. Deleting her answers,
at her request, removes every answer of hers and changes nothing else. A
restricted case (SPEC 12) is kept, not used: every one of these is refused.
Every change is audited in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contacts import policy
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import OutcomesError, PortalError
from survivors.models import OutcomeAnswer, Survivor
from survivors.selectors.cover import covered_worker
from survivors.services.check_points import check_points_consent_given
from survivors.services.safe_contact import from_her_account


def _her_worker_or_cover(actor: User, survivor: Survivor) -> bool:
    """Her own worker, or the duty worker covering her case while her worker
    is away (SPEC 9)."""
    if survivor.worker_id == actor.pk and policy.can_work_with_survivor(actor, survivor):
        return True
    return policy.is_wss_worker(actor) and covered_worker(user=actor, survivor=survivor) is not None


def _refuse_if_restricted(*, survivor: Survivor, by_her: bool) -> None:
    if survivor.restricted_at is not None:  # kept, not used (SPEC 12)
        if by_her:
            # She sees her own, translated wording (the portal's).
            raise OutcomesError("restricted", PortalError.messages["restricted"])
        raise OutcomesError("restricted")


def _locked(survivor: Survivor) -> Survivor:
    """Her row, locked for this transaction, so two saves cannot interleave."""
    return Survivor.objects.select_for_update().get(pk=survivor.pk)


def _refresh(survivor: Survivor, row: Survivor) -> None:
    survivor.outcomes_consent_at = row.outcomes_consent_at
    survivor.outcomes_withdrawn_at = row.outcomes_withdrawn_at
    survivor.outcomes_in_portal = row.outcomes_in_portal


def outcomes_consent_give(*, actor: User, survivor: Survivor, in_portal: bool) -> Survivor:
    """She agrees (again, after a withdrawal: from now). When she has already
    agreed, only her choice of portal invitations changes; the date of her
    agreement stays. Saving the same choice again writes nothing."""
    by_her = from_her_account(actor, survivor)
    if not by_her and not _her_worker_or_cover(actor, survivor):
        raise OutcomesError("not_allowed")
    _refuse_if_restricted(survivor=survivor, by_her=by_her)
    with transaction.atomic():
        row = _locked(survivor)
        if row.outcomes_consent_at is None:
            row.outcomes_consent_at = timezone.now()
            row.outcomes_withdrawn_at = None
            row.outcomes_in_portal = bool(in_portal)
            row.save(
                update_fields=["outcomes_consent_at", "outcomes_withdrawn_at", "outcomes_in_portal"]
            )
            audit_record(actor=actor, action=AuditAction.OUTCOMES_CONSENT_GIVE, obj=row)
            # What his register already calls for is due from now (SPEC 14).
            check_points_consent_given(survivor=row)
        elif row.outcomes_in_portal != bool(in_portal):
            row.outcomes_in_portal = bool(in_portal)
            row.save(update_fields=["outcomes_in_portal"])
            audit_record(actor=actor, action=AuditAction.OUTCOMES_CONSENT_CHANGE, obj=row)
    _refresh(survivor, row)
    return survivor


def outcomes_consent_withdraw(*, actor: User, survivor: Survivor) -> Survivor:
    """She withdraws: her answers are kept but stop counting in any report, and
    no invitation goes to her portal."""
    by_her = from_her_account(actor, survivor)
    if not by_her and not _her_worker_or_cover(actor, survivor):
        raise OutcomesError("not_allowed")
    _refuse_if_restricted(survivor=survivor, by_her=by_her)
    with transaction.atomic():
        row = _locked(survivor)
        if row.outcomes_consent_at is None:
            raise OutcomesError("not_agreed")
        row.outcomes_consent_at = None
        row.outcomes_withdrawn_at = timezone.now()
        row.outcomes_in_portal = False
        row.save(
            update_fields=["outcomes_consent_at", "outcomes_withdrawn_at", "outcomes_in_portal"]
        )
        audit_record(actor=actor, action=AuditAction.OUTCOMES_CONSENT_WITHDRAW, obj=row)
    _refresh(survivor, row)
    return survivor


def outcomes_answers_delete(*, actor: User, survivor: Survivor) -> int:
    """At her request, her worker deletes every answer she gave, at every
    check-point; her choice and her check-points stay as they are. Returns
    how many answers went."""
    if not _her_worker_or_cover(actor, survivor):
        raise OutcomesError("not_her_worker")
    _refuse_if_restricted(survivor=survivor, by_her=False)
    with transaction.atomic():
        row = _locked(survivor)
        deleted, _by_model = OutcomeAnswer.objects.filter(check_point__survivor=row).delete()
        if not deleted:
            raise OutcomesError("no_answers")
        audit_record(actor=actor, action=AuditAction.OUTCOMES_ANSWERS_DELETE, obj=row)
    return deleted
