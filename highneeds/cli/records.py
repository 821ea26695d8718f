"""`highneeds records purge`: remove deleted documents' files once their retention rule allows (docs/records.md).
The nightly task runs the same step; this is for a first run, a check (--dry-run) or a catch-up."""

from __future__ import annotations

from datetime import date

import typer

from highneeds.accounts.roles import SystemActor

from . import bridge

app = typer.Typer(
    help="The case file: remove deleted documents' files when their retention period ends.",
    epilog="Example: highneeds records purge --dry-run",
    no_args_is_help=True,
)


def _day(value: str | None) -> date:
    from django.core.management.base import CommandError

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2026-12-03, not {value!r}") from None


@app.command("purge", epilog="Example: highneeds records purge --dry-run   (then without --dry-run)")
def purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="list what is due and remove nothing"),
    today: str = typer.Option(None, help="as of this date (YYYY-MM-DD; default today)"),
) -> None:
    """Remove from storage the files of deleted documents whose retention period has ended (letters never)."""
    from django.core.management.base import CommandError

    on = _day(today)
    bridge.setup()
    from highneeds.records import retention  # why: after bridge.setup()

    try:
        retention.rules()
    except ValueError as exc:  # a bad HIGHNEEDS_DOCUMENT_RETENTION names the kind and field
        raise CommandError(str(exc)) from None

    def progress(number: int, total: int) -> None:
        if number == total or number % 100 == 0:
            typer.echo(f"{'checked' if dry_run else 'removed'} {number} of {total}")

    due, removed = retention.purge_due(actor=SystemActor("records-purge"), today=on, dry_run=dry_run, progress=progress)
    if dry_run:
        for item in due:
            document = item.document
            typer.echo(f"due {item.due_on.isoformat()}  document {document.pk}  child {document.child_id}")
        typer.echo(
            f"{len(due)} deleted document file(s) due for removal on {on.isoformat()}; nothing removed (dry run)"
        )
    else:
        typer.echo(f"{removed} deleted document file(s) removed from storage")
