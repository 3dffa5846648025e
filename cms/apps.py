from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Information pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(locales_ensure, sender=self)


def locales_ensure(**kwargs: object) -> None:
    """A Wagtail locale for every language in settings (after every migrate), so
    comms staff can translate pages and explanations into a newly added
    language with no code change (SPEC 11)."""
    from django.conf import settings
    from django.db import DEFAULT_DB_ALIAS
    from wagtail.models import Locale

    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.using(using).get_or_create(language_code=code)


class StaffOnlyUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, kept to staff accounts (see ``cms.users``)."""

    user_viewset = "cms.users.UserViewSet"
