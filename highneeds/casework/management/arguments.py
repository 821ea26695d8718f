from datetime import date

from django.core.management.base import CommandError


def today_argument(value: str) -> date:
    """`--today YYYY-MM-DD` for commands that judge deadlines as of a date."""
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} is not a date in the form YYYY-MM-DD") from None
