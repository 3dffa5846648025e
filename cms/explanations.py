"""Comms staff's content as her status page shows it (SPEC 4, SPEC 10): the
explanation of his current status, and what the group covers next.

Read fresh on every visit, so a newly published, edited, unpublished or moved
page shows on her page at once, in every process.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page
from wagtail.templatetags.wagtailcore_tags import richtext

from cms.models import StatusExplanation


def _live_url(page: Page | None) -> str:
    """The page's address, "" when it is not set or not live."""
    if page is None or not page.live:
        return ""
    return page.get_url() or ""


def topic_shown(*, name: str, summary: str, page: Page | None) -> dict[str, Any]:
    """What the group covers next: the topic's name and sentence and the
    address of the page about it ("" when that page is not live or not set)."""
    return {"name": name, "summary": summary, "url": _live_url(page)}


def explanation_rendered(explanation: StatusExplanation, *, language: str) -> dict[str, Any]:
    """Heading, the rich text as HTML, the "read more" address ("" when the
    page is not live or not set), and the language the text is written in
    (``lang``, for the HTML ``lang`` attribute). ``fallback`` is true when that
    is not her ``language`` (SPEC 11): her page then says it is not translated
    yet and sets the text left to right, as English is written, even on a
    right-to-left page."""
    written_in = explanation.locale.language_code
    return {
        "heading": explanation.heading,
        "html": richtext(explanation.text),
        "more_url": _live_url(explanation.more_page),
        "lang": written_in,
        "fallback": written_in.lower().split("-")[0] != language.lower().split("-")[0],
    }
