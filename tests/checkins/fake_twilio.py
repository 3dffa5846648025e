"""A stand-in for Twilio's servers at the one seam the rules allow: a subclass of
``twilio.http.HttpClient`` that the real ``twilio.rest.Client`` sends its
requests through. It records every request (method, URL, form fields) and
answers like Twilio's Messages API: POST creates a message, GET lists them.

State lives in a directory (``FAKE_TWILIO_DIR``) so a worker in another
process (the SIGKILL test) shares it with the test. ``script.json`` holds the
next answers to give, in order, e.g. ``[{"status": 503}, {"raise": "timeout"},
{"status": 400, "code": 21211}, {"sleep_after_accept": 60}]``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
import uuid
from contextlib import contextmanager
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import requests
from twilio.http import HttpClient
from twilio.http.response import Response

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
FROM_NUMBER = "+447700900001"


class FakeTwilio(HttpClient):
    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        super().__init__(logging.getLogger("tests.fake_twilio"), is_async=False)
        self.directory = Path(directory or os.environ["FAKE_TWILIO_DIR"])
        self.directory.mkdir(parents=True, exist_ok=True)

    # --- state helpers (usable from the test too) --------------------------------

    @contextmanager
    def _locked(self):
        with open(self.directory / "lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read(self, name: str) -> list[dict]:
        path = self.directory / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def _append(self, name: str, record: dict) -> None:
        with open(self.directory / name, "a") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def script(self, answers: list[dict]) -> None:
        with self._locked():
            (self.directory / "script.json").write_text(json.dumps(answers))

    def _next_answer(self) -> dict:
        path = self.directory / "script.json"
        if not path.exists():
            return {}
        answers = json.loads(path.read_text() or "[]")
        if not answers:
            return {}
        path.write_text(json.dumps(answers[1:]))
        return answers[0]

    @property
    def requests(self) -> list[dict]:
        return self._read("requests.jsonl")

    @property
    def messages(self) -> list[dict]:
        """Messages Twilio accepted (what her phone would receive)."""
        return self._read("messages.jsonl")

    # --- the transport --------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        params: dict | None = None,
        data: dict | None = None,
        headers: dict | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        with self._locked():
            record: dict[str, Any] = {
                "method": method.upper(),
                "url": url,
                "params": dict(params or {}),
                "data": {key: str(value) for key, value in (data or {}).items()},
                "auth": list(auth) if auth else None,
            }
            self._append("requests.jsonl", record)
            answer = self._next_answer()
            if "raise" in answer:
                if answer["raise"] == "timeout":
                    raise requests.exceptions.ReadTimeout("read timed out")
                raise requests.exceptions.ConnectionError("connection refused")
            if "status" in answer:
                body = {"code": answer.get("code"), "message": "error", "status": answer["status"]}
                self.last_response = Response(answer["status"], json.dumps(body))
                return self.last_response
            if "sleep_before_accept" in answer:
                pass  # handled below, outside the lock
            elif method.upper() == "POST" and url.endswith("/Messages.json"):
                message = self._accept(record["data"])
            else:
                message = None
        if "sleep_before_accept" in answer:
            time.sleep(answer["sleep_before_accept"])
            with self._locked():
                message = self._accept(record["data"])
        if "sleep_after_accept" in answer:
            time.sleep(answer["sleep_after_accept"])
        if method.upper() == "POST" and url.endswith("/Messages.json"):
            self.last_response = Response(201, json.dumps(message))
            return self.last_response
        if method.upper() == "GET" and url.endswith("/Messages.json"):
            to = (params or {}).get("To")
            found = [m for m in reversed(self.messages) if to is None or m["to"] == to]
            page = {
                "messages": found[: int((params or {}).get("PageSize", 50))],
                "next_page_uri": None,
                "page": 0,
                "page_size": 50,
                "uri": "/x",
            }
            self.last_response = Response(200, json.dumps(page))
            return self.last_response
        self.last_response = Response(404, json.dumps({"code": 20404, "message": "not found"}))
        return self.last_response

    def _accept(self, data: dict) -> dict:
        now = format_datetime(_utcnow(), usegmt=True)
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "account_sid": ACCOUNT_SID,
            "to": data.get("To"),
            "from": data.get("From"),
            "messaging_service_sid": data.get("MessagingServiceSid"),
            "body": data.get("Body"),
            "status": "queued",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "direction": "outbound-api",
            "num_segments": "1",
            "error_code": None,
            "error_message": None,
            "uri": "/x",
        }
        self._append("messages.jsonl", message)
        return message


def _utcnow():
    from datetime import UTC, datetime

    return datetime.now(UTC)
