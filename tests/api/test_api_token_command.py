"""`highneeds api-token`: create prints the secret once, list never shows it, revoke stops it working."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from highneeds.accounts.models import ApiToken
from highneeds.accounts.services import authenticate_token
from highneeds.audit.models import AuditEvent


def run(*args) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_a_working_secret_once(caseworker):
    output = run("create", "--user", caseworker.username, "--name", "Nightly sync")
    secret = output.strip().splitlines()[-1]
    assert secret.startswith("hn_")
    assert authenticate_token(secret) == caseworker
    token = ApiToken.objects.get()
    assert token.name == "Nightly sync"
    # tokens expire by default (settings.API_TOKEN_DEFAULT_DAYS, documented in docs/api.md)
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert secret not in (token.key_hash, token.prefix)
    event = AuditEvent.objects.filter(action="api_token.issue").get()
    assert event.actor_id is None and event.actor_label == "system"
    assert secret not in str(event.after)


def test_create_with_expiry(caseworker):
    run("create", "--user", caseworker.username, "--name", "Trial", "--days", "30")
    expires = ApiToken.objects.get().expires_at
    assert timedelta(days=29, hours=23) < expires - timezone.now() <= timedelta(days=30)


@pytest.mark.parametrize(
    "args, message",
    [
        (["create", "--user", "nobody", "--name", "x"], "No user"),
        (["create", "--user", "{user}", "--name", "  "], "--name"),
        (["create", "--user", "{user}", "--name", "EMS\u202e sync"], "--name"),
        (["create", "--user", "{user}", "--name", "x", "--days", "0"], "--days"),
        (["create", "--user", "{user}", "--name", "x", "--days", "soon"], "--days"),
        (["revoke", "--id", "999"], "No token"),
        (["list", "--user", "nobody"], "No user"),
    ],
)
def test_mistakes_are_command_errors(caseworker, args, message):
    with pytest.raises(CommandError, match=message):
        run(*[a.format(user=caseworker.username) for a in args])
    assert not ApiToken.objects.exists()


def test_revoke(caseworker):
    secret = run("create", "--user", caseworker.username, "--name", "Old").strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert "Revoked token" in run("revoke", "--id", str(token.pk))
    assert authenticate_token(secret) is None
    assert "already revoked" in run("revoke", "--id", str(token.pk))
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_list_never_shows_secrets(caseworker, make_user):
    other = make_user("finance")
    first = run("create", "--user", caseworker.username, "--name", "Alpha").strip().splitlines()[-1]
    second = run("create", "--user", other.username, "--name", "Beta", "--days", "1").strip().splitlines()[-1]
    run("revoke", "--id", str(ApiToken.objects.get(name="Alpha").pk))
    listing = run("list")
    assert first not in listing and second not in listing
    lines = listing.splitlines()
    assert lines[0].split()[:3] == ["id", "user", "name"]
    assert any("Alpha" in line and "revoked" in line for line in lines)
    assert any("Beta" in line and "active" in line for line in lines)
    mine = run("list", "--user", other.username)
    assert "Beta" in mine and "Alpha" not in mine


def test_list_with_no_tokens(db):
    assert run("list").strip() == "No tokens."


def test_the_command_answers_to_its_hyphenated_name(caseworker):
    from django.core.management import get_commands

    from highneeds.cli import command_name

    name = command_name("api-token", get_commands())
    assert name == "api_token"
    call_command(name, "create", "--user", caseworker.username, "--name", "CLI", stdout=StringIO())
    assert ApiToken.objects.get().name == "CLI"


def test_days_zero_on_the_command_line_is_one_plain_line_not_a_traceback(caseworker, tmp_path):
    """Regression: `api-token create --days 0` printed a traceback (a CommandError raised inside argparse)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "HIGHNEEDS_DEBUG": "1", "HIGHNEEDS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    for days in ("0", "-3", "soon", "99999"):
        result = subprocess.run(
            [sys.executable, "-m", "highneeds", "api-token", "create", "--user", "u", "--name", "n", "--days", days],
            capture_output=True,
            text=True,
            env=env,
            cwd=settings.PROJECT_DIR,
            timeout=60,
        )
        assert result.returncode != 0, days
        assert "Traceback" not in result.stderr, result.stderr
        assert "--days" in result.stderr.strip().splitlines()[-1]


def _our_commands():
    from django.core.management import get_commands, load_command_class

    return [
        (name, load_command_class(app, name))
        for name, app in sorted(get_commands().items())
        if app.startswith("highneeds")
    ]


@pytest.mark.parametrize("name,command", _our_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_argument_converter_raises_what_argparse_cannot_report(name, command):
    """The class of the --days bug: an argparse `type=` converter may only raise what argparse turns into a usage
    line (ArgumentTypeError, ValueError, TypeError); anything else escapes as a traceback."""
    import argparse

    parser = command.create_parser("highneeds", name)
    actions = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            actions += [a for sub in action.choices.values() for a in sub._actions]
    for action in actions:
        if action.type in (None, int, float, str) or not callable(action.type):
            continue
        for bad in ("0", "-1", "", "soon", "99999999", "\x00"):
            try:
                action.type(bad)
            except (argparse.ArgumentTypeError, ValueError, TypeError):
                pass
