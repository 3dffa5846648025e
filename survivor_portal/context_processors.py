"""The neutral branding (site name, colours, tab icon) for every template."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cms.models import BrandingSettings

CACHE_KEY = "portal-branding"
CACHE_SECONDS = 300  # other processes see a change within five minutes
# Each process also keeps its own copy this long, so a page costs no round trip
# to a shared cache (Redis) for it; a change reaches other processes within it.
LOCAL_SECONDS = 30
_local: dict[str, tuple[float, BrandingSettings]] = {}


def branding_for(request: HttpRequest) -> BrandingSettings:
    """Comms staff's branding for this site (cached: it changes rarely and is on
    every page); neutral defaults if no site is set up."""
    cached = getattr(request, "_portal_branding", None)
    if cached is not None:
        return cached
    host = request.get_host()
    held = _local.get(host)
    if held is not None and held[0] > time.monotonic():
        request._portal_branding = held[1]
        return held[1]
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
    _local[host] = (time.monotonic() + LOCAL_SECONDS, cached)
    request._portal_branding = cached
    return cached


def branding(request: HttpRequest) -> dict[str, Any]:
    return {"branding": SimpleLazyObject(lambda: branding_for(request))}


@receiver(post_save, sender=BrandingSettings)
@receiver(post_delete, sender=BrandingSettings)
def _forget_branding(**kwargs: object) -> None:
    _local.clear()
    cache.delete(CACHE_KEY)
