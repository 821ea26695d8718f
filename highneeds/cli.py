"""The `highneeds` command: Django's management commands with the project's settings preset.

    highneeds migrate | demo-data | audit verify | import-establishments FILE | deadlines | ...

Command names may be typed with hyphens: `highneeds demo-data` runs the `demo_data` command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    args = list(argv if argv is not None else sys.argv[1:])
    if args and "-" in args[0] and not args[0].startswith("-"):
        django.setup()
        if args[0] not in get_commands() and args[0].replace("-", "_") in get_commands():
            args[0] = args[0].replace("-", "_")
    execute_from_command_line(["highneeds", *args])


if __name__ == "__main__":
    main()
