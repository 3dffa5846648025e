"""Permission decorators for staff pages: permissions at the edge (STYLE)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

View = Callable[..., HttpResponse]


def staff_page(check: Callable[[object], bool]) -> Callable[[View], View]:
    """Allow a staff page only to users for whom ``check(user)`` is true.

    The area middleware has already required a verified TOTP device; the page
    checks it again, so no path trick in front of the middleware can skip it."""

    def decorator(view: View) -> View:
        @never_cache
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            verified = getattr(request.user, "is_verified", None)
            if verified is None or not verified() or not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
