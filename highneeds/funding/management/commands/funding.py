"""`highneeds funding`: price a package, export commitments, import actuals.

    echo '{"setting_type": "special", "start": "2026-09-01", "financial_year": 2026}' | highneeds funding price
    highneeds funding commitments export --year 2026 --out commitments.csv
    highneeds funding actuals import payments.csv --year 2026 --control-total 123456.78
    highneeds funding framework export mainstream-top-up > mine.json     (edit, raise "version", then:)
    highneeds funding framework import mine.json

`price` reads one package (or a list) as JSON on standard input and writes its price as JSON (the contract in
docs/funding.md). Bad input: each problem on standard error, one a line, naming the field; exit status 1 and
nothing on standard output.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand

from highneeds.accounts.roles import SYSTEM
from highneeds.engine.funding.pricing import PricingInputError, price
from highneeds.funding import services
from highneeds.funding.models import Framework
from highneeds.funding.queries import engine_lookup, framework_definition


class Command(BaseCommand):
    help = "Price a package (JSON in, JSON out), export commitments, or import actuals."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("price", help="price a package: JSON on standard input, JSON on standard output")
        p.add_argument("--input", default="-", help="read from this file instead of standard input")
        p.add_argument("--compact", action="store_true", help="one line of JSON instead of indented")
        c = sub.add_parser("commitments", help="commitments: export")
        c.add_argument("what", choices=["export"])
        c.add_argument("--year", type=int, required=True, help="financial year (2026: April 2026 to March 2027)")
        c.add_argument("--out", default="-", help="CSV file to write (default: standard output)")
        f = sub.add_parser("framework", help="framework: export one as JSON, or import a new version")
        f.add_argument("what", choices=["export", "import"])
        f.add_argument("target", help="export: the framework's code; import: a JSON file")
        f.add_argument("--version", type=int, help="export: this version (default the latest)")
        a = sub.add_parser("actuals", help="actuals: import a CSV of payments")
        a.add_argument("what", choices=["import"])
        a.add_argument("file", help="CSV: period, line, amount and optionally setting_type, urn, child_id, reference")
        a.add_argument("--year", type=int, required=True, help="financial year of the payments")
        a.add_argument("--control-total", required=True, help="the payments' total from the ledger, e.g. 123456.78")

    def handle(self, *args, action, **options):
        if action == "price":
            return self._price(options["input"], options["compact"])
        if action == "commitments":
            return self._export(options["year"], options["out"])
        if action == "framework":
            return self._framework(options["what"], options["target"], options.get("version"))
        return self._import(options["file"], options["year"], options["control_total"])

    def _price(self, source: str, compact: bool) -> None:
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            self._fail([f"--input: {exc}"])
        try:
            data = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            self._fail([f"input is not valid JSON: {exc}"])
        lookup = _installed_lookup()
        try:
            if isinstance(data, list):
                results, problems = [], []
                for n, package in enumerate(data):
                    try:
                        results.append(price(package, lookup).as_json())
                    except PricingInputError as exc:
                        problems += [f"packages[{n}].{e}" for e in exc.errors]
                if problems:
                    self._fail(problems)
                payload = {"packages": results}
            else:
                payload = price(data, lookup).as_json()
        except PricingInputError as exc:
            self._fail(exc.errors)
        self.stdout.write(
            json.dumps(payload, separators=(",", ":") if compact else None, indent=None if compact else 2)
        )

    def _export(self, year: int, out: str) -> None:

        text = services.export_commitments(actor=SYSTEM, financial_year=year)
        if out == "-":
            self.stdout.write(text, ending="")
        else:
            Path(out).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {out}")

    def _import(self, file: str, year: int, control_total: str) -> None:
        from django.core.exceptions import ValidationError

        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            self._fail([f"{file}: {exc.strerror}"])
        try:
            batch = services.import_actuals(
                actor=SYSTEM,
                financial_year=year,
                filename=Path(file).name,
                content=content,
                control_total=control_total,
            )
        except ValidationError as exc:
            self._fail(
                [f"{k.replace('_', '-')}: {m}" for k, ms in exc.message_dict.items() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
        self.stdout.write(f"Imported {batch.rows} payments totalling {batch.control_total} for {year}")

    def _framework(self, what: str, target: str, version: int | None) -> None:
        from django.core.exceptions import ValidationError

        if what == "export":
            found = Framework.objects.filter(code=target)
            found = found.filter(version=version) if version else found.order_by("-version")
            framework = found.first()
            if framework is None:
                self._fail([f"no framework {target!r}" + (f" version {version}" if version else "")])
            self.stdout.write(json.dumps(framework_definition(framework), indent=2, ensure_ascii=False))
            return
        try:
            definition = json.loads(Path(target).read_text(encoding="utf-8"))
        except OSError as exc:
            self._fail([f"{target}: {exc.strerror}"])
        except ValueError as exc:
            self._fail([f"{target} is not valid JSON: {exc}"])
        try:
            framework = services.install_framework(actor=SYSTEM, definition=definition)
        except ValidationError as exc:
            self._fail(exc.messages)
        self.stdout.write(f"Installed {framework.code} version {framework.version} from {framework.effective_from}")

    def _fail(self, messages: list[str]) -> None:
        for message in messages:
            self.stderr.write(message, style_func=lambda s: s)
        raise SystemExit(1)


def _installed_lookup():
    """Installed frameworks, when there is a database to read; otherwise none (inline frameworks still work)."""
    from django.db import DatabaseError

    def lookup(code, on):
        try:
            return engine_lookup(code, on)
        except DatabaseError:
            return None

    return lookup
