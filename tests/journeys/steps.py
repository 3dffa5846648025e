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
    """A member of staff: her username, her password, and her authenticator app
    (holding her TOTP device's key, read before the browser starts)."""

    username: str
    app: TOTP
    password: str = STAFF_PASSWORD

    @classmethod
    def of(cls, user: User) -> StaffMember:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        return cls(user.username, TOTP(device.bin_key, device.step, device.t0, device.digits))

    def code(self, *, steps_on: int = 0) -> str:
        """The digits her authenticator app shows now (or ``steps_on`` codes later)."""
        self.app.time = time.time() + steps_on * self.app.step
        return f"{self.app.token():0{self.app.digits}d}"


def staff_sign_in(page: Page, site: str, person: StaffMember, *, start: str = "/staff/") -> None:
    """She opens ``start``; the service asks for her password, then the code
    from her authenticator app, and sends her back."""
    page.goto(site + start)
    expect(page.get_by_role("heading", name="Staff sign in")).to_be_visible()
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("6-digit code from your authenticator app").fill(person.code())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_have_count(0)


def survivor_sign_in(
    page: Page, site: str, username: str, passphrase: str = SURVIVOR_PASSPHRASE
) -> None:
    """Her username and passphrase on the site's front page."""
    page.goto(site + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Latest news")).to_be_visible()
