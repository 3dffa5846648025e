"""The load benchmark's peer: a bare Django project made at bench time.

`django-admin startproject` writes it into a temporary folder; this module then
adds one view that answers "ok" and the two settings a non-debug server needs
(DEBUG off, ALLOWED_HOSTS). Nothing else changes: the default middleware stays,
the database is never touched. Not a benchmark itself (bench/load.py uses it).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

PROJECT = "bare"
VIEW = """

from django.http import HttpResponse


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("ping", hello)]
"""


def write_bare_project(folder: Path, django_admin: Path) -> Path:
    """Generate the project in `folder`; return the folder to serve from."""
    subprocess.run([str(django_admin), "startproject", PROJECT, str(folder)], check=True)
    settings = folder / PROJECT / "settings.py"
    text = settings.read_text()
    for before, after in (
        ("DEBUG = True", "DEBUG = False"),
        ("ALLOWED_HOSTS = []", 'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]'),
    ):
        if before not in text:
            raise SystemExit(f"startproject's settings changed: {before!r} not found")
        text = text.replace(before, after)
    settings.write_text(text)
    urls = folder / PROJECT / "urls.py"
    urls.write_text(urls.read_text() + VIEW)
    return folder
