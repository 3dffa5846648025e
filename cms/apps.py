from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Information pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import explanations

        explanations.connect_page_deletes()
