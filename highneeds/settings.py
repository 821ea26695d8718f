"""Django settings, configured by environment variables so one module serves demo, test and production.

HIGHNEEDS_DATABASE_URL   sqlite:///path/to.db (default var/highneeds.sqlite3) or postgres://user:pw@host:port/db
HIGHNEEDS_SECRET_KEY     required when HIGHNEEDS_DEBUG is off
HIGHNEEDS_DEBUG          "1" for local development and the demo
HIGHNEEDS_ALLOWED_HOSTS  comma-separated
HIGHNEEDS_SECURE         "1" behind HTTPS: secure cookies, HSTS, redirect
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

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
            # WAL lets the demo serve reads while a write is in progress.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20},
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
    "default": database_from_url(
        os.environ.get("HIGHNEEDS_DATABASE_URL", f"sqlite:///{VAR_DIR / 'highneeds.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
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
    "highneeds.web",
    "highneeds.insight",
    "highneeds.imports",
    "highneeds.demo",
    "highneeds.returns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "highneeds.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
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
LOGIN_URL = "/sign-in/"
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

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("HIGHNEEDS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "highneeds.audit.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("HIGHNEEDS_LOG_LEVEL", "WARNING")},
}

# Where the public DfE/ONS data sits (demo generation, calibration, imports).
SHARED_DATA_DIR = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))
