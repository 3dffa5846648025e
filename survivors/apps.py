from django.apps import AppConfig


class SurvivorsConfig(AppConfig):
    name = "survivors"
    verbose_name = "Support service"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from contacts.signals import case_reads_recorded
        from programme.signals import partner_details_passed_on, programme_events_recorded

        from . import receivers, tasks  # noqa: F401 - tasks register with Celery

        programme_events_recorded.connect(
            receivers.wake_programme_events_consumer, dispatch_uid="survivors-programme-events"
        )
        partner_details_passed_on.connect(
            receivers.store_partner_referrals, dispatch_uid="survivors-partner-referrals"
        )
        case_reads_recorded.connect(receivers.check_case_reads, dispatch_uid="survivors-case-reads")
        # The staff menu's count of referrals waiting for triage (SPEC 13).
        from contacts.templatetags.staff_menu import MENU_COUNTS

        from .selectors.referrals import waiting_referral_count

        MENU_COUNTS["staff-referrals"] = waiting_referral_count
