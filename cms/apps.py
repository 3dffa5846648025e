from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Information pages"
    default_auto_field = "django.db.models.BigAutoField"


class StaffOnlyUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, kept to staff accounts (see ``cms.users``)."""

    user_viewset = "cms.users.UserViewSet"
