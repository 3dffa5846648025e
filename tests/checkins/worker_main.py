"""Run a real Celery worker process for the SIGKILL test:
``python -m tests.checkins.worker_main``. Settings come from the environment
the test passes (database, broker, Twilio with the fake transport)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survivor_portal.settings.test")

import django

django.setup()

from survivor_portal.celery import app  # noqa: E402

if __name__ == "__main__":
    # The test settings run tasks eagerly; a worker process must not.
    app.conf.task_always_eager = False
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            *sys.argv[1:],
        ]
    )
