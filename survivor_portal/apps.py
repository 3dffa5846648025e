from django.apps import AppConfig


class SurvivorPortalConfig(AppConfig):
    name = "survivor_portal"
    verbose_name = "Portal"
