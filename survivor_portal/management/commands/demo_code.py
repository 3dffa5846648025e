"""The current sign-in code (TOTP) of a demo staff account, so a person trying
the service needs no authenticator app. Development only: refuses unless the
DEMO_DATA setting is on, as ``seed_demo`` does."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from survivor_portal.management.commands.seed_demo import STAFF


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo staff account (DEMO_DATA settings only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "username", choices=[username for _role, username, _password, _key in STAFF]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA:
            raise CommandError(
                "demo_code gives away a second factor, so it only runs where DEMO_DATA is on "
                "(the development settings that make run uses)."
            )
        device = (
            TOTPDevice.objects.filter(user__username=options["username"], confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError("No demo authenticator for that account: run seed_demo first.")
        code = totp(
            device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
        )
        self.stdout.write(f"{code:0{device.digits}d}")
