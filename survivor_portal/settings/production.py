"""Production: everything secure by default; secrets must come from the environment."""

from .base import *  # noqa: F403
from .base import AREA_CONTENT_SECURITY_POLICIES, CONTENT_SECURITY_POLICY, env

DEBUG = False
DEMO_DATA = False
SECRET_KEY = env.str("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
PHONE_HASH_KEY = env.str("PHONE_HASH_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# __Host- cookies: secure, host-only, path=/ (SPEC 8).
SESSION_COOKIE_NAME = "__Host-sid"
CSRF_COOKIE_NAME = "__Host-csrf"
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}
AREA_CONTENT_SECURITY_POLICIES = {
    prefix: {**directives, "upgrade-insecure-requests": True}
    for prefix, directives in AREA_CONTENT_SECURITY_POLICIES.items()
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
