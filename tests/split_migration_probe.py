"""Run by tests/test_split_migration.py in its own process and database: build a
database at the last migration before the apps were split (contacts 0008; or
copy it from ``BEFORE_SPLIT_DATABASE``, the same state kept by
tests/migrated_db.py), fill every table the move touches with real-looking rows
through the historical models, migrate to the head, and print what survived as JSON."""

from __future__ import annotations

import json
import os
from datetime import time, timedelta

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.before_split import BEFORE, before_the_split  # noqa: E402
from tests.migrated_db import load  # noqa: E402

MOVED_TABLES = [
    "contacts_programmegroup", "contacts_programmesession", "contacts_participant",
    "contacts_attendance", "contacts_statuschange", "contacts_riskconcern",
    "contacts_survivor", "contacts_allocation", "contacts_safecontactwindow",
    "contacts_activationcode", "contacts_activationattempt", "contacts_alert",
    "contacts_contactlogentry", "contacts_disclosure", "contacts_message",
    "contacts_checkinplan", "contacts_checkin", "contacts_outboundmessage",
    "contacts_inboundmessage", "contacts_smsstatusevent", "contacts_smsoptout",
    "contacts_smstexts", "contacts_auditevent", "contacts_user",
]  # fmt: skip
BODY = "Can you ring me on Thursday after 2? Not before."


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for table in MOVED_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - our table names
            result[table] = cursor.fetchone()[0]
        return result


copy = os.environ.get("BEFORE_SPLIT_DATABASE")
if copy:
    # The same state, kept by tests/migrated_db.py when it migrated the test
    # database through it with these very migration files.
    load(copy, connection)
else:
    # The executor alone (no post_migrate handlers, which expect every app migrated).
    builder = MigrationExecutor(connection)
    builder.migrate(before_the_split(builder.loader.graph))
executor = MigrationExecutor(connection)
graph = executor.loader.graph
# Exactly the migrations before the split are applied, however the database came.
expected = {node for target in before_the_split(graph) for node in graph.forwards_plan(target)}
applied = set(executor.loader.applied_migrations) & set(graph.nodes)
started_before_split = applied == expected
old = executor.loader.project_state(BEFORE).apps
M = lambda name: old.get_model("contacts", name)  # noqa: E731
now = timezone.now()
User = M("User")
manager = User.objects.create(username="manager", kind="staff")
worker = User.objects.create(username="worker", kind="staff", alert_emails=True)
her = User.objects.create(username="her-account", kind="survivor")
group = M("ProgrammeGroup").objects.create(name="Thursday group")
session = M("ProgrammeSession").objects.create(group=group, starts_at=now - timedelta(days=2))
man = M("Participant").objects.create(reference="P-0001", group=group, status="attending")
M("Attendance").objects.create(
    session=session, participant=man, mark="attended", recorded_by=manager
)
M("StatusChange").objects.create(participant=man, status="attending", author=manager)
concern = M("RiskConcern").objects.create(
    participant=man, kind="threat", occurred_on=now.date(), urgency="urgent", author=manager
)
survivor = M("Survivor").objects.create(
    user=her, known_as="Sam", participant=man, worker=worker, safe_phone="+447700900123",
    safe_phone_hash="h" * 64, code_word="heron", sms_nudges=True,
)  # fmt: skip
M("Allocation").objects.create(survivor=survivor, worker=worker, allocated_by=manager)
M("SafeContactWindow").objects.create(
    survivor=survivor, weekday=3, starts_at=time(9), ends_at=time(17)
)
M("ActivationCode").objects.create(
    survivor=survivor, code_hash="c" * 64, created_by=manager, expires_at=now + timedelta(days=1)
)
M("ActivationAttempt").objects.create(key="address:abc")
M("Alert").objects.create(survivor=survivor, kind="risk_concern", urgent=True, risk_concern=concern)
M("ContactLogEntry").objects.create(
    survivor=survivor, worker=worker, kind="call", outcome="spoke", note="Spoke at 10"
)
M("Disclosure").objects.create(
    survivor=survivor, worker=worker, agency="MARAC", basis="high_risk", details="Summary"
)
M("Message").objects.create(survivor=survivor, author=her, from_survivor=True, body=BODY)
plan = M("CheckInPlan").objects.create(survivor=survivor, frequency="daily", send_at=time(10))
checkin = M("CheckIn").objects.create(plan=plan, survivor=survivor, due_at=now, state="sent")
M("OutboundMessage").objects.create(
    idempotency_key="checkin:1", kind="checkin", survivor=survivor, checkin=checkin,
    to_number="+447700900123", body="Hi, it's Sam. Reply 1 if all is well.", state="queued",
)  # fmt: skip
M("InboundMessage").objects.create(
    message_sid="SM" + "1" * 32, from_hash="h" * 64, body="1", survivor=survivor, checkin=checkin
)
M("SmsStatusEvent").objects.create(message_sid="SM" + "2" * 32, status="delivered")
M("SmsOptOut").objects.create(survivor=survivor, source="STOP")
M("SmsTexts").objects.create(pk=1)
M("AuditEvent").objects.create(actor=worker, action="survivor.view", survivor_id=survivor.pk)
before = counts()

call_command("migrate", verbosity=0)
from checkins.models import OutboundMessage  # noqa: E402
from survivors.models import Alert, Message, Survivor  # noqa: E402

after = counts()
print(
    json.dumps(
        {
            "before": before,
            "after": after,
            "body": Message.objects.get().body,
            "known_as": Survivor.objects.get().known_as,
            "text": OutboundMessage.objects.get().body,
            "alert_concern": Alert.objects.get().risk_concern.kind,
            "started_before_split": started_before_split,
            "pending": MigrationExecutor(connection).migration_plan(
                MigrationExecutor(connection).loader.graph.leaf_nodes()
            )
            == [],
        }
    )
)
