"""The Women's Support Service's staff pages (caseload, cases, alerts, duty,
messages; the manager's allocations and disclosures), mounted at /staff/."""

from django.urls import path

from .views import (
    access,
    caseload,
    casework,
    cover,
    data_rights,
    home,
    info_sessions,
    manager,
    programme_items,
    subject_access,
)
from .views import check_points as check_point_views
from .views import messages as message_views
from .views import outcomes as outcome_views
from .views import plan as plan_views
from .views import referrals as referral_views

urlpatterns = [
    # The staff home: each role's work for today (reads every side).
    path("", home.staff_home, name="staff-home"),
    path("caseload/", caseload.caseload, name="staff-caseload"),
    path("cases/<int:case_id>/", caseload.case_detail, name="staff-case"),
    path("cases/<int:case_id>/contacts/", caseload.contact_log_add, name="staff-case-contact"),
    path("cases/<int:case_id>/disclosures/", caseload.disclosure_add, name="staff-case-disclosure"),
    path(
        "cases/<int:case_id>/safe-contact/",
        caseload.case_safe_contact,
        name="staff-case-safe-contact",
    ),
    path("cases/<int:case_id>/code/", caseload.case_activation_code, name="staff-case-code"),
    path("cases/<int:case_id>/unlock/", caseload.case_unlock, name="staff-case-unlock"),
    # Her casework (SPEC 9)
    path("cases/<int:case_id>/stage/", casework.case_state, name="staff-case-state"),
    path("cases/<int:case_id>/reengage/", casework.case_reengage, name="staff-case-reengage"),
    path("cases/<int:case_id>/checklist/", casework.case_checklist, name="staff-case-checklist"),
    path(
        "cases/<int:case_id>/checklist/<int:assessment_id>/",
        casework.case_checklist_detail,
        name="staff-case-checklist-detail",
    ),
    path("cases/<int:case_id>/marac/refer/", casework.case_marac_refer, name="staff-case-marac"),
    path(
        "cases/<int:case_id>/marac/close/",
        casework.case_marac_close,
        name="staff-case-marac-close",
    ),
    path("cases/<int:case_id>/plan/", plan_views.case_plan, name="staff-case-plan"),
    path("alerts/<int:alert_id>/", caseload.alert_detail, name="staff-alert"),
    # Items from monthly case management and reports (SPEC 10)
    path("case-items/<int:item_id>/", programme_items.item_detail, name="staff-case-item"),
    path(
        "case-items/<int:item_id>/shared/",
        programme_items.item_shared,
        name="staff-case-item-shared",
    ),
    path(
        "case-items/<int:item_id>/show/", programme_items.item_portal, name="staff-case-item-show"
    ),
    path(
        "cases/<int:case_id>/case-management/",
        programme_items.case_management_disclosure,
        name="staff-case-management-disclosure",
    ),
    path("duty/", caseload.duty, name="staff-duty"),
    path("duty/cases/<int:case_id>/", cover.duty_case, name="staff-duty-case"),
    path("away/", cover.away, name="staff-away"),
    path("away/<int:absence_id>/end/", cover.away_end, name="staff-away-end"),
    path("account/", caseload.account_settings, name="staff-account"),
    path("cases/<int:case_id>/messages/", message_views.case_thread, name="staff-case-messages"),
    # Information sessions (SPEC 10)
    path("info-sessions/", info_sessions.session_list, name="staff-info-sessions"),
    path("info-sessions/new/", info_sessions.session_create, name="staff-info-session-create"),
    path(
        "info-sessions/<int:info_session_id>/",
        info_sessions.session_detail,
        name="staff-info-session",
    ),
    # The manager
    path("allocations/", manager.allocation_list, name="staff-allocations"),
    path("allocations/<int:case_id>/", manager.allocation_change, name="staff-allocation-change"),
    path("allocations/new/", manager.case_open, name="staff-case-open"),
    path("allocations/<int:case_id>/link/", manager.allocation_link, name="staff-allocation-link"),
    path("allocations/<int:case_id>/code/", manager.allocation_code, name="staff-allocation-code"),
    path(
        "allocations/<int:case_id>/unlock/",
        manager.allocation_unlock,
        name="staff-allocation-unlock",
    ),
    path(
        "allocations/<int:case_id>/sessions/",
        manager.allocation_sessions,
        name="staff-allocation-sessions",
    ),
    path("disclosures/", manager.disclosure_list, name="staff-disclosures"),
    # Her subject access request (SPEC 12)
    path(
        "cases/<int:case_id>/records-request/",
        subject_access.case_records_request,
        name="staff-case-records-request",
    ),
    path(
        "records-requests/<int:request_id>/download/",
        subject_access.records_request_download,
        name="staff-records-request-download",
    ),
    path("records-requests/", subject_access.records_request_list, name="staff-records-requests"),
    # Who read her record (SPEC 12): her worker and the manager; the manager's alerts.
    path("cases/<int:case_id>/reads/", access.case_reads, name="staff-case-reads"),
    path("access-alerts/", access.access_alerts, name="staff-access-alerts"),
    path(
        "access-alerts/<int:access_alert_id>/", access.access_alert_ack, name="staff-access-alert"
    ),
    # Her data rights (SPEC 12): the service manager only.
    path("cases/<int:case_id>/erase/", data_rights.case_erase, name="staff-case-erase"),
    path(
        "cases/<int:case_id>/erase/refuse/",
        data_rights.case_erasure_refuse,
        name="staff-case-erase-refuse",
    ),
    path("cases/<int:case_id>/restrict/", data_rights.case_restrict, name="staff-case-restrict"),
    path("cases/<int:case_id>/hold/", data_rights.case_hold, name="staff-case-hold"),
]

# Referrals and triage (SPEC 13): an agency's referral (any WSS worker or the
# manager); the queue and each referral's triage (the manager and the duty worker).
urlpatterns += [
    path("referrals/", referral_views.referral_queue, name="staff-referrals"),
    path("referrals/new/", referral_views.referral_new, name="staff-referral-new"),
    path("referrals/<int:referral_id>/", referral_views.referral_detail, name="staff-referral"),
    path(
        "referrals/<int:referral_id>/allocate/",
        referral_views.referral_allocate,
        name="staff-referral-allocate",
    ),
    path(
        "referrals/<int:referral_id>/join/",
        referral_views.referral_join,
        name="staff-referral-join",
    ),
    path(
        "referrals/<int:referral_id>/decline/",
        referral_views.referral_decline,
        name="staff-referral-decline",
    ),
]

# Outcomes, with her consent (SPEC 14): her choice and her answers (her worker);
# the questions, held as data (the service manager).
urlpatterns += [
    path(
        "cases/<int:case_id>/outcomes/consent/",
        outcome_views.case_outcomes_consent,
        name="staff-case-outcomes-consent",
    ),
    path(
        "cases/<int:case_id>/outcomes/delete-answers/",
        outcome_views.case_outcomes_delete,
        name="staff-case-outcomes-delete",
    ),
    path("outcome-questions/", outcome_views.question_list, name="staff-outcome-questions"),
    path("outcome-questions/new/", outcome_views.question_new, name="staff-outcome-question-new"),
    path(
        "outcome-questions/<int:question_id>/",
        outcome_views.question_edit,
        name="staff-outcome-question",
    ),
]

# Outcomes, with her consent (SPEC 14): her worker records her answers to a
# check-point during a call (her own worker only).
urlpatterns += [
    path(
        "cases/<int:case_id>/check-points/<int:check_point_id>/",
        check_point_views.case_check_point,
        name="staff-case-check-point",
    ),
]
