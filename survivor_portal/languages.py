"""Her language (SPEC 11): which language the portal speaks to her in.

Her language is hers: it is stored on her account (she chooses it in her
settings; her worker can set it on her case), and is never taken from the
browser's ``Accept-Language``, because the phone may be someone else's. Before
she signs in, a switch on the pages (the languages named in their own script)
sets a language for this visit only: it lives in the session, which quick exit
and sign-out end. At sign-in her stored language replaces the visit's.

The languages are ``settings.LANGUAGES``: adding one is a line there and a
``locale/<code>/LC_MESSAGES/django.po`` (docs/using.md, "Her language"). Django knows
which are written right to left. Staff pages stay in English.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from contacts import policy

from .middleware import area_of

SESSION_KEY = "portal_language"


def language_supported(code: str | None) -> str | None:
    """The code as settings.LANGUAGES spells it, or None if it is not offered."""
    wanted = (code or "").strip().lower()
    for known, _name in settings.LANGUAGES:
        if known.lower() == wanted:
            return known
    return None


def language_choices() -> list[tuple[str, str]]:
    """(code, name in its own script) for every offered language."""
    return [(code, name) for code, name in settings.LANGUAGES]


def language_is_rtl(code: str) -> bool:
    """Written right to left (Django knows: ur, ar, fa, he...)."""
    try:
        return bool(translation.get_language_info(code)["bidi"])
    except KeyError:
        return code.split("-")[0] in settings.LANGUAGES_BIDI


def languages(request: HttpRequest) -> dict[str, object]:
    """Template context: the offered languages, each named in its own script,
    with its direction, and the current one (for the switch and her settings)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "portal_languages": [
            {
                "code": code,
                "name": name,
                "dir": "rtl" if language_is_rtl(code) else "ltr",
                "current": code.lower() == current.lower(),
            }
            for code, name in settings.LANGUAGES
        ]
    }


def language_name(code: str | None) -> str:
    """The language's name in its own script ("" when none is chosen)."""
    return dict(settings.LANGUAGES).get(language_supported(code) or "", "")


def language_for_visit(request: HttpRequest, code: str | None) -> None:
    """Speak ``code`` to this visit (until sign-out, quick exit or sign-in)."""
    supported = language_supported(code)
    if supported is None:
        return
    request.session[SESSION_KEY] = supported
    translation.activate(supported)
    request.LANGUAGE_CODE = supported


def language_at_sign_in(request: HttpRequest, stored: str | None) -> None:
    """Her stored language wins over whatever this visit chose; with none
    stored, the visit's choice stays."""
    if language_supported(stored):
        language_for_visit(request, stored)
    else:
        request.session.setdefault(SESSION_KEY, "")


def language_of(request: HttpRequest) -> str:
    """The language of this request's pages: the session's (hers, or this
    visit's), else the service's default. Never the browser's."""
    return language_supported(request.session.get(SESSION_KEY)) or settings.LANGUAGE_CODE


class PortalLanguageMiddleware:
    """Activates her language for the portal's pages (not Django's
    ``LocaleMiddleware``, which reads ``Accept-Language`` and a cookie). The
    staff areas keep the default language (Wagtail's admin applies each staff
    member's own admin language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        survivor = policy.is_survivor(request.user)
        if area_of(request.path_info) is not None and not survivor:
            code = settings.LANGUAGE_CODE
        else:
            if policy.is_survivor(request.user) and SESSION_KEY not in request.session:
                # A session begun without the sign-in page (none in normal use):
                # her stored language, read once and kept with the session.
                from survivors.models import Survivor

                stored = (
                    Survivor.objects.filter(user=request.user)
                    .values_list("language", flat=True)
                    .first()
                )
                request.session[SESSION_KEY] = language_supported(stored) or ""
            code = language_of(request)
        request.LANGUAGE_CODE = code
        with translation.override(code):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response
