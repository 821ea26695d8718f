"""`highneeds audit verify [--checkpoints FILE]`: walk the keyed hash chain and say whether the log is intact.
`highneeds audit checkpoint [--out FILE]`: append the chain's head to a file kept outside the database."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from highneeds.audit import log
from highneeds.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log (every event in sequence, linked and unchanged), or export a checkpoint."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify the hash chain")
        verify.add_argument(
            "--checkpoints",
            type=Path,
            default=None,
            help="a file written by `audit checkpoint`: the log must still hold every checkpoint",
        )
        point = sub.add_parser("checkpoint", help="append the chain's head (seq and hash) to a file, as one JSON line")
        point.add_argument(
            "--out",
            type=Path,
            default=None,
            help="file to append to (keep it off the database server); default: print it",
        )

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            return self._checkpoint(options["out"])
        checkpoints = None
        if options["checkpoints"] is not None:
            try:
                checkpoints = log.read_checkpoints(options["checkpoints"].read_text(encoding="utf-8").splitlines())
            except OSError as exc:
                raise CommandError(f"--checkpoints {options['checkpoints']}: cannot read it ({exc.strerror})")
            except ValueError as exc:
                raise CommandError(f"--checkpoints {options['checkpoints']}: {exc}")
        total = AuditEvent.objects.count()
        with Progress(
            TextColumn("Verifying audit log"), BarColumn(), MofNCompleteColumn(), transient=True, disable=total < 10000
        ) as progress:
            task = progress.add_task("verify", total=total)
            result = log.verify(
                progress=lambda n: n % 5000 == 0 and progress.update(task, completed=n), checkpoints=checkpoints
            )
        if not result.ok:
            raise CommandError(
                f"Audit log broken at event {result.broken_at}: {result.reason} "
                f"({result.checked} events before it are intact)"
            )
        against = f", matching {len(checkpoints)} checkpoints" if checkpoints else ""
        self.stdout.write(f"Audit log intact: {result.checked} events verified{against}.")

    def _checkpoint(self, out: Path | None) -> None:
        line = json.dumps(log.checkpoint(), sort_keys=True)
        if out is None:
            self.stdout.write(line)
            return
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with open(fd, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            raise CommandError(f"--out {out}: cannot write it ({exc.strerror})")
        self.stdout.write(f"Checkpoint at event {json.loads(line)['seq']} appended to {out}.")
