"""The `highneeds` command: a curated typer CLI over the project's services and management commands.

    highneeds --help                    the product's groups (serve, db, demo, import, clock, ...)
    highneeds demo load --scale 0.1     every command has --help with an example
    highneeds django showmigrations     any Django management command (the escape hatch)

Errors are one plain line on standard error and a non-zero exit, never a traceback (set
HIGHNEEDS_TRACEBACK=1 to see one). The old top-level names (`highneeds demo-data`, `highneeds
send-chasers`, `highneeds migrate`, ...) still run the same management command, byte for byte as before, with a
note naming the new command when standard error is a terminal: deprecated aliases, kept for one release. See docs/cli.md.
"""

from __future__ import annotations

import os
import sys

from . import bridge

# Old top-level names and what replaces them. Any other Django command typed at the top level is
# also still accepted for one release, pointing to `highneeds django NAME`.
RENAMED = {
    "demo_data": "demo load",
    "import-establishments": "import establishments",
    "import-s41": "import s41",
    "import-children": "import children",
    "recalculate_clocks": "clock recalculate",
    "deadlines": "clock deadlines",
    "send_chasers": "clock chase",
    "recalculate_reviews": "reviews recalculate",
    "apply_cessations": "cessations apply",
    "api_token": "token",
    "migrate": "db migrate",
    "createsuperuser": "user create --role admin",
    "db_worker": "jobs worker",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    _secret_key_for_commands()
    args = list(argv if argv is not None else sys.argv[1:])
    code = _guarded(_dispatch, args)
    if code:
        sys.exit(code)


def _dispatch(args: list[str]) -> int:
    import typer.main

    from .app import app  # why: app.py imports this package (a cycle at module level)

    command = typer.main.get_command(app)
    if args and not args[0].startswith("-") and args[0] not in command.commands:
        return _old_name(args)
    result = command.main(args, prog_name="highneeds", standalone_mode=False)
    return result if isinstance(result, int) else 0


def _old_name(args: list[str]) -> int:
    bridge.setup()
    from django.core.management import get_commands

    known = get_commands()
    name = command_name(args[0], known)
    if name not in known:
        print(f"highneeds: no command {args[0]!r}: see `highneeds --help`", file=sys.stderr)
        return 2
    if sys.stderr.isatty():  # told to a person; a script's output stays exactly as it was for this release
        instead = RENAMED.get(name, f"django {name}")
        print(
            f"highneeds: `{args[0]}` is a deprecated alias, kept for one release: use `highneeds {instead}`",
            file=sys.stderr,
        )
    run_django_command_line([name, *args[1:]], prog="highneeds")
    return 0


def run_django_command_line(args: list[str], *, prog: str) -> None:
    """Django's own dispatch, as manage.py would run it; a hyphenated name finds its command."""
    import django
    from django.core import management

    django.setup()
    if args and not args[0].startswith("-"):
        args[0] = command_name(args[0], management.get_commands())
    management.execute_from_command_line([prog, *args])


def command_name(typed: str, known) -> str:
    """`demo-data` finds the `demo_data` command; a name that exists as typed is kept."""
    if typed not in known and typed.replace("-", "_") in known:
        return typed.replace("-", "_")
    return typed


def _guarded(run, args: list[str]) -> int:
    """Run; turn every error into one plain line on stderr and an exit status."""
    import typer

    try:
        return run(args)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("highneeds: stopped", file=sys.stderr)
        return 1
    except typer.TyperException as exc:  # typer's usage errors (bad option, missing value)
        if type(exc).__name__ != "NoArgsIsHelpError":  # that one has printed the help already
            print(f"highneeds: {_one_line(exc.format_message())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("highneeds: stopped", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("HIGHNEEDS_TRACEBACK") == "1":
            raise
        print(f"highneeds: {_describe(exc)}", file=sys.stderr)
        return getattr(exc, "returncode", 1) or 1


def _describe(exc: Exception) -> str:
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    if isinstance(exc, CommandError):
        return _one_line(str(exc).removeprefix("Error: "))
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return f"not allowed ({exc})"
    if isinstance(exc, DatabaseError):
        return (
            f"the database refused: {_one_line(str(exc))} (is it migrated? `highneeds db migrate`; "
            "is HIGHNEEDS_DATABASE_URL right?)"
        )
    if isinstance(exc, OSError):
        return _one_line(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
    return f"unexpected error: {type(exc).__name__}: {_one_line(str(exc))} (HIGHNEEDS_TRACEBACK=1 shows where)"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _secret_key_for_commands() -> None:
    """Commands sign nothing that outlives them, so they need no configured key: use the demo's
    key file when there is one, else a throwaway key. The web server still requires a real one."""
    if os.environ.get("HIGHNEEDS_SECRET_KEY") or os.environ.get("HIGHNEEDS_DEBUG") == "1":
        return
    import secrets
    from pathlib import Path

    key_file = Path(os.environ.get("HIGHNEEDS_VAR_DIR", Path(__file__).resolve().parents[2] / "var")) / "secret_key"
    os.environ["HIGHNEEDS_SECRET_KEY"] = (
        key_file.read_text().strip() if key_file.exists() else secrets.token_urlsafe(50)
    )
    os.environ[KEY_SET_HERE] = "1"


# Marks a key chosen above, which `highneeds serve` must not hand to the web server.
KEY_SET_HERE = "HIGHNEEDS_CLI_CHOSE_KEY"
