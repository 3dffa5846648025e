"""Report every account that breaks the role rules (SPEC 2: one person, one
side; SPEC 3: a manager never reads her messages). Exits 1 if any does.

Run it after upgrading: accounts made before the rules were enforced are not
changed by it; a manager fixes each one (reallocate her cases, then change the
roles) on the staff pages."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from contacts.selectors.staff import ROLE_PROBLEMS, role_rule_violations


class Command(BaseCommand):
    help = "List staff accounts that break the role rules; exit 1 if there are any."

    def handle(self, *args: Any, **options: Any) -> None:
        found = role_rule_violations()
        for violation in found:
            name = f" ({violation.username})" if violation.username else ""
            self.stdout.write(
                f"account {violation.user_id}{name} {ROLE_PROBLEMS[violation.problem]}"
            )
        self.stdout.write(f"role-rule violations found: {len(found)}")
        if found:
            raise SystemExit(1)
