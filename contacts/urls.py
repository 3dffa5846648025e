from django.urls import path

from .views import account, caseload, checkins, home, manager, programme
from .views import messages as message_views

urlpatterns = [
    path("", home.staff_home, name="staff-home"),
    path("login/", account.staff_login, name="staff-login"),
    path("logout/", account.staff_logout, name="staff-logout"),
    path("otp/verify/", account.otp_verify, name="staff-otp-verify"),
    path("otp/setup/", account.otp_setup, name="staff-otp-setup"),
    path("password/", account.password_change, name="staff-password-change"),
    # Programme side
    path("groups/", programme.group_list, name="staff-groups"),
    path("groups/new/", programme.group_create, name="staff-group-create"),
    path("groups/<int:group_id>/", programme.group_detail, name="staff-group"),
    path(
        "groups/<int:group_id>/sessions/new/",
        programme.session_create,
        name="staff-session-create",
    ),
    path("sessions/<int:session_id>/", programme.session_register, name="staff-register"),
    path(
        "sessions/<int:session_id>/clear/",
        programme.session_register_clear,
        name="staff-register-clear",
    ),
    path("register/import/", programme.register_import, name="staff-register-import"),
    path(
        "register/import/confirm/",
        programme.register_import_confirm,
        name="staff-register-import-confirm",
    ),
    path("participants/", programme.participant_list, name="staff-participants"),
    path("participants/new/", programme.participant_create, name="staff-participant-create"),
    path(
        "participants/<int:participant_id>/", programme.participant_detail, name="staff-participant"
    ),
    path(
        "participants/<int:participant_id>/status/",
        programme.participant_status,
        name="staff-participant-status",
    ),
    path(
        "participants/<int:participant_id>/concerns/",
        programme.participant_concern,
        name="staff-participant-concern",
    ),
    # WSS side
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
    path("alerts/<int:alert_id>/", caseload.alert_detail, name="staff-alert"),
    path("duty/", caseload.duty, name="staff-duty"),
    path("account/", caseload.account_settings, name="staff-account"),
    # Check-ins and SMS
    path("cases/<int:case_id>/check-ins/", checkins.checkin_plan, name="staff-case-checkins"),
    path("texts/", checkins.sms_texts, name="staff-sms-texts"),
    # Manager
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
    path("people/", manager.staff_list, name="staff-people"),
    path("people/new/", manager.staff_create, name="staff-person-create"),
    path("people/<int:user_id>/", manager.staff_edit, name="staff-person"),
    path("people/<int:user_id>/sessions/", manager.staff_sessions, name="staff-person-sessions"),
    path(
        "people/<int:user_id>/authenticator/",
        manager.staff_authenticator,
        name="staff-person-authenticator",
    ),
    path("people/<int:user_id>/password/", manager.staff_password, name="staff-person-password"),
    path("audit/", manager.audit_log, name="staff-audit"),
    path("disclosures/", manager.disclosure_list, name="staff-disclosures"),
    path("reports/", manager.reports, name="staff-reports"),
    path("reports/monthly.csv", manager.reports_csv, name="staff-reports-csv"),
    # The message line (issue 6)
    path("cases/<int:case_id>/messages/", message_views.case_thread, name="staff-case-messages"),
]
