"""HTTPS redirect, HSTS and __Host- cookies in production (SPEC 8). The
Observatory scan in `make security` runs over plain HTTP, so these are asserted here."""

from __future__ import annotations

import importlib
import os

import pytest
from django.test import Client

PRODUCTION = {
    "SECRET_KEY": "p" * 64,
    "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LWNoYW5nZS1tZS0wMDA=",
    "PHONE_HASH_KEY": "production-phone-key",
    "ALLOWED_HOSTS": "portal.example.org,testserver",
}


@pytest.fixture
def production_settings(settings, monkeypatch):
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    import survivor_portal.settings.production as production

    module = importlib.reload(production)
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SECURE_PROXY_SSL_HEADER",
    ):
        setattr(settings, name, getattr(module, name))
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    assert os.environ["ALLOWED_HOSTS"]
    return module


def test_plain_http_is_redirected_to_https(production_settings, db) -> None:
    response = Client().get("/", HTTP_HOST="portal.example.org")
    assert response.status_code == 301
    assert response["Location"] == "https://portal.example.org/"


def test_https_responses_carry_hsts(production_settings, db) -> None:
    response = Client().get("/", secure=True, HTTP_HOST="portal.example.org")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=63072000; includeSubDomains; preload")


def test_cookies_are_host_prefixed_and_secure(production_settings, db) -> None:
    client = Client()
    page = client.get("/staff/login/", secure=True, HTTP_HOST="portal.example.org")
    cookie = page.cookies["__Host-csrf"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
