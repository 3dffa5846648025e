"""The request a signed-in page receives, for the type checker.

Django types ``request.user`` as ``User | AnonymousUser``. Every staff page is
behind ``staff_page`` and every one of her portal pages behind the portal's
sign-in check, so in those views the user is always our ``contacts.models.User``;
django-stubs' documented way to say so is a request class with a narrower
``user`` (django-stubs README, "How can I create a HttpRequest that's
guaranteed to have an authenticated user?"). It is used in annotations only:
Django still builds a plain ``HttpRequest``.
"""

from __future__ import annotations

from django.http import HttpRequest

from contacts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user has signed in (staff or survivor)."""

    user: User
