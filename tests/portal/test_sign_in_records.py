"""What django-axes keeps of her sign-ins (SPEC 8): only failures,
without her browser's user agent, and only for the lockout cool-off."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessLog
from django.test import Client
from django.utils import timezone

from checkins.models import PurgeRun
from contacts.models import AuditEvent

from .test_sign_in import PASSPHRASE

BROWSER = "Mozilla/5.0 (Linux; Android 14; SM-A145R) Chrome/130.0 Mobile Safari/537.36"


def test_her_successful_sign_ins_and_sign_outs_leave_no_access_log(world) -> None:
    username = world.survivor_a.user.username
    for address in ("10.3.3.3", "10.4.4.4"):
        client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
        response = client.post("/", {"username": username, "passphrase": PASSPHRASE})
        assert response.status_code == 303
        client.post("/sign-out/")
    assert AccessLog.objects.count() == 0
    # Her sign-in is still on her record for her worker (audit, ids only).
    assert AuditEvent.objects.filter(action="portal.sign_in", survivor_id=world.survivor_a.pk)


def test_a_failed_sign_in_keeps_what_lockout_needs_and_not_her_browser(world) -> None:
    username = world.survivor_a.user.username
    client = Client(REMOTE_ADDR="10.5.5.5", HTTP_USER_AGENT=BROWSER)
    assert client.post("/", {"username": username, "passphrase": "wrong"}).status_code == 400
    attempt = AccessAttempt.objects.get(username=username)
    assert attempt.failures_since_start == 1 and attempt.ip_address == "10.5.5.5"
    assert attempt.user_agent == "" and attempt.http_accept == ""
    assert PASSPHRASE not in attempt.post_data and "wrong" not in attempt.post_data
    # Signing in clears her failures.
    assert client.post("/", {"username": username, "passphrase": PASSPHRASE}).status_code == 303
    assert not AccessAttempt.objects.filter(username=username).exists()
    assert AccessLog.objects.count() == 0


def test_the_retention_run_purges_expired_failures_and_old_sign_in_history(world) -> None:
    from checkins.tasks import retention_purge_nightly

    now = timezone.now()
    survivor_name = world.survivor_a.user.username
    staff_name = world.wss_a.username

    def attempt(username: str, minutes_ago: int) -> AccessAttempt:
        row = AccessAttempt.objects.create(
            username=username,
            ip_address="10.6.6.6",
            user_agent="",
            get_data="",
            post_data="",
            http_accept="",
            path_info="/",
            failures_since_start=2,
        )
        # attempt_time is set on creation: age the row as time would.
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=now - timedelta(minutes=minutes_ago)
        )
        return row

    def log(username: str, days_ago: int) -> AccessLog:
        row = AccessLog.objects.create(
            username=username,
            ip_address="10.6.6.6",
            user_agent=BROWSER,
            http_accept="",
            path_info="/",
        )
        AccessLog.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(days=days_ago))
        return row

    expired = attempt(survivor_name, minutes_ago=16)  # the cool-off is 15 minutes
    current = attempt("someone-else", minutes_ago=5)
    her_old_history = log(survivor_name, days_ago=1)  # written before this change
    unknown = log("a-name-she-used-before", days_ago=1)
    staff_recent = log(staff_name, days_ago=1)
    staff_old = log(staff_name, days_ago=10_000)

    retention_purge_nightly.delay()

    assert not AccessAttempt.objects.filter(pk=expired.pk).exists()
    assert AccessAttempt.objects.filter(pk=current.pk).exists()  # lockout still needs it
    assert not AccessLog.objects.filter(pk__in=[her_old_history.pk, unknown.pk]).exists()
    assert not AccessLog.objects.filter(pk=staff_old.pk).exists()
    assert AccessLog.objects.filter(pk=staff_recent.pk).exists()
    assert PurgeRun.objects.get().counts["sign_in_records"] == {"deleted": 4, "held": 0}
