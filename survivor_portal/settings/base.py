"""Settings shared by every environment.

Every value that differs between machines comes from an environment variable
(django-environ) with a safe development default; the README and
``.env.example`` list them all.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# `manage.py seed_demo` creates demo accounts and prints their passwords: only
# where this is on (the development settings that `make run` uses), never in
# production, whatever DEBUG says.
DEMO_DATA = env.bool("DEMO_DATA", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "contacts.apps.ContactsConfig",
    "programme.apps.ProgrammeConfig",
    "survivors.apps.SurvivorsConfig",
    "checkins.apps.CheckinsConfig",
    "cms.apps.CmsConfig",
    "survivor_portal",
    # Only the Wagtail apps the information pages and site settings use (no
    # form pages, embeds or redirects: their tables, if any, are left unused).
    "wagtail.contrib.settings",
    # Her language (SPEC 11): pages and status explanations per locale, translated
    # by comms staff in the admin (Wagtail's own "Translate" action).
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.sites",
    "cms.apps.StaffOnlyUsersConfig",  # wagtail.users, without her portal account
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "survivor_portal.compression.CompressionMiddleware",
    "survivor_portal.middleware.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Her language from her account or this visit's choice, never Accept-Language.
    "survivor_portal.languages.PortalLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "survivor_portal.middleware.SessionTimeoutMiddleware",
    "survivor_portal.middleware.AreaAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "survivor_portal.csp.AreaCSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "survivor_portal.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "survivor_portal.urls"
WSGI_APPLICATION = "survivor_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "survivor_portal.context_processors.branding",
                "survivor_portal.languages.languages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection that the database dropped is replaced, not reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One machine: web, worker and beat share the file. WAL lets readers and a
    # writer work together; writers wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "contacts.User"
# Usernames are unique per side (staff, her portal account), not across both
# (contacts.models.User): Django warns that the username alone is not unique.
# Both backends below look in one side only: ModelBackend through
# User.objects.get_by_natural_key (staff), the portal's backend by kind.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Her sign-in only (portal=True): usual and second passphrase, same work.
    "survivor_portal.auth.PortalPassphraseBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff-login"
# Flash messages live in the session, not in a cookie of their own: no readable
# "Contact has started again…" cookie on her phone, nothing outside __Host-sid.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"


# The cache: CACHE_URL (e.g. redis://127.0.0.1:6379/1) when several processes
# or machines serve the site; without it, each process's local memory.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def session_engine_for(cache_backend: str) -> str:
    """Sessions are read from the cache only when the cache is shared by every
    process. Quick exit and sign-out delete the session from the database and
    from the cache of the process that served them; with a per-process cache the
    other processes would keep serving their cached copy of the ended session,
    so there the database alone is used (one query per request)."""
    if cache_backend in PER_PROCESS_CACHES:
        return "django.contrib.sessions.backends.db"
    return "django.contrib.sessions.backends.cached_db"


# Sessions: short idle timeout for everyone, absolute cap on top.
SESSION_ENGINE = session_engine_for(CACHES["default"]["BACKEND"])
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Staff and survivor lockout (django-axes): by username + IP, finite cool-off.
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Activation page limits (SPEC 4 sign-in, SPEC 8): tries per address and per code in
# a window, and how many usernames one code may have refused before it stops working.
ACTIVATION_TRY_WINDOW = timedelta(minutes=env.int("ACTIVATION_TRY_WINDOW_MINUTES", default=15))
ACTIVATION_TRIES_PER_ADDRESS = env.int("ACTIVATION_TRIES_PER_ADDRESS", default=10)
ACTIVATION_TRIES_PER_CODE = env.int("ACTIVATION_TRIES_PER_CODE", default=5)
ACTIVATION_USERNAME_REFUSALS = env.int("ACTIVATION_USERNAME_REFUSALS", default=3)
# Only what lockout needs: failures without user agents, no sign-in history for
# survivors (contacts/axes_handler.py); the retention purge deletes expired
# failures and old staff access-log rows.
AXES_HANDLER = "contacts.axes_handler.FailuresOnlyHandler"
# Its log lines name no username, address or browser.
AXES_CLIENT_STR_CALLABLE = "contacts.axes_handler.client_str"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "passphrase"]
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Garden Club staff")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# Her language (SPEC 11). Adding a language: its code and its name in its own
# script here, its list in DISCRETION_WORDS_BY_LANGUAGE below, and
# locale/<code>/LC_MESSAGES/django.po (docs/using.md, "Her language"). Django knows
# which languages are written right to left (ur, ar, fa, he...).
LANGUAGES = [
    ("en-gb", "English"),
    ("cy", "Cymraeg"),
    ("pl", "Polski"),
    ("ur", "اردو"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "survivor_portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# Subject access exports (SPEC 12), encrypted ZIPs; never served as static files.
EXPORT_ROOT = Path(env.str("EXPORT_ROOT", default=str(VAR_DIR / "exports")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Encryption at rest: keys kept apart from SECRET_KEY and from the database.
# FIELD_ENCRYPTION_KEYS is a comma-separated list of Fernet keys, newest first.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["ZGV2LW9ubHktZmllbGQta2V5LWNoYW5nZS1tZS0wMDA="]
)
PHONE_HASH_KEY = env.str("PHONE_HASH_KEY", default="dev-only-phone-hash-key")

# Celery: the database is the source of truth; the broker only carries wake-ups.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_BROKER_DIR / "out"),
        "data_folder_out": str(_BROKER_DIR / "out"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        # Kombu's exchange tables; its default is ./control, beside manage.py.
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/London"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How often beat wakes the dispatcher and the sweeper (seconds).
_BEAT = env.float("BEAT_INTERVAL_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE: dict = {
    # Check-ins and SMS (SPEC 5): each is a wake-up; the database says what is due.
    "checkins-dispatch": {"task": "checkins.tasks.checkins_dispatch", "schedule": _BEAT},
    "outbox-sweep": {"task": "checkins.tasks.outbox_sweep", "schedule": _BEAT},
    # Programme events whose wake-up was lost (a broker outage) are taken in here.
    "programme-events": {"task": "survivors.tasks.programme_events_consume", "schedule": _BEAT},
    # MARAC checks whose wake-up was lost (a broker outage): every few minutes.
    "marac-incidents": {"task": "survivors.tasks.marac_incidents_sweep", "schedule": 300.0},
    "checkins-missed": {"task": "checkins.tasks.checkins_mark_missed", "schedule": _BEAT},
    # Outcome check-points (SPEC 14): follow-ups that fell due, unanswered ones
    # recorded as missed after OUTCOMES_ANSWER_WINDOW_DAYS. Hourly is plenty.
    "check-points": {"task": "survivors.tasks.check_points_sweep", "schedule": 3600.0},
    # Retention (SPEC 7, 12): the schedule below, nightly at 03:15 UK time.
    "retention-purge": {
        "task": "checkins.tasks.retention_purge_nightly",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Texts (SPEC 5). Without TWILIO_ACCOUNT_SID the outbox backend "sends" by
# logging the outbox row's id, so the service runs with no account anywhere.
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env.str("TWILIO_FROM", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10.0)
# Dotted path to a twilio.http.HttpClient subclass; empty means Twilio's own.
TWILIO_HTTP_CLIENT = env.str("TWILIO_HTTP_CLIENT", default="")
SMS_BACKEND = env.str("SMS_BACKEND", default="")  # empty: Twilio if configured, else outbox
# A worker holds a claimed text this long; must exceed TWILIO_TIMEOUT_SECONDS.
SMS_LEASE_SECONDS = env.float("SMS_LEASE_SECONDS", default=60.0)
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=8)
SMS_RETRY_BASE_SECONDS = env.float("SMS_RETRY_BASE_SECONDS", default=30.0)
SMS_RETRY_MAX_SECONDS = env.float("SMS_RETRY_MAX_SECONDS", default=3600.0)
# A text with less than this left of her safe window is not sent (SPEC 5): it
# goes with a Twilio validity period of the seconds left, and too short a one
# could not reach her phone in time. Her worker is told instead.
SMS_MIN_VALIDITY_SECONDS = env.int("SMS_MIN_VALIDITY_SECONDS", default=60)
# The one discretion list (SPEC 4): words that may never appear in a text to her
# phone, a page title or a page address (contacts/discretion.py normalises the
# text and matches anywhere inside a word, case-insensitive).
DISCRETION_WORDS = env.list(
    "DISCRETION_WORDS",
    default=[
        "abuse",
        "abusive",
        "violence",
        "violent",
        "perpetrator",
        "programme",
        "program",
        "partner",
        "support",
        "refuge",
        "police",
        "safety",
        "domestic",
        "survivor",
        "victim",
    ],
)

# Each language's own discretion list (SPEC 11): a text in that language is
# checked against it and against DISCRETION_WORDS (English words turn up in any
# language). Same normalising and matching as the English list. The lists for
# cy, pl and ur need review by a native speaker before go-live (docs/using.md).
DISCRETION_WORDS_BY_LANGUAGE: dict[str, list[str]] = {
    "cy": env.list(
        "DISCRETION_WORDS_CY",
        default=[
            "camdriniaeth",
            "cam-drin",
            "camdrin",
            "trais",
            "treisgar",
            "troseddwr",
            "rhaglen",
            "partner",
            "cymorth",
            "cefnogaeth",
            "lloches",
            "heddlu",
            "diogelwch",
            "domestig",
            "goroeswr",
            "goroeswraig",
            "dioddefwr",
            "dioddefwraig",
        ],
    ),
    "pl": env.list(
        "DISCRETION_WORDS_PL",
        default=[
            "przemoc",
            "przemocy",
            "znęcan",
            "sprawc",
            "program",
            "partner",
            "wsparci",
            "pomoc",
            "schronisk",
            "policj",
            "bezpieczeństw",
            "domow",
            "ofiar",
            "ocalał",
        ],
    ),
    "ur": env.list(
        "DISCRETION_WORDS_UR",
        default=[
            "تشدد",
            "زیادتی",
            "بدسلوکی",
            "مجرم",
            "پروگرام",
            "ساتھی",
            "مدد",
            "پناہ گاہ",
            "پولیس",
            "حفاظت",
            "گھریلو",
            "متاثرہ",
            "شکار",
        ],
    ),
}

# Wagtail (comms staff only: pages, snippets and site settings).
WAGTAIL_SITE_NAME = "Garden Club"
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_LOGIN_URL = "/staff/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Content Security Policy (django-csp). Strict everywhere we render ourselves;
# the Wagtail and Django admins get their own policy (below). A directive is a
# list of sources, or True for a flag (production adds upgrade-insecure-requests).
CONTENT_SECURITY_POLICY: dict[str, dict[str, list[str] | bool]] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# The admins ship inline scripts and styles (Wagtail's panels, widgets and
# Draftail; Django's admin widgets), so those are allowed there and only there.
# Still nothing from another origin, no plugins, and framing only by the admin
# itself (Wagtail's live preview is an iframe of /editor/).
ADMIN_CONTENT_SECURITY_POLICY: dict[str, list[str] | bool] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
}
# Django's admin runs without inline code (no 'unsafe-inline' there; checked in
# Chromium by tests/security/test_admin_csp.py).
OPS_CONTENT_SECURITY_POLICY = {
    **ADMIN_CONTENT_SECURITY_POLICY,
    "script-src": ["'self'"],
    "style-src": ["'self'"],
}
AREA_CONTENT_SECURITY_POLICIES: dict[str, dict[str, list[str] | bool]] = {
    "/editor/": ADMIN_CONTENT_SECURITY_POLICY,
    "/ops/": OPS_CONTENT_SECURITY_POLICY,
}
# Staff avatars: no request to Gravatar (another origin, and the CSP refuses it).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
CSRF_FAILURE_VIEW = "survivor_portal.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
# One header for every page the project serves (portal, staff, Wagtail and Django
# admins): nothing is sent to another origin, and same-origin form posts keep a
# real Origin so Django's CSRF check passes ("no-referrer" makes Chromium send
# "Origin: null", which refused every post under /editor/).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# Logs carry ids, never message bodies or phone numbers. Twilio's own logger
# writes phone numbers at INFO, so it is held at WARNING.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "twilio": {"level": "WARNING"},
        "twilio.http_client": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Where quick exit lands: neutral, non-personalised (comms staff can override
# it in the site settings).
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.bbc.co.uk/weather")

# Messages (the private line to her worker).
MESSAGE_MAX_LENGTH = env.int("MESSAGE_MAX_LENGTH", default=2000)
MESSAGE_RATE_LIMIT = env.int("MESSAGE_RATE_LIMIT", default=10)
MESSAGE_RATE_WINDOW_SECONDS = env.int("MESSAGE_RATE_WINDOW_SECONDS", default=600)


def _kept(record_type: str, days: int, counted_from: str) -> dict[str, int | str]:
    """One row of the retention schedule; RETENTION_<TYPE>_DAYS overrides its days."""
    return {
        "days": env.int(f"RETENTION_{record_type.upper()}_DAYS", default=days),
        "from": counted_from,
    }


# Retention (SPEC 12): one schedule, record type -> days kept, counted from which
# date. Applied nightly (checkins/services/retention.py); `manage.py retention
# --show` prints it, the manager sees it at /staff/retention/.
RETENTION_SCHEDULE = {
    # Her whole case, from its closing date (SPEC 9).
    "closed_cases": _kept("closed_cases", 365, "closing"),
    "messages": _kept("messages", 365, "creation"),
    # Check-ins and the replies texted back.
    "checkins": _kept("checkins", 365, "creation"),
    # The outbox and Twilio's status callbacks.
    "texts": _kept("texts", 90, "creation"),
    # Staff sign-in history (failed tries go once lockout no longer counts them).
    "sign_in_records": _kept("sign_in_records", 365, "creation"),
    # Records request exports: the encrypted file, from the day it was built.
    "exports": _kept("exports", 30, "built"),
    # Referrals that never became or joined a case (SPEC 13): declined, or
    # never decided (counted from the day they came in).
    "declined_referrals": _kept("declined_referrals", 365, "decision"),
    # The audit log's own rows.
    "audit": _kept("audit", 6 * 365, "creation"),
}
# Rows deleted per transaction: a run stopped half way keeps what it committed
# and the next run finishes the rest.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=1000)

# Her support continues this many weeks after his course ends (completed,
# dropped out); the caseload shows the date.
SUPPORT_AFTER_END_WEEKS = env.int("SUPPORT_AFTER_END_WEEKS", default=26)
# A case with no contact logged and no message either way for this many weeks
# is proposed as dormant on the caseload.
CASE_DORMANT_AFTER_WEEKS = env.int("CASE_DORMANT_AFTER_WEEKS", default=12)
# The MARAC pathway: this many incidents (urgent risk concern, check-in reply 3,
# duress sign-in, order breached) within the window is potential escalation; a
# referral within REPEAT days of an earlier one is a repeat referral.
MARAC_ESCALATION_INCIDENTS = env.int("MARAC_ESCALATION_INCIDENTS", default=3)
MARAC_ESCALATION_WINDOW_DAYS = env.int("MARAC_ESCALATION_WINDOW_DAYS", default=365)
MARAC_REPEAT_WINDOW_DAYS = env.int("MARAC_REPEAT_WINDOW_DAYS", default=365)
# A checklist falls due again this many weeks after the last one (and at once
# when a programme event changes her risk: a status change or a risk concern).
REASSESSMENT_WEEKS = env.int("REASSESSMENT_WEEKS", default=8)
# Her worker is prompted to review her plan with her when his group's last
# scheduled session is this close (and he is still attending).
PLAN_REVIEW_LAST_SESSION_DAYS = env.int("PLAN_REVIEW_LAST_SESSION_DAYS", default=14)
# Cover: while her worker is away, the duty view shows each item with a
# response deadline this many hours after it arrived (urgent alerts, the rest).
COVER_URGENT_RESPONSE_HOURS = env.int("COVER_URGENT_RESPONSE_HOURS", default=4)
COVER_RESPONSE_HOURS = env.int("COVER_RESPONSE_HOURS", default=24)
# Who read her record (SPEC 12): the manager is alerted when one account opens
# more than this many different cases in a clock hour.
ACCESS_ALERT_CASES_PER_HOUR = env.int("ACCESS_ALERT_CASES_PER_HOUR", default=30)
# Contact changes (SPEC 12): her caseload row is marked "contact details
# changed" for this many days after a change of her safe-contact details.
CONTACT_CHANGE_MARKER_DAYS = env.int("CONTACT_CHANGE_MARKER_DAYS", default=14)

# Referrals and first contact (SPEC 13). The first-contact clock runs in
# working hours: WORKING_HOURS_START to WORKING_HOURS_END, Monday to Friday, UK
# local time, less the bank holidays of BANK_HOLIDAYS_SUBDIVISION (the
# ``holidays`` package: ENG, WLS, SCT or NIR). Each referral source has a target
# for the first attempt to reach her, in working days; a source not listed
# takes FIRST_CONTACT_TARGET_DEFAULT_DAYS.
WORKING_HOURS_START = env.int("WORKING_HOURS_START", default=9)
WORKING_HOURS_END = env.int("WORKING_HOURS_END", default=17)
BANK_HOLIDAYS_SUBDIVISION = env.str("BANK_HOLIDAYS_SUBDIVISION", default="ENG")
FIRST_CONTACT_TARGET_WORKING_DAYS = {
    "self": env.int("FIRST_CONTACT_TARGET_SELF_DAYS", default=1),
    "marac": env.int("FIRST_CONTACT_TARGET_MARAC_DAYS", default=1),
    "police": env.int("FIRST_CONTACT_TARGET_POLICE_DAYS", default=1),
}
FIRST_CONTACT_TARGET_DEFAULT_DAYS = env.int("FIRST_CONTACT_TARGET_DEFAULT_DAYS", default=2)
# After this many unanswered attempts (no answer, voicemail, text, wrong
# number) spread over at least this many days, with no contact made, her case
# is offered for closing as "no contact could be made".
NO_CONTACT_ATTEMPTS = env.int("NO_CONTACT_ATTEMPTS", default=3)
NO_CONTACT_SPAN_DAYS = env.int("NO_CONTACT_SPAN_DAYS", default=14)
# Her own request to be contacted, on the portal's public site: at most this
# many requests from one address per hour (more are refused with a calm page;
# other addresses are not affected).
CONTACT_REQUESTS_PER_ADDRESS_PER_HOUR = env.int("CONTACT_REQUESTS_PER_ADDRESS_PER_HOUR", default=5)

# Outcomes, with her consent (SPEC 14). Check-points follow his register: the
# middle one when his attended sessions reach half of PROGRAMME_LENGTH_SESSIONS
# (the length of the course he is on), the follow-up this many days after his
# exit; a check-point not answered within OUTCOMES_ANSWER_WINDOW_DAYS of being
# due is recorded as missed.
PROGRAMME_LENGTH_SESSIONS = env.int("PROGRAMME_LENGTH_SESSIONS", default=26)
OUTCOMES_FOLLOW_UP_DAYS = env.int("OUTCOMES_FOLLOW_UP_DAYS", default=182)
OUTCOMES_ANSWER_WINDOW_DAYS = env.int("OUTCOMES_ANSWER_WINDOW_DAYS", default=28)
