"""`highneeds sen2`: the SEN2 statutory return.

    highneeds sen2 export --year 2027 [--la 384] --out FILE.xml [--gaps FILE.csv]
    highneeds sen2 validate FILE.xml [--format json] [--year 2027]
    highneeds sen2 import FILE.xml [--dry-run]
    highneeds sen2 tables --year 2027 [--format json]

validate exits 0 when the file has no errors (queries allowed), 1 otherwise; any file it cannot read as a
SEN2 return is one plain error line and exit 1.
"""

from __future__ import annotations

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from highneeds import spreadsheets
from highneeds.accounts.roles import SYSTEM
from highneeds.audit import log
from highneeds.council.models import CouncilSettings
from highneeds.engine.sen2.safexml import SEN2FileError, read_file
from highneeds.engine.sen2.validate import has_errors, validate_bytes
from highneeds.returns.importer import DryRun, import_return
from highneeds.returns.jobs import build_files
from highneeds.returns.summary import summarise


class Command(BaseCommand):
    help = "Export, validate and import the SEN2 statutory return."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="build the return from casework as at the census date")
        exp.add_argument("--year", type=int, required=True, help="the return's year, e.g. 2027 (census January 2027)")
        exp.add_argument("--la", help="3-digit LA number (default: the council's settings)")
        exp.add_argument("--out", required=True, help="where to write the XML")
        exp.add_argument("--gaps", help="also write which children lack which item to this CSV")
        val = sub.add_parser("validate", help="validate any SEN2 file")
        val.add_argument("file")
        val.add_argument("--format", choices=("text", "json"), default="text")
        val.add_argument("--year", type=int, help="validate with this year's rules (default: the header's year)")
        imp = sub.add_parser("import", help="load a council's SEN2 return into highneeds")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="report what would be created, change nothing")
        tab = sub.add_parser("tables", help="the council's published-style EHCP tables from casework")
        tab.add_argument("--year", type=int, required=True)
        tab.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, action, **o):
        getattr(self, f"_{action}")(**o)

    def _la(self, la):
        la = la or CouncilSettings.current().old_la_code
        if not (la and la.isdecimal() and len(la) == 3):
            raise CommandError("give the council's 3-digit LA number with --la (none is set in the council's settings)")
        return la

    def _export(self, year, la, out, gaps=None, **_):
        la = self._la(la)
        ex, xml, issues = build_files(year, la, progress=self._progress)
        try:
            with open(out, "wb") as fh:
                fh.write(xml)
            if gaps:
                with open(gaps, "w", newline="", encoding="utf-8") as fh:
                    writer = spreadsheets.csv_dict_writer(fh, fieldnames=["child_id", "name", "module", "item", "why"])
                    writer.writeheader()
                    writer.writerows(g.as_dict() for g in ex.gaps)
        except OSError as exc:
            raise CommandError(f"cannot write {exc.filename}: {exc.strerror}") from None
        log.record(
            actor=SYSTEM,
            action="sen2.export",
            after={"year": year, "la": la, "file": str(out), "children": ex.child_ids},
        )
        errors = sum(i.severity == "error" for i in issues)
        self.stdout.write(
            f"Wrote {out}: {len(ex.ret.persons)} persons; {errors} errors, "
            f"{len(issues) - errors} queries; {len(ex.gaps)} items casework lacks"
        )
        for g in ex.gaps[:20]:
            self.stderr.write(f"  child {g.child_id} ({g.name}): {g.item} - {g.why}")
        if len(ex.gaps) > 20:
            self.stderr.write(f"  ... and {len(ex.gaps) - 20} more" + ("" if gaps else " (write them all with --gaps)"))

    def _progress(self, done, total):
        if total and (done == total or done % 2000 == 0):
            self.stderr.write(f"  {done}/{total} children")

    def _validate(self, file, format, year=None, **_):
        try:
            issues = validate_bytes(read_file(file), year)
        except SEN2FileError as exc:
            if format == "json":
                self.stdout.write(
                    json.dumps([{"rule": "FILE", "severity": "error", "xpath": "/", "field": "", "message": str(exc)}])
                )
            raise CommandError(f"{file}: {exc}", returncode=1) from None
        if format == "json":
            self.stdout.write(json.dumps([i.as_dict() for i in issues], indent=1))
        else:
            for i in issues:
                self.stdout.write(f"{i.severity.upper()} {i.rule} {i.xpath} [{i.field}] {i.message}")
            errors = sum(i.severity == "error" for i in issues)
            self.stdout.write(f"{errors} errors, {len(issues) - errors} queries")
        if has_errors(issues):
            sys.exit(1)

    def _import(self, file, dry_run=False, **_):
        try:
            report = import_return(actor=SYSTEM, data=read_file(file), dry_run=dry_run)
        except DryRun as done:
            report = done.report
        except SEN2FileError as exc:
            raise CommandError(f"{file}: {exc}") from None
        except ValidationError as exc:
            raise CommandError(f"{file}: nothing imported: " + "; ".join(exc.messages[:5])) from None
        self.stdout.write(
            ("Would create" if dry_run else "Created")
            + ": "
            + ", ".join(f"{n} {what}" for what, n in report.created.items())
        )
        if report.existing:
            self.stdout.write(
                "Already here (unchanged): " + ", ".join(f"{n} {what}" for what, n in report.existing.items())
            )
        for line in report.skipped:
            self.stdout.write(f"Skipped: {line}")

    def _tables(self, year, format, **_):
        ex, _xml, _issues = build_files(year, self._la(None))
        figures = summarise(ex.ret)
        figures.pop("previous", None)
        if format == "json":
            self.stdout.write(json.dumps(figures, indent=1))
            return
        for name, value in figures.items():
            self.stdout.write(f"{name}: {value}")
