"""Tests: fast hashing, locmem cache, Celery eager with errors propagated.

``DATABASE_URL`` and ``CELERY_BROKER_URL`` still come from the environment so
the same suite runs on SQLite and on PostgreSQL + Redis (see ``.ci/run``).
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, env, session_engine_for

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = session_engine_for(CACHES["default"]["BACKEND"])
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
EXPORT_ROOT = VAR_DIR / "test-exports"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"twilio": {"level": "WARNING"}, "django.request": {"level": "ERROR"}},
}

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
