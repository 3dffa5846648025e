"""A national service's worth of rows, made fast (bulk inserts): the benchmark
builds ``LARGE`` (bench/pages.py); the tests build a small and a larger scale to
show that no list page's query count grows with the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from contacts import roles
from contacts.models import AuditAction, AuditEvent, User
from programme.models import Participant, ParticipantStatus, ProgrammeGroup, ProgrammeSession
from survivors.models import Alert, Disclosure, Survivor


@dataclass(frozen=True)
class Scale:
    participants: int
    survivors: int
    staff: int
    audit_events: int
    disclosures: int
    groups: int = 0
    sessions_per_group: int = 3
    urgent_alerts: int = 0


LARGE = Scale(
    participants=10_000,
    survivors=10_000,
    staff=200,
    audit_events=100_000,
    disclosures=5_000,
    groups=500,
    sessions_per_group=40,
    urgent_alerts=2_000,
)


def populate(scale: Scale, *, tag: str = "s") -> None:
    """Add ``scale``'s rows beside whatever exists (names carry ``tag`` so two
    calls do not collide)."""
    now = timezone.now()
    batch = 2_000
    wss = Group.objects.get(name=roles.WSS_WORKER)
    staff = User.objects.bulk_create(
        [
            User(username=f"{tag}-staff-{n}", kind=User.Kind.STAFF, first_name=f"Worker {n}")
            for n in range(scale.staff)
        ],
        batch_size=batch,
    )
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=wss.pk) for user in staff],
        batch_size=batch,
    )
    groups = ProgrammeGroup.objects.bulk_create(
        [ProgrammeGroup(name=f"{tag} group {n}") for n in range(max(scale.groups, 1))],
        batch_size=batch,
    )
    ProgrammeSession.objects.bulk_create(
        [
            ProgrammeSession(group=group, starts_at=now - timedelta(days=7 * week), location="Hall")
            for group in groups[:50]
            for week in range(scale.sessions_per_group)
        ],
        batch_size=batch,
    )
    statuses = list(ParticipantStatus.values)
    participants = Participant.objects.bulk_create(
        [
            Participant(
                reference=f"{tag.upper()}-{n:06d}",
                group=groups[n % len(groups)],
                status=statuses[n % len(statuses)],
            )
            for n in range(scale.participants)
        ],
        batch_size=batch,
    )
    survivors = Survivor.objects.bulk_create(
        [
            Survivor(
                known_as=f"Person {tag} {n}",
                worker=staff[n % len(staff)] if staff else None,
                participant=participants[n % len(participants)] if participants else None,
                allocated_at=now,
            )
            for n in range(scale.survivors)
        ],
        batch_size=batch,
    )
    if survivors and staff:
        Disclosure.objects.bulk_create(
            [
                Disclosure(
                    survivor=survivors[n % len(survivors)],
                    worker=staff[n % len(staff)],
                    agency=f"Agency {n % 40}",
                    basis=Disclosure.Basis.CONSENT,
                    disclosed_at=now - timedelta(hours=n),
                )
                for n in range(scale.disclosures)
            ],
            batch_size=batch,
        )
        Alert.objects.bulk_create(
            [
                Alert(survivor=survivors[n % len(survivors)], kind=Alert.Kind.DURESS, urgent=True)
                for n in range(scale.urgent_alerts)
            ],
            batch_size=batch,
        )
    actions = [AuditAction.SURVIVOR_VIEW, AuditAction.THREAD_VIEW, AuditAction.CASELOAD_VIEW]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor_id=staff[n % len(staff)].pk if staff else None,
                action=actions[n % len(actions)],
                object_type="survivor",
                object_id=str(survivors[n % len(survivors)].pk) if survivors else "",
                survivor_id=survivors[n % len(survivors)].pk if survivors else None,
                at=now - timedelta(seconds=n),
            )
            for n in range(scale.audit_events)
        ],
        batch_size=batch,
    )


# Every staff list page, with the role that reads it and a query string that
# uses its search, filters and sort (the bare page is measured too).
LIST_PAGES: list[tuple[str, str, str]] = [
    ("programme", "/staff/participants/", "q=0&sort=-status&page=2"),
    ("programme", "/staff/groups/", "q=group&sort=-size&page=2"),
    ("programme", "/staff/groups/{group}/", "date_from=2020-01-01&sort=date&page=2"),
    ("programme", "/staff/case-management/", "entry=due&sort=-status&page=2"),
    ("manager", "/staff/allocations/", "allocation=unlinked&sort=-worker&page=2"),
    ("manager", "/staff/people/", "role=WSS+worker&sort=-last_sign_in&page=2"),
    ("manager", "/staff/disclosures/", "basis=consent&sort=case&page=2"),
    ("manager", "/staff/audit/", "action=thread.view&page=2"),
    ("duty", "/staff/duty/", "kind=duress&page=2"),
]
