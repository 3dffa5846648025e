from django.urls import path

from .views import account, caseload, home, manager, programme

urlpatterns = [
    path("", home.staff_home, name="staff-home"),
    path("login/", account.staff_login, name="staff-login"),
    path("logout/", account.staff_logout, name="staff-logout"),
    path("otp/verify/", account.otp_verify, name="staff-otp-verify"),
    path("otp/setup/", account.otp_setup, name="staff-otp-setup"),
    # Programme side
    path("groups/", programme.group_list, name="staff-groups"),
    path("groups/<int:group_id>/", programme.group_detail, name="staff-group"),
    path("participants/", programme.participant_list, name="staff-participants"),
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
    # Manager
    path("allocations/", manager.allocation_list, name="staff-allocations"),
    path("allocations/<int:case_id>/", manager.allocation_change, name="staff-allocation-change"),
]
