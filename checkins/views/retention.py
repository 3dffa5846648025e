"""The retention schedule and the last runs' counts (SPEC 12), for the service
manager: record types and numbers only, never what was deleted."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from checkins.selectors import retention as retention_selectors
from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.views.common import staff_page


@staff_page(policy.can_read_audit_and_reports)
def retention(request: AuthenticatedHttpRequest) -> HttpResponse:
    types = retention_selectors.RECORD_TYPES
    runs = [
        {
            "run": run,
            "counts": [(kind.label, run.counts.get(key)) for key, kind in types.items()],
        }
        for run in retention_selectors.purge_runs_recent()
    ]
    return render(
        request,
        "staff/retention.html",
        {"schedule": retention_selectors.retention_schedule(), "runs": runs},
    )
