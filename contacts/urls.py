"""Staff pages both sides use: sign-in, the second factor, their own password,
and the manager's staff accounts and audit log. Mounted at /staff/ beside each
app's own pages (``survivor_portal.urls``); the staff home reads every side, so
it is in ``survivors.urls``."""

from django.urls import path

from contacts.views import account, breaches, people

urlpatterns = [
    path("login/", account.staff_login, name="staff-login"),
    path("logout/", account.staff_logout, name="staff-logout"),
    path("otp/verify/", account.otp_verify, name="staff-otp-verify"),
    path("otp/setup/", account.otp_setup, name="staff-otp-setup"),
    path("password/", account.password_change, name="staff-password-change"),
    path("security/", account.security, name="staff-security"),
    path("people/", people.staff_list, name="staff-people"),
    path("people/new/", people.staff_create, name="staff-person-create"),
    path("people/<int:user_id>/", people.staff_edit, name="staff-person"),
    path("people/<int:user_id>/sessions/", people.staff_sessions, name="staff-person-sessions"),
    path(
        "people/<int:user_id>/authenticator/",
        people.staff_authenticator,
        name="staff-person-authenticator",
    ),
    path("people/<int:user_id>/password/", people.staff_password, name="staff-person-password"),
    path("audit/", people.audit_log, name="staff-audit"),
    path("audit/export.csv", people.audit_log_csv, name="staff-audit-csv"),
    # Breaches (SPEC 12): the manager's register, and one account's audit rows.
    path("breaches/", breaches.breach_list, name="staff-breaches"),
    path("breaches/new/", breaches.breach_create, name="staff-breach-create"),
    path("breaches/<int:breach_id>/", breaches.breach_edit, name="staff-breach"),
    path("people/<int:user_id>/reads.csv", breaches.account_reads_csv, name="staff-person-reads"),
]
