"""The `highneeds` command: Django's management commands with the project's settings preset.

    highneeds migrate | demo-data | audit verify | import-establishments FILE | serve-demo | ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["highneeds", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
