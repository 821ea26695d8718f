"""Issue, revoke and list API tokens from the command line (acting as the system).

highneeds api-token create --user USERNAME --name NAME [--days N]   prints the secret, once (default 90 days)
highneeds api-token revoke --id N
highneeds api-token list [--user USERNAME]                          never prints secrets
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from highneeds.accounts.models import ApiToken, User
from highneeds.accounts.roles import SYSTEM
from highneeds.accounts.services import issue_api_token, revoke_api_token
from highneeds.engine.identifiers import hidden_character

MAX_DAYS = 3660


def _positive_days(value: str) -> int:
    # argparse turns ArgumentTypeError into a one-line usage error; a CommandError raised here would escape
    # argparse as a traceback on the command line.
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--days must be a whole number of days, not {value!r}") from None
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"--days must be between 1 and {MAX_DAYS}")
    return days


def _status(token: ApiToken, now) -> str:
    if token.revoked_at:
        return "revoked"
    if token.expires_at and token.expires_at <= now:
        return "expired"
    if not token.user.is_active:
        return "user inactive"
    return "active"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Create, revoke or list API tokens for the integration API at /api/v1/."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="{create,revoke,list}", required=True)
        create = actions.add_parser("create", help="Issue a token and print its secret once")
        create.add_argument("--user", required=True, help="Username the token acts as")
        create.add_argument("--name", required=True, help="What the token is for, e.g. 'Capita One nightly sync'")
        create.add_argument(
            "--days",
            type=_positive_days,
            help="Expire after this many days (default: settings.API_TOKEN_DEFAULT_DAYS, 90)",
        )
        revoke = actions.add_parser("revoke", help="Revoke a token so it no longer works")
        revoke.add_argument("--id", type=int, required=True, dest="token_id", help="The token's id (see list)")
        listing = actions.add_parser("list", help="List tokens (never their secrets)")
        listing.add_argument("--user", help="Only this user's tokens")

    def handle(self, *args, action: str, **options):
        try:
            return {"create": self.create, "revoke": self.revoke, "list": self.list}[action](**options)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc

    def create(self, *, user: str, name: str, days: int | None = None, **_):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user called {user!r}")
        if not account.is_active:
            raise CommandError(f"{user} is not active: a token for them would not work")
        name = name.strip()
        if not name:
            raise CommandError("Give the token a --name that says what it is for")
        if hidden_character(name) is not None:
            raise CommandError("--name may not contain control or text-direction characters")
        if len(name) > ApiToken._meta.get_field("name").max_length:
            raise CommandError("--name is too long (80 characters at most)")
        expires_at = timezone.now() + timedelta(days=days or settings.API_TOKEN_DEFAULT_DAYS)
        token, secret = issue_api_token(actor=SYSTEM, user=account, name=name, expires_at=expires_at)
        self.stdout.write(f"Token {token.pk} for {account.username} ({name}), expires {_when(expires_at)}.")
        self.stdout.write("Secret (shown once; it cannot be recovered, only revoked and replaced):")
        self.stdout.write(secret)

    def revoke(self, *, token_id: int, **_):
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No token with id {token_id}")
        if token.revoked_at:
            self.stdout.write(f"Token {token.pk} was already revoked on {_when(token.revoked_at)}.")
            return
        revoke_api_token(actor=SYSTEM, token=token)
        self.stdout.write(f"Revoked token {token.pk} ({token.name}) for {token.user.username}.")

    def list(self, *, user: str | None = None, **_):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "pk")
        if user:
            if not User.objects.filter(username=user).exists():
                raise CommandError(f"No user called {user!r}")
            tokens = tokens.filter(user__username=user)
        now = timezone.now()
        rows = [
            (
                str(t.pk),
                t.user.username,
                t.name,
                t.prefix + "...",
                _when(t.created_at),
                _when(t.expires_at),
                _when(t.last_used_at),
                _status(t, now),
            )
            for t in tokens
        ]
        if not rows:
            self.stdout.write("No tokens.")
            return
        header = ("id", "user", "name", "starts", "created", "expires", "last used", "status")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
