"""What the three import commands share: arguments, a progress bar on stderr, the report, exit codes."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from highneeds.accounts.roles import SYSTEM

from . import csvkit


class RichProgress:
    """csvkit.Progress drawn by rich: one task per stage, on stderr so stdout stays the summary."""

    def __init__(self, stream, *, force_terminal: bool | None = None):
        console = Console(file=stream, stderr=True, force_terminal=force_terminal)
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=not console.is_terminal,
        )
        self.task = None

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()

    def stage(self, label: str, total: int | None = None) -> None:
        if self.task is not None:  # show the stage before as finished
            done = self.bar.tasks[self.task].total or self.bar.tasks[self.task].completed or 1
            self.bar.update(self.task, total=done, completed=done)
        self.task = self.bar.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, n)


class ImportCommand(BaseCommand):
    """Subclasses name the service: `importer(actor=, path=, skip_invalid=, rejects_path=, progress=)`."""

    importer = None
    file_help = "the CSV file to import"

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows and write the bad ones to a rejects file (default: import nothing if any row is bad)",
        )
        parser.add_argument(
            "--rejects",
            metavar="PATH",
            help="where --skip-invalid writes rejected rows (default: beside FILE, named FILE.rejects-<time>.csv)",
        )
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")

    def handle(self, *args, file, skip_invalid=False, rejects=None, no_progress=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=1)
        progress = csvkit.NoProgress() if no_progress else RichProgress(getattr(self.stderr, "_out", self.stderr))
        try:
            if isinstance(progress, RichProgress):
                with progress:
                    result = type(self).importer(
                        actor=SYSTEM, path=path, skip_invalid=skip_invalid, rejects_path=rejects, progress=progress
                    )
            else:
                result = type(self).importer(
                    actor=SYSTEM, path=path, skip_invalid=skip_invalid, rejects_path=rejects, progress=progress
                )
        except csvkit.FileRejected as exc:
            for line in exc.report():
                self.stderr.write(line)
            raise CommandError("Import refused: nothing was imported", returncode=1) from None
        except (OperationalError, InterfaceError) as exc:
            # The database went away (a restart, a failover): the import's one transaction was rolled back.
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(
                f"Lost the database connection during the import ({reason}); nothing was imported. "
                "Run it again: an import run twice does no harm",
                returncode=1,
            ) from None
        except csvkit.ImportRefused as exc:
            for line in exc.report():
                self.stderr.write(line)
            raise CommandError(
                f"Import refused: {len(exc.errors)} error(s) in {exc.bad_rows} row(s); nothing was imported",
                returncode=1,
            ) from None
        for error in result.errors:
            self.stderr.write(f"  rejected {error}")
        for line in result.summary():
            self.stdout.write(line)
