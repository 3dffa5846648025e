"""Seed the scratch database that test_script_name.py serves with gunicorn.

Run as ``python -m tests.security.gunicorn_seed`` with the production
settings and the scratch database in the environment; prints the ids the test
needs as one JSON line. Staff have a confirmed TOTP device, so a password-only
session must stop at the TOTP step."""

from __future__ import annotations

import json

PASSWORD = "correct-horse-battery-staple-9"


def seed() -> dict[str, int]:
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from contacts import roles
    from contacts.models import User
    from programme.models import Participant, ProgrammeGroup
    from survivors.models import Alert, Message, Survivor

    roles.roles_ensure()

    def staff(username: str, *role_names: str, superuser: bool = False) -> User:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            kind=User.Kind.STAFF,
            is_staff=superuser,
            is_superuser=superuser,
        )
        for name in role_names:
            user.groups.add(Group.objects.get(name=name))
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        return user

    boss = staff("boss", roles.SERVICE_MANAGER, roles.COMMS_STAFF, superuser=True)
    worker = staff("worker", roles.WSS_WORKER)
    programme = staff("programme", roles.PROGRAMME_WORKER)
    group = ProgrammeGroup.objects.create(name="Tuesday")
    participant = Participant.objects.create(reference="P-1", group=group)
    survivor = Survivor.objects.create(known_as="Someone", worker=worker, participant=participant)
    Message.objects.create(survivor=survivor, author=worker, from_survivor=False, body="hello")
    alert = Alert.objects.create(survivor=survivor, kind=Alert.Kind.OTHER_REPLY)
    return {
        "boss": boss.pk,
        "worker": worker.pk,
        "programme": programme.pk,
        "case": survivor.pk,
        "alert": alert.pk,
        "group": group.pk,
        "participant": participant.pk,
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(seed()))
