"""Display helpers for text other people wrote (messages)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from survivors.services.messages import message_clean_body

register = template.Library()


@register.filter
def plain_text(value: str) -> SafeString:
    """Show text as text: HTML escaped, direction overrides and control
    characters removed, line breaks kept."""
    cleaned = escape(message_clean_body(str(value or "")))
    return mark_safe(cleaned.replace("\n", "<br>"))  # noqa: S308 - escaped above
