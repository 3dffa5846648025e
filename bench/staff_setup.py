"""Shared set-up for the staff-side benchmarks: a throwaway test database made
by Django's own test runner, and a signed-in staff client with a verified TOTP
session. Not a benchmark itself."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survivor_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


def with_test_database(body: Callable[[], bool]) -> int:
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        ok = body()
    finally:
        runner.teardown_databases(old)
        teardown_test_environment()
    return 0 if ok else 1


def staff(username: str, role: str):
    from contacts import roles
    from contacts.models import User

    roles.roles_ensure()
    user = User.objects.create_user(username=username, kind="staff")
    user.groups.add(Group.objects.get(name=role))
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    client.get("/staff/")  # warm the session, as a person already signed in would be
    return client


def report(figure: str, value: int, budget: int) -> bool:
    from common import result

    ok = value <= budget
    result(figure, value, f"<= {budget}", ok)
    return ok
