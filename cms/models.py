"""Information pages and the neutral site branding, edited by comms staff."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from .blocks import ArticleBodyBlock


@register_setting(icon="site")
class BrandingSettings(BaseSiteSetting):
    """The neutral face of the site (SPEC 4): nothing here may name what it is."""

    site_name = models.CharField(max_length=40, default="Garden Club")
    short_name = models.CharField(max_length=12, default="Garden")
    primary_colour = models.CharField(max_length=7, default="#2f6b3b")
    quick_exit_url = models.URLField(
        default="https://www.bbc.co.uk/weather",
        help_text="Neutral page that quick exit goes to. Not personalised.",
    )
    sms_sender_name = models.CharField(
        max_length=11, default="Sam", help_text="The first name used in texts."
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("short_name"),
        FieldPanel("primary_colour"),
        FieldPanel("quick_exit_url"),
        FieldPanel("sms_sender_name"),
    ]

    class Meta:
        verbose_name = "branding"


class InformationIndexPage(Page):
    intro = models.TextField(blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.InformationPage"]
    template = "cms/information_index_page.html"


class InformationPage(Page):
    summary = models.TextField(blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)
    signed_in_only = models.BooleanField(
        default=False, help_text="Only show this page to people who have signed in."
    )
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    settings_panels = [*Page.settings_panels, FieldPanel("signed_in_only")]
    parent_page_types = ["cms.InformationIndexPage"]
    subpage_types: list[str] = []
    template = "cms/information_page.html"
