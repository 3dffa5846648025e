"""Her case as the Women's Support Service (WSS) side's staff pages open it:
for her own worker only (anyone else gets a 404, whether or not the case
exists), the read written to the audit log (SPEC 2)."""

from __future__ import annotations

from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import found, staff_read_record
from survivors.models import Survivor
from survivors.selectors import cases as cases_selectors


def own_case(
    request: AuthenticatedHttpRequest, case_id: int, action: AuditAction = AuditAction.SURVIVOR_VIEW
) -> Survivor:
    """Her record for her own WSS worker (anyone else: 404), the read audited."""
    survivor = found(cases_selectors.survivor_for_worker(worker=request.user, survivor_id=case_id))
    staff_read_record(request, action, obj=survivor)
    return survivor
