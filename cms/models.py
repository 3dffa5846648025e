"""Information pages, status explanations and the neutral site branding, edited
by comms staff in the Wagtail admin. Nothing else lives here: no survivor data
is reachable from the editor."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, TranslatableMixin

from contacts.discretion import discretion_words_in
from programme.models import ParticipantStatus

from .blocks import ArticleBodyBlock

# Header colours chosen for at least 4.5:1 contrast with white text (WCAG AA).
COLOUR_CHOICES = [
    ("#2f6b3b", "Green"),
    ("#1d4f91", "Blue"),
    ("#0b5563", "Teal"),
    ("#5a2d6e", "Plum"),
    ("#7a2e0e", "Brick"),
    ("#3d4448", "Slate"),
]
FAVICON_CHOICES = [("leaf", "Leaf"), ("sun", "Sun"), ("drop", "Drop")]


def discreet_page_check(*, title: str, slug: str, language: str | None = None) -> None:
    """Refuse a page title or address that names what the site is for (the one
    discretion list, ``DISCRETION_WORDS``, plus the page's language's own list):
    both show in the browser's history."""
    errors = {}
    words = discretion_words_in(slug, language=language)
    if words:
        errors["slug"] = (
            f"Page addresses show in the browser's history, so they cannot contain "
            f"“{words[0]}”. Choose a neutral address."
        )
    words = discretion_words_in(title, language=language)
    if words:
        errors["title"] = (
            f"Page titles show in the browser's tabs and history, so they cannot contain "
            f"“{words[0]}”. Choose a neutral title."
        )
    if errors:
        raise ValidationError(errors)


@register_setting(icon="site")
class BrandingSettings(BaseSiteSetting):
    """The neutral face of the site (SPEC 4): nothing here may name what it is."""

    site_name = models.CharField(
        max_length=40, default="Garden Club", help_text="Shown in every page title and header."
    )
    short_name = models.CharField(
        max_length=12, default="Garden", help_text="Used when the site is saved to a home screen."
    )
    primary_colour = models.CharField(max_length=7, default="#2f6b3b", choices=COLOUR_CHOICES)
    favicon = models.CharField("tab icon", max_length=10, default="leaf", choices=FAVICON_CHOICES)
    quick_exit_url = models.URLField(
        "quick exit address",
        default="https://www.bbc.co.uk/weather",
        help_text="Neutral page that quick exit goes to. Not personalised.",
    )
    sms_sender_name = models.CharField(
        "text message sender name",
        max_length=11,
        default="Sam",
        help_text="The first name used in texts.",
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("short_name"),
        FieldPanel("primary_colour"),
        FieldPanel("favicon"),
        FieldPanel("quick_exit_url"),
        FieldPanel("sms_sender_name"),
    ]

    class Meta:
        verbose_name = "branding"

    def __str__(self) -> str:
        return self.site_name

    @property
    def theme_class(self) -> str:
        return "theme-" + re.sub(r"[^0-9a-f]", "", self.primary_colour.lower())

    @property
    def favicon_path(self) -> str:
        name = self.favicon if self.favicon in dict(FAVICON_CHOICES) else "leaf"
        return "portal/icon.svg" if name == "leaf" else f"portal/icon-{name}.svg"

    def clean(self) -> None:
        super().clean()
        words = discretion_words_in(f"{self.site_name} {self.short_name} {self.sms_sender_name}")
        if words:
            raise ValidationError(f"The site's names must stay neutral: remove “{words[0]}”.")


def _same_language(one: str, other: str) -> bool:
    return one.lower().split("-")[0] == other.lower().split("-")[0]


def shown_in_other_language(page: Page) -> bool:
    """The page is in a language other than the one she reads the site in (no
    translation yet): the page says so, in her language."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    return not _same_language(page.locale.language_code, active)


class LanguageFallbackMixin:
    """Pages in her language where comms staff have translated them (Wagtail
    serves the tree of the active locale); a page without a translation is
    found in the default language's tree instead, never a 404 (SPEC 11)."""

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        try:
            return super().route(request, path_components)  # type: ignore[misc]
        except Http404:
            default = self.get_default_locale_version()
            if not path_components or default is None or default.pk == self.pk:  # type: ignore[attr-defined]
                raise
            return default.specific.route(request, path_components)

    def get_default_locale_version(self) -> Page | None:
        locale = Locale.get_default()
        if self.locale_id == locale.pk:  # type: ignore[attr-defined]
            return self
        return self.get_translation_or_none(locale)  # type: ignore[attr-defined]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        context["not_translated"] = shown_in_other_language(self)
        return context


def _may_read_restricted(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active)


class InformationIndexPage(LanguageFallbackMixin, Page):
    """The information hub: the list of articles."""

    intro = models.TextField(blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.InformationPage"]
    template = "cms/information_index_page.html"

    class Meta:
        verbose_name = "information hub"

    def clean(self) -> None:
        super().clean()
        discreet_page_check(title=self.title, slug=self.slug, language=self._language())

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # Every article of the default language's hub, each in her language
        # where a live translation exists (marked with its language if not).
        hub = self.get_default_locale_version() or self
        articles = (
            InformationPage.objects.child_of(hub).live().select_related("locale").order_by("path")
        )
        if not _may_read_restricted(request):
            articles = articles.filter(signed_in_only=False)
        articles = list(articles)
        active = translation.get_language() or settings.LANGUAGE_CODE
        translated = {}
        if not _same_language(hub.locale.language_code, active):
            translated = {
                page.translation_key: page
                for page in InformationPage.objects.live()
                .select_related("locale")
                .filter(translation_key__in=[a.translation_key for a in articles])
                .filter(locale__language_code__iexact=active)
            }
        shown = []
        for article in articles:
            page = translated.get(article.translation_key, article)
            page.portal_url = page.get_url(request) or article.get_url(request)
            language = page.locale.language_code
            page.portal_lang = "" if _same_language(language, active) else language
            shown.append(page)
        context["articles"] = shown
        return context

    def _language(self) -> str | None:
        return self.locale.language_code if self.locale_id else None


class InformationPage(LanguageFallbackMixin, Page):
    """An article: headings, text, callouts and helpline cards."""

    summary = models.TextField(blank=True, help_text="One or two sentences shown in the list.")
    body = StreamField(ArticleBodyBlock(), blank=True)
    signed_in_only = models.BooleanField(
        default=False, help_text="Only show this page to people who have signed in."
    )
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    settings_panels = [*Page.settings_panels, FieldPanel("signed_in_only")]
    parent_page_types = ["cms.InformationIndexPage"]
    subpage_types: list[str] = []
    template = "cms/information_page.html"

    class Meta:
        verbose_name = "information page"

    def clean(self) -> None:
        super().clean()
        discreet_page_check(
            title=self.title,
            slug=self.slug,
            language=self.locale.language_code if self.locale_id else None,
        )

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.signed_in_only and not _may_read_restricted(request):
            return HttpResponseRedirect("/")
        return super().serve(request, *args, **kwargs)


class StatusExplanation(TranslatableMixin, models.Model):
    """What each of his programme statuses can mean for her, in comms staff's
    words, per language (Wagtail's "Translate" action makes the copy to edit;
    her status page falls back to the default language's)."""

    status = models.CharField(max_length=20, choices=ParticipantStatus.choices)
    heading = models.CharField(max_length=120)
    text = RichTextField(features=["bold", "italic", "link", "ul"])
    more_page = models.ForeignKey(
        InformationPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An information page with more about this.",
    )

    panels = [
        FieldPanel("status"),
        FieldPanel("heading"),
        FieldPanel("text"),
        FieldPanel("more_page"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["status"]
        verbose_name = "status explanation"
        constraints = [
            models.UniqueConstraint(
                fields=["status", "locale"], name="one_explanation_per_language"
            )
        ]

    def __str__(self) -> str:
        return self.heading
