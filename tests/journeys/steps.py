"""Steps every journey shares: a staff member's authenticator app, and signing
in as staff and as a survivor do it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from contacts.models import User

STAFF_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's default
SURVIVOR_PASSPHRASE = "a long passphrase 42"  # tests.factories.survivor_account's default


@dataclass(frozen=True)
class StaffMember:
    """What a member of staff has: a username, a password, and an authenticator
    app holding the key of her TOTP device."""

    username: str
    password: str
    totp_key: bytes
    step: int
    t0: int
    digits: int

    @classmethod
    def of(cls, user: User) -> StaffMember:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        return cls(
            username=user.username,
            password=STAFF_PASSWORD,
            totp_key=device.bin_key,
            step=device.step,
            t0=device.t0,
            digits=device.digits,
        )

    def code(self) -> str:
        """The six digits her authenticator app shows right now."""
        totp = TOTP(self.totp_key, step=self.step, t0=self.t0, digits=self.digits)
        totp.time = time.time()
        return f"{totp.token():0{self.digits}d}"


def staff_sign_in(page: Page, site: str, person: StaffMember, *, start: str = "/staff/") -> None:
    """Password first, then the code from her authenticator app, as staff do.

    She opens ``start``; the service sends her to sign in and back again."""
    page.goto(site + start)
    expect(page.get_by_role("heading", name="Staff sign in")).to_be_visible()
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("6-digit code from your authenticator app").fill(person.code())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_have_count(0)


def survivor_sign_in(page: Page, site: str, username: str, passphrase: str) -> None:
    """Her username and passphrase on the site's front page."""
    page.goto(site + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Latest news")).to_be_visible()
