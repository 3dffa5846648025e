"""Content Security Policy by area (django-csp 4).

Her portal and the staff pages get the strict ``CONTENT_SECURITY_POLICY``.
The Wagtail admin (/editor/) and the Django admin (/ops/) get their own policy
(``AREA_CONTENT_SECURITY_POLICIES``) instead of none at all: Wagtail's admin
ships inline scripts and styles, so 'unsafe-inline' is allowed there and only
there; both keep to their own origin, no plugins, no framing by another site."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class AreaCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        for prefix, directives in settings.AREA_CONTENT_SECURITY_POLICIES.items():
            if request.path_info.startswith(prefix):
                parts.config = dict(directives)
                break
        return parts
