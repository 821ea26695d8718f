"""Django settings, configured by environment variables so one module serves demo, test and production.

HIGHNEEDS_DATABASE_URL   sqlite:///path/to.db (default var/highneeds.sqlite3) or postgres://user:pw@host:port/db
HIGHNEEDS_SECRET_KEY     required when HIGHNEEDS_DEBUG is off
HIGHNEEDS_DEBUG          "1" for local development and the demo
HIGHNEEDS_ALLOWED_HOSTS  comma-separated
HIGHNEEDS_SECURE         "1" behind HTTPS: secure cookies, HSTS, redirect
HIGHNEEDS_AUDIT_KEY      key for the audit chain's HMAC (or HIGHNEEDS_AUDIT_KEY_FILE, a file holding it)
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("HIGHNEEDS_VAR_DIR", PROJECT_DIR / "var"))

DEBUG = os.environ.get("HIGHNEEDS_DEBUG", "0") == "1"
TESTING = "pytest" in sys.modules or os.environ.get("HIGHNEEDS_TESTING") == "1"
SECRET_KEY = os.environ.get("HIGHNEEDS_SECRET_KEY") or (
    "insecure-development-key-only-for-debug" if DEBUG or TESTING else None
)
if not SECRET_KEY:
    raise RuntimeError("Set HIGHNEEDS_SECRET_KEY (or HIGHNEEDS_DEBUG=1 for local development)")
ALLOWED_HOSTS = [h for h in os.environ.get("HIGHNEEDS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = unquote(parsed.path[1:] if parsed.path.startswith("//") else parsed.path) or ":memory:"
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # For several server processes: WAL lets reads go on during a write; IMMEDIATE transactions take
            # the write lock at BEGIN, so a writer waits (busy timeout, 20 s) instead of failing with
            # "database is locked" when its read lock cannot be upgraded.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise RuntimeError(f"HIGHNEEDS_DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite or postgres)")


DATABASES = {
    "default": database_from_url(os.environ.get("HIGHNEEDS_DATABASE_URL", f"sqlite:///{VAR_DIR / 'highneeds.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",  # sign-in throttling and lockout (after the auth app; our audit receivers run after its own)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",  # the task queue lives in our own database: no new server (docs/scaling.md)
    "highneeds.council",
    "highneeds.accounts",
    "highneeds.audit",
    "highneeds.people",
    "highneeds.establishments",
    "highneeds.casework",
    "highneeds.panels",
    "highneeds.plans",
    "highneeds.reviews",
    "highneeds.disputes",
    "highneeds.letters",
    "highneeds.portal",
    "highneeds.planning",
    "highneeds.funding",
    "highneeds.web",
    "highneeds.insight",
    "highneeds.imports",
    "highneeds.demo",
    "highneeds.returns",
    "highneeds.jobs",
    "highneeds.records",
]

# Work that outlives a request (issued plan PDFs, panel packs, forecasts, the payments import, the SEN2 return, emails,
# the nightly task) runs as tasks on the database-backed queue; `highneeds jobs worker` (django-tasks-db's db_worker) runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A task still marked running after this long lost its worker: `highneeds requeue-abandoned` queues it again
# (highneeds/jobs/recovery.py, docs/scaling.md). Longer than the longest task.
TASK_ABANDONED_AFTER_MINUTES = int(os.environ.get("HIGHNEEDS_TASK_ABANDONED_MINUTES", "360"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "highneeds.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "highneeds.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "highneeds.accounts.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "highneeds.urls"
WSGI_APPLICATION = "highneeds.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "highneeds.web.jinja.environment"},
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "highneeds.accounts.backends.LockoutBackend",  # first: refuses a locked-out username before any password check
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS.insert(0, "highneeds.accounts.hashers.TestArgon2PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# API tokens expire after this many days unless `api-token create --days N` says otherwise (1-3660).
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("HIGHNEEDS_API_TOKEN_DAYS", "90"))
LOGIN_URL = "/sign-in/"
# Panel members see the children on a meeting's agenda until the end of the meeting day plus this many days (or
# until the meeting is closed, or they declare a conflict of interest on the case, whichever is first).
PANEL_ACCESS_DAYS_AFTER_MEETING = int(os.environ.get("HIGHNEEDS_PANEL_ACCESS_DAYS", "0"))
# Sign-in throttling (django-axes, docs/security.md): after AXES_FAILURE_LIMIT wrong passwords for one username
# (from any address), that username is locked for HIGHNEEDS_LOCKOUT_MINUTES or until a manager or administrator
# unlocks it at /users/locked/. Every failure and lockout is an audit event.
AXES_FAILURE_LIMIT = int(os.environ.get("HIGHNEEDS_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HIGHNEEDS_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the IP address as a lockout key too. Not here: behind a council's proxy every request can share
# one address, and one person's typing would lock everyone out. A username lock cannot be dodged by changing
# address, browser or cookies, which is what the warning is about (docs/security.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit log already
AXES_LOCKOUT_CALLABLE = "highneeds.web.views.locked_out"
AXES_VERBOSE = False
# A second factor (TOTP, django-otp) for everyone but families and young people: on by default when
# HIGHNEEDS_SECURE=1, else off unless HIGHNEEDS_2FA=1 (the demo and tests sign in with a password only).
# Anyone who has enrolled an authenticator is asked for a code whatever this says.
TWO_FACTOR_REQUIRED = os.environ.get("HIGHNEEDS_2FA", "1" if os.environ.get("HIGHNEEDS_SECURE") == "1" else "0") == "1"
OTP_TOTP_ISSUER = os.environ.get("HIGHNEEDS_2FA_ISSUER", "highneeds")
CSRF_FAILURE_VIEW = "highneeds.web.views.csrf_failure"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in/"

SECURE = os.environ.get("HIGHNEEDS_SECURE", "0") == "1"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from this site or carrying the page's nonce; style
# attributes are allowed (GOV.UK components and the server-drawn SVG charts use them; they cannot run script).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Shared by every web process (docs/scaling.md; `check --deploy` warns if changed to a per-process one).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploads (plan photos and videos, documents, the letterhead logo) go through STORAGES["default"], never a local path: with several web servers
# point HIGHNEEDS_MEDIA_ROOT at a volume they all mount, or HIGHNEEDS_STORAGE_BACKEND at an object store's backend
# (docs/scaling.md).
MEDIA_ROOT = Path(os.environ.get("HIGHNEEDS_MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("HIGHNEEDS_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded documents and the letterhead logo use the same storage (docs/records.md).
if TESTING and "HIGHNEEDS_MEDIA_ROOT" not in os.environ:  # test uploads and filed letters never land in var/
    import tempfile

    MEDIA_ROOT = tempfile.mkdtemp(prefix="highneeds-test-media-")
HIGHNEEDS_DOCUMENT_MAX_BYTES = int(os.environ.get("HIGHNEEDS_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))
# "auto" (clamd socket, else clamdscan, else none), "clamd", "clamdscan", "none" or a dotted path (records/scanning.py)
HIGHNEEDS_VIRUS_SCANNER = os.environ.get("HIGHNEEDS_VIRUS_SCANNER", "auto")
HIGHNEEDS_CLAMD_SOCKET = os.environ.get("HIGHNEEDS_CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")
# When a deleted document's file is removed, per kind (engine/retention.py): the council's records policy, UNVERIFIED
# (DOMAIN.md has no source). JSON, e.g. {"default": {"days_after_deletion": 30, "until_age": 25, "years_after": 6}}.
HIGHNEEDS_DOCUMENT_RETENTION = json.loads(os.environ.get("HIGHNEEDS_DOCUMENT_RETENTION") or "{}")

# The audit chain's HMAC key, from outside the database (highneeds/audit/key.py).
AUDIT_KEY = os.environ.get("HIGHNEEDS_AUDIT_KEY", "")
AUDIT_KEY_FILE = os.environ.get("HIGHNEEDS_AUDIT_KEY_FILE", "")

EMAIL_BACKEND = os.environ.get("HIGHNEEDS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# "default" is each process's own memory (cached council settings, forecast bases). "shared" is seen by every
# web process: the public form's rate limit counts there (portal.ratelimit). It is the database cache, whose
# table a migration makes; a large site can point it at Redis instead.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # MAX_ENTRIES: the default 300 would let a flood of addresses cull everyone's rate-limit counts (docs/scaling.md).
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "highneeds_shared_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
PORTAL_RATE_LIMIT_CACHE = "shared"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "highneeds.audit.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("HIGHNEEDS_LOG_LEVEL", "WARNING")},
}

# Where the public DfE/ONS data sits (demo generation, calibration, imports).
SHARED_DATA_DIR = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))
