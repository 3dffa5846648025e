from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Information pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import explanations

        explanations.connect_page_deletes()


class StaffOnlyUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, kept to staff accounts (see ``cms.users``)."""

    user_viewset = "cms.users.UserViewSet"
