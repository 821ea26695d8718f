"""The `highneeds` command: Django's management commands with the project's settings preset.

    highneeds migrate | demo-data | audit verify | import-establishments FILE | deadlines | ...

Command names may be typed with hyphens: `highneeds demo-data` runs the `demo_data` command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    _secret_key_for_commands()
    import django
    from django.core.management import execute_from_command_line, get_commands

    args = list(argv if argv is not None else sys.argv[1:])
    if args and "-" in args[0] and not args[0].startswith("-"):
        django.setup()
        args[0] = command_name(args[0], get_commands())
    execute_from_command_line(["highneeds", *args])


def command_name(typed: str, known) -> str:
    """`demo-data` finds the `demo_data` command; a name that exists as typed is kept."""
    if typed not in known and typed.replace("-", "_") in known:
        return typed.replace("-", "_")
    return typed


def _secret_key_for_commands() -> None:
    """Commands sign nothing that outlives them, so they need no configured key: use the demo's
    key file when there is one, else a throwaway key. The web server still requires a real one."""
    if os.environ.get("HIGHNEEDS_SECRET_KEY") or os.environ.get("HIGHNEEDS_DEBUG") == "1":
        return
    from pathlib import Path
    import secrets

    key_file = Path(os.environ.get("HIGHNEEDS_VAR_DIR", Path(__file__).resolve().parent.parent / "var")) / "secret_key"
    os.environ["HIGHNEEDS_SECRET_KEY"] = key_file.read_text().strip() if key_file.exists() else secrets.token_urlsafe(50)


if __name__ == "__main__":
    main()
