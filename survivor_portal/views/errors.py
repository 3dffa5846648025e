"""Error pages (400, 403, 404, 405, 500 and a refused form post) for every page the
project serves, whatever DEBUG says about Django's own.

On the portal they are neutral: the site's neutral name, quick exit first, no
list of addresses, nothing about what the site is, ``Cache-Control: no-store``.
In the staff area they say what happened and offer a way back to the staff home.
A failure while rendering (the database down, for a 500) falls back to a fixed
page that still carries quick exit.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts import policy

from ..middleware import area_of

logger = logging.getLogger(__name__)

# (heading, text) for each error, on each side; hers in her language.
PORTAL_TEXT = {
    400: (
        gettext_lazy("Something went wrong"),
        gettext_lazy("That did not work. Go back and try again."),
    ),
    403: (
        gettext_lazy("Something went wrong"),
        gettext_lazy("That did not work. Go back and try again."),
    ),
    404: (
        gettext_lazy("Page not found"),
        gettext_lazy("There is no page at this address. Check it, or go to the start."),
    ),
    # A form-only address opened as a page (a bookmark, a typed address).
    405: (
        gettext_lazy("Something went wrong"),
        gettext_lazy("That did not work. Go back and try again."),
    ),
    500: (
        gettext_lazy("Something went wrong"),
        gettext_lazy("Sorry, there was a problem. Try again in a few minutes."),
    ),
    "csrf": (
        gettext_lazy("Something went wrong"),
        gettext_lazy("The form had expired. Go back, reload the page and try again."),
    ),
}
STAFF_TEXT = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: (
        "You cannot open this page",
        "Your account does not have access to this page. If you need it, ask a service manager.",
    ),
    404: ("Page not found", "There is no page at this address, or it is not yours to see."),
    405: ("This address is not a page", "It only takes a form. Go back and try again."),
    500: ("Something went wrong", "Sorry, there was a problem. Try again in a few minutes."),
    "csrf": (
        "The form had expired",
        "Nothing was saved. Go back, reload the page and try again.",
    ),
}

FALLBACK = (
    '<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Garden Club</title></head><body>"
    '<p><a href="/leave/" rel="nofollow noreferrer">{leave}</a></p>'
    "<h1>{heading}</h1><p>{text}</p>"
    '<p><a href="/">{start}</a></p></body></html>'
)


def fallback_page() -> str:
    """The fixed page for when an error page cannot be rendered, in the active
    language (the catalogues need no database)."""
    return FALLBACK.format(
        lang=escape(translation.get_language() or "en-gb"),
        dir="rtl" if translation.get_language_bidi() else "ltr",
        leave=escape(_("Leave this site")),
        heading=escape(_("Something went wrong")),
        text=escape(_("Sorry, there was a problem. Try again in a few minutes.")),
        start=escape(_("Go to the start")),
    )


def _is_staff_area(request: HttpRequest) -> bool:
    """The staff pages' own errors, for anyone but a survivor (who never sees
    that the staff area exists)."""
    user = getattr(request, "user", None)
    if user is not None and policy.is_survivor(user):
        return False
    return area_of(request.path_info) is not None


def error_page(request: HttpRequest, status: int, kind: int | str | None = None) -> HttpResponse:
    kind = kind or status
    staff = _is_staff_area(request)
    heading, text = (STAFF_TEXT if staff else PORTAL_TEXT)[kind]
    template = "staff/error.html" if staff else "portal/error.html"
    try:
        body: str = render_to_string(
            template,
            {
                "heading": heading,
                "text": text,
                "status": status,
                "staff_home": reverse("staff-home"),
            },
            request=request,
        )
    except Exception:
        logger.exception("error page %s could not be rendered", status)
        body = fallback_page()
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form post refused by the CSRF check: the reason goes to the log only."""
    logger.warning("form post refused by the CSRF check")
    return error_page(request, 403, "csrf")
