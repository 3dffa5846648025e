"""``{{ survivor.language|language_name }}``: her language named in its own script."""

from __future__ import annotations

from django import template

from survivor_portal.languages import language_name as _language_name

register = template.Library()


@register.filter
def language_name(code: str | None) -> str:
    return _language_name(code)
