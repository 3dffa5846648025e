from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Check-ins and texts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from survivors.signals import nudge_wanted, survivor_erasing

        from . import receivers, tasks  # noqa: F401 - tasks register with Celery

        nudge_wanted.connect(receivers.queue_nudge, dispatch_uid="checkins-nudge")
        survivor_erasing.connect(receivers.erase_texts, dispatch_uid="checkins-erase")
