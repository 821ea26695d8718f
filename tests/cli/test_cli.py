"""The `highneeds` command as an operator meets it: groups, help with examples, one-line errors, old names."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import hypothesis
import pytest
from django.conf import settings
from django_tasks import task
from hypothesis import strategies as st

from highneeds.cli import RENAMED, main

GROUPS = [
    "serve",
    "db",
    "demo",
    "import",
    "clock",
    "reviews",
    "cessations",
    "bank-holidays",
    "forecast",
    "scenario",
    "audit",
    "token",
    "user",
    "jobs",
    "funding",
    "sen2",
    "django",
]


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:  # argparse's --help, or main's non-zero exit
        code = exc.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _leaf_commands():
    """Every visible command, as the words that reach it (`clock chase`)."""
    import typer.main

    from highneeds.cli.app import app
    from highneeds.cli.reference import walk_commands

    return [" ".join(words) for words, _ in walk_commands(typer.main.get_command(app)) if words != ["django"]]


def test_help_lists_the_products_groups_only(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for group in GROUPS:
        assert f" {group} " in out, group
    for django_only in (
        "startproject",
        "compilemessages",
        "createsuperuser",
        "makemigrations",
        "runserver",
        "demo-data",
        "send-chasers",
        "api-token",
    ):
        assert django_only not in out


@pytest.mark.parametrize("group", [g for g in GROUPS if g != "django"])
def test_each_groups_help_has_an_example(capsys, group):
    code, out, _ = run(capsys, group, "--help")
    assert code == 0
    assert "xample: highneeds " in " ".join(out.split()), out


@pytest.mark.parametrize("words", _leaf_commands())
def test_every_command_has_help_with_an_example(capsys, words):
    code, out, err = run(capsys, *words.split(), "--help")
    assert code == 0, err
    text = " ".join(out.split())
    assert "xample: highneeds " in text, out
    assert f"highneeds {words}" in text  # usage names the command as typed, not the Django command behind it
    assert "--traceback" not in text and "--pythonpath" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,names",
    [
        (["token", "create", "--user", "u", "--name", "n", "--days", "0"], "--days"),
        (["token", "create", "--name", "n"], "--user"),
        (["token", "revoke", "--id", "999"], "999"),
        (["user", "create", "--username", "x"], "--role"),
        (["user", "set-role", "--username", "nobody", "--role", "manager"], "nobody"),
        (["jobs", "list", "--status", "lost"], "--status"),
        (["jobs", "list", "--limit", "0"], "--limit"),
        (["import", "establishments", "/no/such/file.csv"], "/no/such/file.csv"),
        (["audit", "verify", "--checkpoints", "/no/such/heads.jsonl"], "--checkpoints"),
        (["forecast", "public", "--base-year", "2024"], "--out"),
        (["bank-holidays", "import", "/no/such/bank-holidays.json"], "bank-holidays.json"),
        (["clock", "recalculate", "--today", "yesterday"], "--today"),
        (["serve", "--workers", "0"], "--workers"),
        (["no-such-command"], "no-such-command"),
    ],
)
def test_errors_are_one_plain_line_and_a_non_zero_exit(capsys, args, names):
    code, _, err = run(capsys, *args)
    assert code != 0
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert names in lines[0]


def test_a_database_that_is_not_migrated_is_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIGHNEEDS_")}
    env.update(
        HIGHNEEDS_DEBUG="1",
        HIGHNEEDS_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        HIGHNEEDS_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "highneeds", "token", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.PROJECT_DIR,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "highneeds db migrate" in result.stderr


# --- old names ---------------------------------------------------------------------------------

OLD_NAMES = {  # every old invocation in README, docs, scripts, tests and benchmarks
    "demo-data": "demo_data",
    "import-establishments": "import-establishments",
    "import-s41": "import-s41",
    "import-children": "import-children",
    "recalculate-clocks": "recalculate_clocks",
    "deadlines": "deadlines",
    "send-chasers": "send_chasers",
    "api-token": "api_token",
    "api_token": "api_token",
    "recalculate-reviews": "recalculate_reviews",
    "apply-cessations": "apply_cessations",
    "migrate": "migrate",
    "makemigrations": "makemigrations",
    "collectstatic": "collectstatic",
    "check": "check",
    "createsuperuser": "createsuperuser",
}


@pytest.mark.parametrize("old,django_name", OLD_NAMES.items())
def test_old_names_still_run_their_command_and_say_what_replaces_them(capsys, monkeypatch, old, django_name):
    from django.core import management

    seen = []
    monkeypatch.setattr(management, "execute_from_command_line", seen.append)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the note is for a person at a terminal
    code, _, err = run(capsys, old, "--some-option")
    assert code == 0
    assert seen == [["highneeds", django_name, "--some-option"]]
    assert "deprecated alias" in err
    assert f"use `highneeds {RENAMED.get(django_name, f'django {django_name}')}`" in err


def test_an_old_name_runs_for_real(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIGHNEEDS_")}
    env.update(HIGHNEEDS_DEBUG="1", HIGHNEEDS_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-m", "highneeds", "demo-data", "--logins-only"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.PROJECT_DIR,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "deprecated" not in result.stderr  # not a terminal: a script sees what it saw before
    assert "manager" in result.stdout.lower()


# --- commands that do work -----------------------------------------------------------------------


def _events(action):
    from highneeds.audit.models import AuditEvent

    return AuditEvent.objects.filter(action=action)


@pytest.mark.django_db
def test_user_create_set_role_and_deactivate_are_audited(capsys, monkeypatch):
    from highneeds.accounts.models import User

    monkeypatch.setattr(sys, "stdin", io.StringIO("a long pass phrase for the CLI\n"))
    code, out, err = run(
        capsys,
        "user",
        "create",
        "--username",
        "ada",
        "--role",
        "admin",
        "--email",
        "ada@council.example",
        "--password-stdin",
    )
    assert code == 0, err
    assert "Created ada (Administrator)." in out
    ada = User.objects.get(username="ada")
    assert ada.role == "admin" and ada.check_password("a long pass phrase for the CLI")
    assert _events("user.create").filter(object_id=str(ada.pk)).count() == 1

    code, _, err = run(capsys, "user", "set-role", "--username", "ada", "--role", "manager")
    assert code == 0, err
    ada.refresh_from_db()
    assert ada.role == "manager"
    assert _events("user.role_change").filter(object_id=str(ada.pk)).count() == 1

    code, _, err = run(capsys, "user", "deactivate", "--username", "ada", "--reason", "left the council")
    assert code == 0, err
    ada.refresh_from_db()
    assert not ada.is_active
    assert _events("user.deactivate").get(object_id=str(ada.pk)).after["reason"] == "left the council"

    code, _, err = run(capsys, "user", "deactivate", "--username", "ada")
    assert code != 0 and "already deactivated" in err


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["wizard", "", "ADMIN", "senco"])  # senco without its setting is refused too
def test_user_commands_refuse_bad_roles_and_write_nothing(capsys, make_user, role):
    from highneeds.accounts.models import User

    code, _, err = run(capsys, "user", "create", "--username", "bob", "--role", role, "--no-password")
    assert code != 0 and "Traceback" not in err
    assert not User.objects.filter(username="bob").exists()
    assert not _events("user.create").exists()

    existing = make_user("caseworker")
    code, _, err = run(capsys, "user", "set-role", "--username", existing.username, "--role", role)
    assert code != 0 and ("role" in err or "establishment" in err)
    existing.refresh_from_db()
    assert existing.role == "caseworker"
    assert not _events("user.role_change").exists()


@pytest.mark.django_db
def test_token_create_through_the_new_name(capsys, make_user):
    from highneeds.accounts.models import ApiToken

    user = make_user("caseworker")
    code, out, err = run(capsys, "token", "create", "--user", user.username, "--name", "Nightly sync", "--days", "30")
    assert code == 0, err
    token = ApiToken.objects.get()
    assert token.name == "Nightly sync" and token.user == user
    assert _events("api_token.issue").filter(object_id=str(token.pk)).count() == 1
    assert token.prefix in out


@pytest.mark.django_db
def test_db_check_on_a_migrated_database(capsys):
    code, out, err = run(capsys, "db", "check")
    assert code == 0, err
    assert "every migration is applied" in out


@task()
def noop_task(n: int) -> int:
    return n


@pytest.mark.django_db
def test_jobs_list_shows_a_task_and_its_status(capsys):
    queued = noop_task.enqueue(3)
    code, out, err = run(capsys, "jobs", "list")
    assert code == 0, err
    assert "noop_task" in out and "READY" in out and str(queued.id)[:8] in out
    code, out, _ = run(capsys, "jobs", "list", "--status", "failed")
    assert code == 0 and "No jobs." in out


def test_serve_runs_gunicorn_without_a_key_the_cli_made_up(capsys, monkeypatch):
    from highneeds.cli import KEY_SET_HERE

    calls = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: calls.append((argv, env)))
    monkeypatch.setenv("HIGHNEEDS_SECRET_KEY", "made-up-by-the-cli")
    monkeypatch.setenv(KEY_SET_HERE, "1")
    code, _, err = run(capsys, "serve", "--bind", "0.0.0.0:9000", "--workers", "3")
    assert code == 0, err
    [(argv, env)] = calls
    assert argv[1:4] == ["-m", "gunicorn", "highneeds.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000" and argv[argv.index("--workers") + 1] == "3"
    assert "HIGHNEEDS_SECRET_KEY" not in env


def test_django_is_the_escape_hatch_for_every_management_command(capsys):
    import django

    code, out, err = run(capsys, "django", "version")
    assert code == 0, err
    assert out.strip() == django.get_version()
    code, out, _ = run(capsys, "django", "help")
    assert code == 0
    assert "startproject" in out and "highneeds django help <subcommand>" in out


WORDS = [
    "create",
    "list",
    "revoke",
    "set-role",
    "deactivate",
    "--user",
    "--username",
    "--role",
    "--id",
    "--days",
    "--name",
    "--status",
    "--limit",
    "--year",
    "--no-password",
    "admin",
    "manager",
    "0",
    "-1",
    "99999999999",
    "x" * 300,
    "\u202e",
    "",
    "FAILED",
    "caseworker",
    "--",
    "-",
    "nonsense",
]


@pytest.mark.django_db
@hypothesis.settings(
    max_examples=40, deadline=None, suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture]
)
@hypothesis.given(
    group=st.sampled_from(["token", "user", "jobs", "bank-holidays", "scenario"]),
    words=st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=6),
)
def test_any_words_give_a_result_or_one_plain_error_line(capsys, group, words):
    """As an attacker at the prompt: whatever follows a group, never a traceback, never a half-told error."""
    code, out, err = run(capsys, group, *words)
    assert "Traceback" not in err + out
    if code != 0 and not (err == "" and "Usage: highneeds" in out):  # a group with no command shows its help
        assert len([line for line in err.splitlines() if line.strip()]) == 1, err
