"""Project-level gates: deployment checks, no missing migrations, linear migration history.

The first two run `highneeds` in a subprocess, so they see the settings as a real process would
(no pytest in sys.modules, no pytest-django test database). None of them needs a database.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROJECT_PACKAGE = "highneeds."


def run_highneeds(*args: str, env_overrides: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    # Only the variables a deployment would have: none of the test run's own settings, and not
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set for Playwright's event loop.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HIGHNEEDS_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    # A scratch SQLite file and var dir: a check must never touch the developer's own database.
    env.update(
        {
            "HIGHNEEDS_DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
            "HIGHNEEDS_VAR_DIR": str(tmp_path),
        }
    )
    if "HIGHNEEDS_SHARED_DATA" in os.environ:
        env["HIGHNEEDS_SHARED_DATA"] = os.environ["HIGHNEEDS_SHARED_DATA"]
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "highneeds", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def output(result: subprocess.CompletedProcess) -> str:
    text = f"{result.stdout}\n{result.stderr}".strip()
    return text if len(text) < 4000 else "...\n" + text[-4000:]


def test_deploy_checks_pass_in_production_settings(tmp_path):
    result = run_highneeds(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        env_overrides={
            "HIGHNEEDS_DEBUG": "0",
            "HIGHNEEDS_SECURE": "1",
            "HIGHNEEDS_SECRET_KEY": secrets.token_urlsafe(64),
            "HIGHNEEDS_ALLOWED_HOSTS": "highneeds.example.gov.uk",
            "HIGHNEEDS_AUDIT_KEY": secrets.token_urlsafe(48),
        },
    )
    assert result.returncode == 0, f"check --deploy failed:\n{output(result)}"


def test_no_missing_migrations(tmp_path):
    result = run_highneeds(
        "makemigrations",
        "--check",
        "--dry-run",
        tmp_path=tmp_path,
        env_overrides={"HIGHNEEDS_DEBUG": "1"},
    )
    assert result.returncode == 0, (
        "models have changes with no migration; run `highneeds makemigrations` and commit the result:\n"
        + output(result)
    )


def _project_app_configs():
    from django.apps import apps

    return [config for config in apps.get_app_configs() if config.name.startswith(PROJECT_PACKAGE)]


def _migration_loader():
    from django.db.migrations.loader import MigrationLoader

    # No connection: the graph is built from the files alone, with squashed migrations in
    # place of the ones they replace.
    return MigrationLoader(None, ignore_no_migrations=True)


def test_every_app_with_models_has_migrations():
    loader = _migration_loader()
    unmigrated = sorted(
        config.label
        for config in _project_app_configs()
        if any(model._meta.managed for model in config.get_models()) and config.label not in loader.migrated_apps
    )
    # makemigrations --check ignores an app without a migrations package, so catch that here.
    assert not unmigrated, f"apps with models but no migrations package: {unmigrated}"


def test_migration_history_is_linear():
    loader = _migration_loader()
    graph = loader.graph
    problems = []
    for config in _project_app_configs():
        label = config.label
        nodes = sorted(key for key in graph.nodes if key[0] == label)
        if not nodes:
            continue
        children = defaultdict(list)
        roots = []
        for key in nodes:
            parents = [p.key for p in graph.node_map[key].parents if p.key[0] == label]
            if not parents:
                roots.append(key[1])
            if len(parents) > 1:
                problems.append(f"{label}.{key[1]} merges {sorted(p[1] for p in parents)}")
            for parent in parents:
                children[parent[1]].append(key[1])
        for parent, kids in sorted(children.items()):
            if len(kids) > 1:
                problems.append(f"{label}: {sorted(kids)} all follow {parent}")
        if len(roots) > 1:
            problems.append(f"{label}: several first migrations {sorted(roots)}")
        numbers = defaultdict(list)
        for _, name in nodes:
            numbers[name.split("_", 1)[0]].append(name)
        problems.extend(
            f"{label}: migrations share the number {number}: {sorted(names)}"
            for number, names in sorted(numbers.items())
            if len(names) > 1
        )
    assert not problems, (
        "migration history must be one line per app (renumber the newer migration onto the latest "
        "one rather than adding a merge migration):\n  " + "\n  ".join(problems)
    )


def test_migration_checks_see_the_project_apps():
    # Guards the tests above against silently checking nothing.
    labels = {config.label for config in _project_app_configs()}
    assert "accounts" in labels
    assert "accounts" in _migration_loader().migrated_apps
