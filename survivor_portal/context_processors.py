"""The neutral branding (site name, colours, tab icon) for every template."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cms.models import BrandingSettings

CACHE_KEY = "portal-branding"
CACHE_SECONDS = 300  # a change empties the cache at once; this only bounds its life


def branding_for(request: HttpRequest) -> BrandingSettings:
    """Comms staff's branding for this site (cached: it changes rarely and is on
    every page); neutral defaults if no site is set up."""
    cached = getattr(request, "_portal_branding", None)
    if cached is not None:
        return cached
    host = request.get_host()
    by_host: dict[str, BrandingSettings] = cache.get(CACHE_KEY) or {}
    cached = by_host.get(host)
    if cached is None:
        try:
            cached = BrandingSettings.for_request(request)
        except BrandingSettings.DoesNotExist:
            cached = BrandingSettings()
        cached._request = None
        by_host[host] = cached
        cache.set(CACHE_KEY, by_host, CACHE_SECONDS)
    # Our own per-request cache on the request, not one of HttpRequest's attributes.
    request._portal_branding = cached  # type: ignore[attr-defined]
    return cached


def branding(request: HttpRequest) -> dict[str, Any]:
    return {"branding": SimpleLazyObject(lambda: branding_for(request))}


@receiver(post_save, sender=BrandingSettings)
@receiver(post_delete, sender=BrandingSettings)
def _forget_branding(**kwargs: object) -> None:
    cache.delete(CACHE_KEY)
