"""Permission decorators for staff pages: permissions at the edge (STYLE); what a
missing object means (a 404, decided here, never in a selector); and the one
place staff reads are written to the audit log (SPEC 2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.cache import never_cache

from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction, User
from contacts.services import audit

View = Callable[..., HttpResponseBase]
Found = TypeVar("Found")


def found(value: Found | None) -> Found:
    """What a selector found, or a 404 (the same answer whether the object does
    not exist or the user may not see it: no existence leak)."""
    if value is None:
        raise Http404
    return value


def staff_read_record(
    request: AuthenticatedHttpRequest,
    action: AuditAction,
    obj: Model | None = None,
    survivor: Model | None = None,
    *,
    shown: Iterable[int] | None = None,
) -> None:
    """Every staff read worth auditing (a case, a list of cases, messages,
    check-ins, the audit log itself, an operations page) is written here. A
    list page passes ``shown``, the ids of the cases it showed: one row each (SPEC 12)."""
    audit.audit_reads_record(
        actor=request.user, action=action, obj=obj, survivor=survivor, shown=shown
    )


def staff_page(check: Callable[[User | AnonymousUser], bool]) -> Callable[[View], View]:
    """Allow a staff page only to users for whom ``check(user)`` is true.

    The area middleware has already required a verified TOTP device; the page
    checks it again, so no path trick in front of the middleware can skip it."""

    def decorator(view: View) -> View:
        @never_cache
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            verified = getattr(request.user, "is_verified", None)
            if verified is None or not verified() or not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
