"""A status explanation as her status page shows it, rendered once per content.

Her page reads the current explanation's heading, text and "read more" page id
from the database in the same query as her own record, so a newly published
explanation shows at once, in every process. What costs time is the rest:
turning the rich text into HTML and the page into an address (Wagtail looks up
the site and the page: two queries). That result is kept in each process's
memory under a digest of the text and the page id: a new or edited text is a
new key, so it never needs invalidating. Whether the page is live, and its
address, can change without the text changing: publishing, unpublishing,
moving or deleting a page empties this process's copy at once, and every
copy expires after LOCAL_SECONDS, so other processes follow within that.

Process memory rather than the shared cache: a page then costs no round trip
to Redis for this, and nothing here is personal.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.safestring import mark_safe
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

LOCAL_SECONDS = 30
MAX_HELD = 200
_held: dict[str, tuple[float, str, str]] = {}


def _kept(digest: str, make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """``make()`` (rendered HTML, page address), kept under ``digest`` in this
    process for LOCAL_SECONDS."""
    now = time.monotonic()
    held = _held.get(digest)
    if held is None or held[0] <= now:
        if len(_held) >= MAX_HELD:
            _held.clear()
        held = (now + LOCAL_SECONDS, *make())
        _held[digest] = held
    return held[1], held[2]


def _live_page_url(page_id: int | None) -> str:
    """The page's address, "" when the page is not live or not set."""
    if page_id is None:
        return ""
    page = Page.objects.filter(pk=page_id, live=True).first()
    return (page.get_url() or "") if page is not None else ""


def topic_shown(*, name: str, summary: str, page_id: int | None) -> dict[str, Any]:
    """What the group covers next, as her page shows it (SPEC 10): the topic's
    name and sentence and the address of the page about it ("" when that page
    is not live or not set). Only the address is looked up, and kept as above."""
    _, url = _kept(f"topic-page:{page_id}", lambda: ("", _live_page_url(page_id)))
    return {"name": name, "summary": summary, "url": url}


def explanation_rendered(*, heading: str, text: str, more_page_id: int | None) -> dict[str, Any]:
    """Heading, HTML of the rich text, and the "read more" address ("" when the
    page is not live or not set)."""

    def make() -> tuple[str, str]:
        from wagtail.templatetags.wagtailcore_tags import richtext

        return str(richtext(text)), _live_page_url(more_page_id)

    digest = hashlib.sha256(f"{more_page_id}\x00{text}".encode()).hexdigest()
    html, more_url = _kept(digest, make)
    return {"heading": heading, "html": mark_safe(html), "more_url": more_url}  # noqa: S308 - Wagtail's own rich-text rendering


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def forget_rendered(**kwargs: object) -> None:
    _held.clear()


def connect_page_deletes() -> None:
    """Page deletions empty the copy too. Connected per page model (from
    CmsConfig.ready): a receiver for every model would turn every bulk delete
    in the project into a row-by-row one."""
    from wagtail.models import get_page_models

    for model in get_page_models():
        post_delete.connect(forget_rendered, sender=model, dispatch_uid=f"explanations-{model}")
