"""After her case is erased, a plain dump of the whole PostgreSQL database holds
nothing of her (SPEC 12, SPEC 7): not her words in clear, not their ciphertext,
not her number's keyed hash, not her username; and her session is gone from
the shared cache (Redis) too. Runs in .ci/run's PostgreSQL + Redis pass."""

from __future__ import annotations

import os
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from contacts.encryption import phone_hash
from survivor_portal.settings.base import session_engine_for
from survivors.models import ErasedCase, ErasureRequest
from survivors.services import contact_log, erasure
from survivors.services.messages import message_send_from_worker
from survivors.services.restriction import case_restrict

from ..conftest import CANARIES, CANARY_PHONE, CANARY_USERNAME, sign_in
from .test_erasure import fill_her_case

pytestmark = [
    pytest.mark.postgres_redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("broker"),  # one process at a time talks to Redis
]

CANARY_NOTE = "canary contact note 3390 willow"
CANARY_REPLY = "canary worker reply 6612 harbour"
CANARY_REFUSAL = "canary refusal note 2218 ferry"
CANARY_RESTRICTION = "canary restriction reason 4471 quay"


def pg_dump() -> str:
    """``pg_dump --data-only --inserts`` of the test database, as an operator
    would take it (plain text)."""
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [
        "pg_dump",
        "--data-only",
        "--inserts",
        "--host",
        db.get("HOST") or "127.0.0.1",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        db["NAME"],
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603


def ciphertexts_of(table: str, columns: list[str], where: str, case_id: int) -> list[str]:
    """Her encrypted values as stored (Fernet tokens), read past the field."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {where} = %s",  # noqa: S608
            [case_id],
        )
        return [value for row in cursor.fetchall() for value in row if value]


def test_a_pg_dump_after_erasure_holds_none_of_her(world, settings) -> None:
    import redis

    url = os.environ["CELERY_BROKER_URL"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test-erasure",
        },
    }
    settings.SESSION_ENGINE = session_engine_for(settings.CACHES["default"]["BACKEND"])
    her = fill_her_case(world)
    case_id = her.pk
    message_send_from_worker(worker=world.wss_a, survivor=her, body=CANARY_REPLY)
    contact_log.contact_log_add(
        actor=world.wss_a, survivor=her, kind="call", outcome="spoke", note=CANARY_NOTE
    )
    erasure.case_erasure_refuse(
        actor=world.manager,
        survivor=her,
        received_on=timezone.localdate(),
        refusal_reason="other",
        note=CANARY_REFUSAL,
    )
    case_restrict(actor=world.manager, survivor=her, reason=CANARY_RESTRICTION)
    client = sign_in(Client(), her.user)
    assert client.get("/messages/").status_code == 200
    session_key = client.session.session_key
    other_process = redis.Redis.from_url(url, decode_responses=True)
    cached = [key for key in other_process.keys("test-erasure:*") if session_key in key]
    assert cached, "her session is in the shared cache"

    stored = [
        *ciphertexts_of(
            "survivors_survivor",
            ["known_as", "safe_phone", "code_word", "restriction_reason"],
            "id",
            case_id,
        ),
        *ciphertexts_of("survivors_message", ["body"], "survivor_id", case_id),
        *ciphertexts_of("survivors_contactlogentry", ["note"], "survivor_id", case_id),
        *ciphertexts_of("survivors_planversion", ["steps"], "survivor_id", case_id),
        *ciphertexts_of("checkins_outboundmessage", ["to_number", "body"], "survivor_id", case_id),
        *ciphertexts_of("survivors_erasurerequest", ["note"], "case_id", case_id),
    ]
    assert len(stored) >= 10
    her_hash = phone_hash(CANARY_PHONE)
    clear = [
        *CANARIES,
        CANARY_PHONE.lstrip("+"),
        CANARY_REPLY,
        CANARY_NOTE,
        CANARY_REFUSAL,
        CANARY_RESTRICTION,
    ]
    before = pg_dump()
    # The check can see her: her username and hash are in the dump before.
    assert CANARY_USERNAME in before and her_hash in before
    assert all(token in before for token in stored)

    erasure.case_erase(survivor=her, actor=world.manager, received_on=timezone.localdate())

    dump = pg_dump()
    found = [value for value in (*clear, her_hash, CANARY_USERNAME, *stored) if value in dump]
    assert found == []
    assert not [key for key in other_process.keys("test-erasure:*") if session_key in key]
    # What stays: the tombstone and the request records, under the case id.
    assert ErasedCase.objects.filter(case_id=case_id).exists()
    assert ErasureRequest.objects.filter(case_id=case_id).count() == 2
