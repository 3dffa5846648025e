"""The programme side's staff pages, mounted at /staff/."""

from django.urls import path

from .views import casework, partners, programme, records_request

urlpatterns = [
    path("groups/", programme.group_list, name="staff-groups"),
    path("groups/new/", programme.group_create, name="staff-group-create"),
    path("groups/<int:group_id>/", programme.group_detail, name="staff-group"),
    path(
        "groups/<int:group_id>/sessions/new/",
        programme.session_create,
        name="staff-session-create",
    ),
    path("sessions/<int:session_id>/", programme.session_register, name="staff-register"),
    path("sessions/<int:session_id>/topic/", programme.session_topic, name="staff-session-topic"),
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
    path(
        "participants/<int:participant_id>/concerns/<int:concern_id>/told/",
        programme.participant_concern_told,
        name="staff-participant-concern-told",
    ),
    # Partner details he names, passed on one way (SPEC 13). The address says
    # neither (SPEC 4: no page address names a partner).
    path(
        "participants/<int:participant_id>/passed-on/",
        partners.participant_partners,
        name="staff-participant-partners",
    ),
    # Monthly case management and programme reports (SPEC 10)
    path("case-management/", casework.case_management, name="staff-case-management"),
    path(
        "participants/<int:participant_id>/case-management/",
        casework.case_entry,
        name="staff-participant-case-entry",
    ),
    path(
        "participants/<int:participant_id>/reports/",
        casework.report_add,
        name="staff-participant-report",
    ),
    # His records request (SPEC 12)
    path(
        "participants/<int:participant_id>/records-request/",
        records_request.records_request,
        name="staff-participant-records-request",
    ),
    path(
        "participants/<int:participant_id>/records-request/<int:records_request_id>/download/",
        records_request.records_download,
        name="staff-participant-records-download",
    ),
]
