"""Staff need a password and then a TOTP code for every staff page (SPEC 8)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import User
from survivors.models import Survivor

from ..conftest import sign_in
from ..factories import staff_user


def code_for(base32_key: str, offset: int = 0) -> str:
    key = base64.b32decode(base32_key)
    return f"{totp(key, t0=0, step=30, digits=6, drift=offset):06d}"


def seeded_accounts(settings) -> list[dict]:
    settings.DEMO_DATA = True
    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_prints_one_account_per_role_with_totp_keys_for_staff(settings) -> None:
    accounts = seeded_accounts(settings)
    roles = {account["role"] for account in accounts}
    assert roles == {"WSS worker", "Programme worker", "Comms staff", "Service manager", "Survivor"}
    for account in accounts:
        assert set(account) == {"role", "username", "password", "totp_key"}
        if account["role"] == "Survivor":
            assert account["totp_key"] is None
        else:
            assert len(base64.b32decode(account["totp_key"])) == 20
    # Three survivors; the man with two ex-partners has them with different workers.
    linked = Survivor.objects.filter(participant__reference="P-1001")
    assert linked.count() == 2
    assert len({survivor.worker_id for survivor in linked}) == 2


def test_seed_demo_is_idempotent(settings) -> None:
    seeded_accounts(settings)
    counts = (User.objects.count(), Survivor.objects.count(), TOTPDevice.objects.count())
    seeded_accounts(settings)
    assert (User.objects.count(), Survivor.objects.count(), TOTPDevice.objects.count()) == counts


def test_seed_demo_refuses_without_demo_data(settings) -> None:
    settings.DEMO_DATA = False
    with pytest.raises(CommandError, match="DEMO_DATA"):
        call_command("seed_demo")
    assert not User.objects.filter(username="wss.alex").exists()


def test_demo_staff_sign_in_needs_the_code_from_the_printed_key(settings) -> None:
    account = next(a for a in seeded_accounts(settings) if a["role"] == "WSS worker")
    settings.DEBUG = False
    client = Client()
    response = client.post(
        "/staff/login/", {"username": account["username"], "password": account["password"]}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/otp/verify/")
    # Password alone opens nothing.
    blocked = client.get("/staff/caseload/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/staff/otp/verify/")
    wrong = client.post("/staff/otp/verify/", {"token": "000000", "next": "/staff/caseload/"})
    assert wrong.status_code == 200
    assert b"did not work" in wrong.content
    assert client.get("/staff/caseload/").status_code == 302

    TOTPDevice.objects.filter(user__username=account["username"]).update(throttling_failure_count=0)
    right = client.post(
        "/staff/otp/verify/",
        {"token": code_for(account["totp_key"]), "next": "/staff/caseload/"},
    )
    assert right.status_code == 302 and right["Location"] == "/staff/caseload/"
    assert client.get("/staff/caseload/").status_code == 200


def test_staff_without_a_device_is_taken_through_setting_one_up() -> None:
    user = staff_user("WSS worker", username="new-worker", otp=False)
    client = Client()
    response = client.post(
        "/staff/login/", {"username": "new-worker", "password": "correct-horse-battery"}
    )
    assert response["Location"].startswith("/staff/otp/setup/")
    page = client.get("/staff/otp/setup/")
    assert page.status_code == 200
    key = page.context["key"]
    assert b"<svg" in page.content  # QR code, drawn inline: no third-party request
    assert client.get("/staff/caseload/")["Location"].startswith("/staff/otp/setup/")
    done = client.post(
        "/staff/otp/setup/",
        {"password": "correct-horse-battery", "token": code_for(key), "next": "/staff/"},
    )
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/staff/caseload/").status_code == 200
    # A second device cannot be added through the setup page once one is confirmed.
    assert client.get("/staff/otp/setup/")["Location"].startswith("/staff/otp/verify/")


def test_wagtail_and_django_admin_need_a_verified_device() -> None:
    comms = staff_user("Comms staff", username="comms-x")
    client = Client()
    client.force_login(comms)
    assert client.get("/editor/")["Location"].startswith("/staff/otp/verify/")
    sign_in(client, comms)
    assert client.get("/editor/").status_code == 200
    root = User.objects.create_superuser("ops-root", password="ops-password-long")
    TOTPDevice.objects.create(user=root, name="t", confirmed=True)
    ops = Client()
    ops.force_login(root)
    assert ops.get("/ops/")["Location"].startswith("/staff/otp/verify/")
    sign_in(ops, root)
    assert ops.get("/ops/").status_code == 200
    # Non-superuser staff never see the Django admin.
    assert client.get("/ops/").status_code == 404


def test_repeated_failures_lock_staff_out_for_a_cool_off_only() -> None:
    staff_user("Programme worker", username="prog-lock")
    client = Client()
    for _ in range(5):
        client.post("/staff/login/", {"username": "prog-lock", "password": "wrong-password"})
    locked = client.post(
        "/staff/login/", {"username": "prog-lock", "password": "correct-horse-battery"}
    )
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    # After the cool-off she can sign in again: never permanent.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    again = client.post(
        "/staff/login/", {"username": "prog-lock", "password": "correct-horse-battery"}
    )
    assert again.status_code == 302


def test_a_staff_account_cannot_act_as_a_survivor(world) -> None:
    client = Client()
    response = client.post(
        "/", {"username": world.wss_a.username, "passphrase": "correct-horse-battery"}
    )
    unknown = Client().post("/", {"username": "nobody-here", "passphrase": "whatever-it-is"})
    # Exactly the answer an unknown username gets: nothing to tell them apart.
    assert response.status_code == unknown.status_code
    assert b"did not match" in response.content
    assert "_auth_user_id" not in client.session


def test_a_survivor_account_never_reaches_a_staff_page(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    for path in ("/staff/", "/staff/login/", "/staff/caseload/", "/editor/", "/ops/"):
        assert client.get(path).status_code == 404
