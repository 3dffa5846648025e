"""Comms staff edit information pages, status explanations and the branding."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import StatusExplanation


class StatusExplanationViewSet(SnippetViewSet):
    model = StatusExplanation
    icon = "help"
    menu_label = "Status explanations"
    list_display = ["heading", "status"]
    add_to_admin_menu = True


register_snippet(StatusExplanationViewSet)
