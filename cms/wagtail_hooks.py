"""Comms staff edit information pages, status explanations, group topics and
the branding."""

from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from programme.models import ProgrammeModule

from .models import StatusExplanation


class StatusExplanationViewSet(SnippetViewSet):
    model = StatusExplanation
    icon = "help"
    menu_label = "Status explanations"
    list_display = ["heading", "status"]
    add_to_admin_menu = True


class GroupTopicViewSet(SnippetViewSet):
    """What the groups work on (SPEC 10). Her status page names the next
    session's topic and links to its page, so the words are hers to read:
    neutral, and translated like the rest of her pages."""

    model = ProgrammeModule
    icon = "list-ul"
    menu_label = "Group topics"
    list_display = ["name", "summary", "locale"]
    add_to_admin_menu = True
    panels = [
        FieldPanel("name"),
        FieldPanel("summary"),
        PageChooserPanel("page", page_type="cms.InformationPage"),
    ]


register_snippet(StatusExplanationViewSet)
register_snippet(GroupTopicViewSet)
