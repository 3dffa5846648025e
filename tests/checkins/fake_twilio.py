"""A stand-in for Twilio's servers at the one seam the rules allow: a subclass of
``twilio.http.HttpClient`` that the real ``twilio.rest.Client`` sends its
requests through. It records every request (method, URL, form fields) and
answers like Twilio's Messages API: POST creates a message, GET lists them.

State lives in a directory (``FAKE_TWILIO_DIR``) so a worker in another
process (the SIGKILL test) shares it with the test. ``script.json`` holds the
next answers to give, in order, e.g. ``[{"status": 503}, {"raise": "timeout"},
{"status": 400, "code": 21211}, {"sleep_before_accept": 60}, {"sleep_after_accept": 60}]``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

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

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.directory / "lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
            yield

    def _read(self, name: str) -> list[dict]:
        path = self.directory / name
        lines = path.read_text().splitlines() if path.exists() else []
        return [json.loads(line) for line in lines if line.strip()]

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
        answers = json.loads(path.read_text() or "[]") if path.exists() else []
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

    def request(  # the signature of twilio.http.HttpClient.request
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
        method, params = method.upper(), dict(params or {})
        messages_api = url.endswith("/Messages.json")
        with self._locked():
            fields = {key: str(value) for key, value in (data or {}).items()}
            record = {"method": method, "url": url, "params": params, "data": fields}
            self._append("requests.jsonl", {**record, "auth": list(auth) if auth else None})
            answer = self._next_answer()
            if answer.get("raise") == "timeout":
                raise requests.exceptions.ReadTimeout("read timed out")
            if "raise" in answer:
                raise requests.exceptions.ConnectionError("connection refused")
            if "status" in answer:
                body = {"code": answer.get("code"), "message": "error", "status": answer["status"]}
                return self._answer(answer["status"], body)
            if method == "POST" and messages_api and "sleep_before_accept" not in answer:
                message = self._accept(fields)
        if "sleep_before_accept" in answer:
            # A worker killed while this sleeps sent a text Twilio never accepted.
            time.sleep(answer["sleep_before_accept"])
            with self._locked():
                message = self._accept(fields)
        time.sleep(answer.get("sleep_after_accept", 0))
        if method == "POST" and messages_api:
            return self._answer(201, message)
        if method == "GET" and messages_api:
            to = params.get("To")
            found = [m for m in reversed(self.messages) if to is None or m["to"] == to]
            page_size = int(params.get("PageSize", 50))
            page = {"messages": found[:page_size], "next_page_uri": None, "page": 0}
            return self._answer(200, {**page, "page_size": 50, "uri": "/x"})
        return self._answer(404, {"code": 20404, "message": "not found"})

    def _answer(self, status: int, body: dict) -> Response:
        self.last_response = Response(status, json.dumps(body))
        return self.last_response

    def _accept(self, data: dict) -> dict:
        """The fields of Twilio's message resource that the service reads."""
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "to": data.get("To"),
            "from": data.get("From"),
            "messaging_service_sid": data.get("MessagingServiceSid"),
            "body": data.get("Body"),
            "status": "queued",
            "date_created": format_datetime(datetime.now(UTC), usegmt=True),
        }
        self._append("messages.jsonl", message)
        return message
