"""SPEC 8 (sessions revocable): a staff member sees where she is signed in (browser, when
it began, last used) and can end any of those sessions herself."""

from __future__ import annotations

import re

from django.test import Client

from contacts.models import AuditAction, AuditEvent
from contacts.sessions import session_token

from .test_password_change import _sign_in_with_totp

LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"


def test_she_sees_her_sessions_and_ends_one(world) -> None:
    laptop = Client(HTTP_USER_AGENT=LAPTOP)
    phone = Client(HTTP_USER_AGENT=PHONE)
    _sign_in_with_totp(laptop, "worker-a", "correct-horse-battery")
    _sign_in_with_totp(phone, "worker-a", "correct-horse-battery", step=1)
    page = laptop.get("/staff/security/").content.decode()
    assert "Chrome on Windows (this one)" in page
    assert "Chrome on Android" in page
    assert "worker-b" not in page
    token = re.search(r'name="end_session" value="([0-9a-f]+)"', page).group(1)
    ended = laptop.post("/staff/security/", {"end_session": token}, follow=True)
    assert "That session has been signed out." in ended.content.decode()
    assert phone.get("/staff/caseload/").status_code == 302  # signed out there
    assert laptop.get("/staff/caseload/").status_code == 200  # still in here
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_SESSION_END).count() == 1
    again = laptop.post("/staff/security/", {"end_session": token}, follow=True)
    assert "That session had already ended." in again.content.decode()


def test_no_one_can_end_someone_elses_session_by_token(world) -> None:
    hers = Client(HTTP_USER_AGENT=PHONE)
    _sign_in_with_totp(hers, "worker-a", "correct-horse-battery")
    other = Client(HTTP_USER_AGENT=LAPTOP)
    _sign_in_with_totp(other, "worker-b", "correct-horse-battery", step=1)
    her_token = session_token(hers.session.session_key)
    response = other.post("/staff/security/", {"end_session": her_token}, follow=True)
    assert "That session had already ended." in response.content.decode()
    assert hers.get("/staff/caseload/").status_code == 200
