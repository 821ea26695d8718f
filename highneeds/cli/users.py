"""`highneeds user create|set-role|deactivate`: accounts from the command line, through the accounts
services (so each is checked and audited like the admin pages), acting as the system. Replaces
Django's `createsuperuser`, which wrote a user with no role and no audit event."""

from __future__ import annotations

import sys

import typer

from highneeds.accounts.roles import SYSTEM, Role

from . import bridge

app = typer.Typer(
    help="Staff and family accounts (audited, as from the admin pages).",
    epilog="Example: highneeds user create --username a.admin --role admin --email a.admin@council.example",
    no_args_is_help=True,
)


def _roles() -> str:
    return ", ".join(Role.LABELS)


def _user(username: str):
    from django.core.management.base import CommandError

    from highneeds.accounts.models import User  # why: after bridge.setup()

    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--username: no user called {username!r}")
    return user


def _establishment(urn: int | None):
    from django.core.management.base import CommandError

    from highneeds.establishments.models import Establishment  # why: after bridge.setup()

    if urn is None:
        return None
    found = Establishment.objects.filter(urn=urn).first()
    if found is None:
        raise CommandError(f"--establishment: no establishment with URN {urn}")
    return found


def _password(stdin: bool, none: bool) -> str | None:
    if none:
        return None
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command(
    "create",
    epilog="Example: highneeds user create --username a.admin --role admin "
    "--email a.admin@council.example --first-name Ada --last-name Admin",
)
def create(
    username: str = typer.Option(..., help="the sign-in name"),
    role: str = typer.Option(
        ...,
        help="one of: caseworker, manager, panel_member, finance, senco, professional, parent, strategic_lead, admin",
    ),
    email: str = typer.Option("", help="their email address"),
    first_name: str = typer.Option("", help="first name"),
    last_name: str = typer.Option("", help="last name"),
    establishment: int = typer.Option(None, help="URN of a SENCO's setting (required for senco)"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from standard input"),
    no_password: bool = typer.Option(
        False, "--no-password", help="no password: they set one from a reset link sent from the admin pages"
    ),
) -> None:
    """Create an account (an administrator instead of createsuperuser: --role admin). Prompts for a password."""
    bridge.setup()
    from highneeds.accounts.services import create_user  # why: after bridge.setup()

    password = _password(password_stdin, no_password)
    user = create_user(
        actor=SYSTEM,
        username=username,
        password=password,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        establishment=_establishment(establishment),
    )
    typer.echo(f"Created {user.username} ({user.role_label}).")


@app.command("set-role", epilog="Example: highneeds user set-role --username j.smith --role manager")
def set_role(
    username: str = typer.Option(..., help="the account to change"),
    role: str = typer.Option(..., help="the new role"),
    establishment: int = typer.Option(None, help="URN of the setting, for senco"),
) -> None:
    """Change an account's role."""
    bridge.setup()
    from highneeds.accounts.services import update_user  # why: after bridge.setup()

    user = _user(username)
    before = user.role_label
    update_user(
        actor=SYSTEM,
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        role=role,
        establishment=_establishment(establishment) or user.establishment,
        agency=user.agency,
    )
    typer.echo(f"{user.username}: {before} -> {user.role_label}.")


@app.command("deactivate", epilog="Example: highneeds user deactivate --username j.smith --reason 'left the council'")
def deactivate(
    username: str = typer.Option(..., help="the account to close"),
    reason: str = typer.Option("", help="why, kept in the audit log"),
) -> None:
    """Deactivate a leaver's account: signed out everywhere, API tokens revoked, links cancelled."""
    bridge.setup()
    from highneeds.accounts.services import deactivate_user  # why: after bridge.setup()

    user = _user(username)
    held = deactivate_user(actor=SYSTEM, user=user, reason=reason)
    typer.echo(
        f"Deactivated {user.username}; " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in held.items()) + "."
    )
