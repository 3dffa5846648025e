"""A status explanation as her status page shows it, rendered once per content.

Her page reads the current explanation's heading, text and "read more" page id
from the database in the same query as her own record, so a newly published
explanation shows at once, in every process, whatever the cache holds. What
costs time is the rest: turning the rich text into HTML and the page into an
address (Wagtail looks up the site and the page, two queries). That result is
cached under a digest of the text and the page id: a new or edited text is a new
key, so it never needs invalidating. Whether the page is live, and its address,
can change without the text changing; publishing, unpublishing, moving or
deleting any page starts a new generation of keys (at once where the cache is
shared, e.g. Redis; within CACHE_SECONDS for another process's local memory).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.safestring import mark_safe
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

GENERATION_KEY = "portal-explanations-generation"
CACHE_SECONDS = 300


def explanation_rendered(*, heading: str, text: str, more_page_id: int | None) -> dict[str, Any]:
    """Heading, HTML of the rich text, and the "read more" address ("" when the
    page is not live or not set)."""
    from wagtail.templatetags.wagtailcore_tags import richtext

    generation = cache.get(GENERATION_KEY, "0")
    digest = hashlib.sha256(f"{more_page_id}\x00{text}".encode()).hexdigest()
    key = f"portal-explanation:{generation}:{digest}"
    shown = cache.get(key)
    if shown is None:
        more_url = ""
        if more_page_id is not None:
            page = Page.objects.filter(pk=more_page_id, live=True).first()
            more_url = (page.get_url() or "") if page is not None else ""
        shown = {"html": str(richtext(text)), "more_url": more_url}
        cache.set(key, shown, CACHE_SECONDS)
    return {"heading": heading, "html": mark_safe(shown["html"]), "more_url": shown["more_url"]}  # noqa: S308 - Wagtail's own rich-text rendering


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _new_generation(**kwargs: object) -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def connect_page_deletes() -> None:
    """Page deletions start a new generation too. Connected per page model (from
    CmsConfig.ready): a receiver for every model would turn every bulk delete in
    the project into a row-by-row one."""
    from wagtail.models import get_page_models

    for model in get_page_models():
        post_delete.connect(_new_generation, sender=model, dispatch_uid=f"explanations-{model}")
