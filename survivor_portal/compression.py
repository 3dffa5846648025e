"""Compressed responses for her pages and the public pages, never the staff area.

Django's GZipMiddleware, with the staff area left out. Compression and secrets
can leak through response sizes (BREACH) when one compressed response carries
both a secret and text an attacker chooses, and the attacker can watch sizes.
On her pages and the public pages:

* the one token in the page is the CSRF token, which Django masks afresh on
  every response, so it never repeats from one response to the next;
* nothing from the request (query string, headers) is written back into the
  page; a form that shows what was typed does so only after a same-site POST,
  which another site cannot make (CSRF);
* Django's GZipMiddleware adds random bytes to every compressed response
  ("Heal The BREACH"), blurring sizes further.

The staff area (/staff/, /editor/, /ops/) carries far more secrets per page and
writes typed searches and filters back into its pages, so it is never
compressed: staff work on office connections where a few kilobytes do not matter.
Static files are compressed ahead of time by WhiteNoise and never reach here.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

from .middleware import area_of


class CompressionMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if area_of(request.path_info) is not None:
            return response
        return super().process_response(request, response)
