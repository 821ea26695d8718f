import argparse
from datetime import date

from django.core.management.base import CommandError


class BadArgument(CommandError, argparse.ArgumentTypeError):
    """A bad option value. Raised by an argparse `type=` converter, argparse reports it as one usage line (a bare
    CommandError would escape argparse as a traceback); raised from `handle`, it is an ordinary CommandError."""


def today_argument(value: str) -> date:
    """`--today YYYY-MM-DD` for commands that judge deadlines as of a date."""
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise BadArgument(f"--today: {value!r} is not a date in the form YYYY-MM-DD") from None
