"""The smallest possible view: a liveness probe for load balancers, and the
peer that benchmarks compare real pages against (same server, same stack)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
