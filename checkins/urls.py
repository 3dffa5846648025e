"""Check-in plans, the wording of the texts and the service's monthly report
(which counts check-ins), mounted at /staff/."""

from django.urls import path

from .views import checkins, reports, retention

urlpatterns = [
    path("cases/<int:case_id>/check-ins/", checkins.checkin_plan, name="staff-case-checkins"),
    path("texts/", checkins.sms_texts, name="staff-sms-texts"),
    path("reports/", reports.reports, name="staff-reports"),
    path("reports/monthly.csv", reports.reports_csv, name="staff-reports-csv"),
    # First-contact figures (SPEC 13).
    path("reports/first-contact/", reports.first_contact, name="staff-reports-first-contact"),
    path(
        "reports/first-contact.csv",
        reports.first_contact_csv,
        name="staff-reports-first-contact-csv",
    ),
    path("retention/", retention.retention, name="staff-retention"),
    # The commissioner report (SPEC 14).
    path("reports/commissioner/", reports.commissioner, name="staff-reports-commissioner"),
    path(
        "reports/commissioner.csv",
        reports.commissioner_csv,
        name="staff-reports-commissioner-csv",
    ),
]
