from django.apps import AppConfig


class SurvivorsConfig(AppConfig):
    name = "survivors"
    verbose_name = "Support service"
    default_auto_field = "django.db.models.BigAutoField"
