"""Seeds the load-test database and prints session cookies as JSON.

Run by bench/load.py with the benchmark's environment (production settings on
PostgreSQL); not for use elsewhere."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survivor_portal.settings.production")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from contacts import roles  # noqa: E402
from contacts.encryption import phone_hash  # noqa: E402
from contacts.models import User  # noqa: E402
from programme.models import Attendance, Participant, ProgrammeGroup, ProgrammeSession  # noqa: E402
from programme.services import records  # noqa: E402
from survivor_portal.auth import PORTAL_BACKEND  # noqa: E402
from survivors.models import Alert, Survivor  # noqa: E402
from survivors.services import cases as cases_services  # noqa: E402


def session_for(user: User, *, device: TOTPDevice | None = None) -> str:
    """A session as sign-in makes it: hers names the portal's backend (as
    survivor_portal.views.common does), staff sessions Django's ModelBackend."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = (
        PORTAL_BACKEND
        if user.kind == User.Kind.SURVIVOR
        else "django.contrib.auth.backends.ModelBackend"
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = int(time.time())
    store["started_at"] = now
    store["last_seen"] = now
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    assert store.session_key is not None
    return store.session_key


def main() -> None:
    from cms.management.commands.seed_pages import seed_pages

    seed_pages()  # her page shows the status explanation, as in real use
    groups = roles.roles_ensure()
    manager = User.objects.create_user("bench-manager", password=secrets.token_hex(16))
    manager.groups.add(groups[roles.SERVICE_MANAGER])
    programme = User.objects.create_user("bench-programme", password=secrets.token_hex(16))
    programme.groups.add(groups[roles.PROGRAMME_WORKER])
    worker = User.objects.create_user("bench-worker", password=secrets.token_hex(16))
    worker.groups.add(groups[roles.WSS_WORKER])
    device = TOTPDevice.objects.create(user=worker, name="bench", confirmed=True)

    group = ProgrammeGroup.objects.create(name="Bench group")
    now = timezone.now()
    sessions = [
        ProgrammeSession.objects.create(group=group, starts_at=now + timedelta(weeks=w))
        for w in range(-10, 3)
    ]
    survivors = []
    for n in range(60):
        participant = Participant.objects.create(reference=f"B-{n:04d}", group=group)
        for session in sessions[:10]:
            Attendance.objects.create(
                session=session, participant=participant, mark="attended", recorded_by=programme
            )
        records.status_change_record(
            actor=programme, participant=participant, status="attending", reason="bench"
        )
        survivor = Survivor.objects.create(known_as=f"Bench {n}", participant=participant)
        survivor.safe_phone = f"+4477009{n:05d}"
        survivor.safe_phone_hash = phone_hash(survivor.safe_phone)
        survivor.save()
        cases_services.survivor_allocate(actor=manager, survivor=survivor, worker=worker)
        survivors.append(survivor)
    Alert.objects.bulk_create(
        Alert(survivor=survivors[i % 60], kind="status_change", urgent=i % 10 == 0)
        for i in range(2000)
    )
    her = survivors[0]
    her_user = User.objects.create_user(
        "bench-her", password=secrets.token_hex(16), kind=User.Kind.SURVIVOR
    )
    her.user = her_user
    her.save(update_fields=["user"])
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret
    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
                "survivor_session": session_for(her_user),
                "worker_session": session_for(worker, device=device),
                "csrf": csrf,
                "her_phone": her.safe_phone,
            }
        )
    )


if __name__ == "__main__":
    main()
