from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.encryption import phone_hash
from contacts.models import User
from programme.models import Participant, ProgrammeGroup, ProgrammeSession
from survivors.models import Survivor


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    kind = User.Kind.STAFF
    password = factory.django.Password("correct-horse-battery")


def staff_user(role: str | None, *, username: str | None = None, otp: bool = True, **kw) -> User:
    user = UserFactory.create(
        kind=User.Kind.STAFF, **({"username": username} if username else {}), **kw
    )
    if role:
        # The roles exist already (tests/conftest.py makes them per session and
        # after every flush), so no role set-up per staff user.
        user.groups.add(Group.objects.get(name=role))
    if otp:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


class ProgrammeGroupFactory(factory.django.DjangoModelFactory[ProgrammeGroup]):
    class Meta:
        model = ProgrammeGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    meeting_details = "Tuesdays 18:30"


class ProgrammeSessionFactory(factory.django.DjangoModelFactory[ProgrammeSession]):
    class Meta:
        model = ProgrammeSession

    group = factory.SubFactory(ProgrammeGroupFactory)
    starts_at = factory.Sequence(lambda n: timezone.now() + timedelta(days=7 * (n + 1)))
    location = "Room 2"


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    reference = factory.Sequence(lambda n: f"P-{5000 + n}")
    group = factory.SubFactory(ProgrammeGroupFactory)


class SurvivorFactory(factory.django.DjangoModelFactory[Survivor]):
    class Meta:
        model = Survivor

    class Params:
        phone = ""  # her safe number, stored with the hash that finds her by it

    known_as = factory.Sequence(lambda n: f"Person {n}")
    safe_phone = factory.SelfAttribute("phone")
    safe_phone_hash = factory.LazyAttribute(lambda o: phone_hash(o.phone) if o.phone else "")


def survivor_account(*, username: str, password: str = "a long passphrase 42", **kw) -> Survivor:
    user = UserFactory.create(username=username, kind=User.Kind.SURVIVOR, password=password)
    return SurvivorFactory.create(user=user, **kw)
