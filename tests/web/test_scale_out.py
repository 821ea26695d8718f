"""Web processes keep nothing the others need (docs/scaling.md): sessions, sign-in lockouts and rate limits in the
database, uploads through the storage backend. The deployment's settings are read in a fresh process, as
gunicorn would read them; the deploy check is shown to catch each per-process choice."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

import pytest
from django.test import override_settings

from highneeds.web.checks import per_process_state, shared_state_check
from tests.test_project_checks import PROJECT_DIR, output

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.checks import run_checks
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "session_engine": settings.SESSION_ENGINE,
    "axes_handler": settings.AXES_HANDLER,
    "rate_limit_cache": type(caches[settings.PORTAL_RATE_LIMIT_CACHE]).__name__,
    "rate_limit_cache_entries": caches[settings.PORTAL_RATE_LIMIT_CACHE]._max_entries,
    "database": settings.DATABASES["default"]["ENGINE"],
    "storage": type(storage).__name__,
    "storage_location": getattr(storage, "location", None),
    "scaling_warnings": [m.id for m in run_checks(tags=["scaling"], include_deployment_checks=True)],
}))
"""


def deployment_settings(tmp_path, **extra) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIGHNEEDS_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "highneeds.settings",
            "HIGHNEEDS_DEBUG": "0",
            "HIGHNEEDS_SECURE": "1",
            "HIGHNEEDS_SECRET_KEY": secrets.token_urlsafe(64),
            "HIGHNEEDS_ALLOWED_HOSTS": "highneeds.example.gov.uk",
            "HIGHNEEDS_VAR_DIR": str(tmp_path / "var"),
            # Never connected to: reading settings and running checks needs no database.
            "HIGHNEEDS_DATABASE_URL": "postgres://highneeds@db.internal.example:5432/highneeds",
            **extra,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, output(result)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deployed_web_processes_share_sessions_lockouts_rate_limits_and_uploads(tmp_path):
    shared_volume = tmp_path / "shared-media"
    found = deployment_settings(tmp_path, HIGHNEEDS_MEDIA_ROOT=str(shared_volume))
    assert found["database"] == "django.db.backends.postgresql"
    assert found["session_engine"] == "django.contrib.sessions.backends.db"
    assert found["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert found["rate_limit_cache"] == "DatabaseCache"
    assert found["rate_limit_cache_entries"] >= 100_000  # culling at 300 entries would forget counts under a flood
    assert found["storage"] == "FileSystemStorage" and found["storage_location"] == str(shared_volume)
    assert found["scaling_warnings"] == []


def test_an_object_store_backend_is_one_setting_away(tmp_path):
    found = deployment_settings(tmp_path, HIGHNEEDS_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage")
    assert found["storage"] == "InMemoryStorage"


def test_without_a_media_root_uploads_stay_under_the_var_dir(tmp_path):
    assert deployment_settings(tmp_path)["storage_location"] == str(tmp_path / "var" / "media")


LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
DB = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "highneeds_shared_cache"}


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"SESSION_ENGINE": "django.contrib.sessions.backends.file"}, "SESSION_ENGINE"),
        ({"SESSION_ENGINE": "django.contrib.sessions.backends.cache"}, "SESSION_ENGINE"),
        ({"SESSION_ENGINE": "django.contrib.sessions.backends.cached_db"}, "SESSION_ENGINE"),
        ({"AXES_HANDLER": "axes.handlers.cache.AxesCacheHandler"}, "AXES_HANDLER"),
        ({"CACHES": {"default": LOCMEM, "shared": LOCMEM}}, "PORTAL_RATE_LIMIT_CACHE"),
    ],
)
def test_the_deploy_check_names_each_per_process_choice(changed, named):
    with override_settings(**changed):
        found = per_process_state()
        warnings = shared_state_check(None)
    assert len(found) == 1 and named in found[0]
    assert [w.id for w in warnings] == ["web.W001"]


def test_a_shared_cache_is_fine_for_sessions_and_lockouts():
    with override_settings(
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        SESSION_CACHE_ALIAS="shared",
        AXES_HANDLER="axes.handlers.cache.AxesCacheHandler",
        AXES_CACHE="shared",
        CACHES={"default": LOCMEM, "shared": DB},
    ):
        assert per_process_state() == []
    assert per_process_state() == []  # and the shipped settings
