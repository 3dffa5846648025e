"""Reads for her data-rights pages (SPEC 12): the erasure requests recorded
under a case id (kept after the case is erased)."""

from __future__ import annotations

from django.db.models import QuerySet

from survivors.models import ErasureRequest


def erasure_requests_for(*, case_id: int) -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.filter(case_id=case_id).select_related("decided_by")
