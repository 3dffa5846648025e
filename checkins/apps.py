from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Check-ins and texts"
    default_auto_field = "django.db.models.BigAutoField"
