"""The `highneeds` command's groups, as a council's operator would look for them.

Most commands forward to the management command that already holds the logic (bridge.forward); the
few that are new here (serve, db check, user, jobs list) are typer commands calling services.
"""

from __future__ import annotations

import os
import sys

import typer

from . import KEY_SET_HERE, bridge, jobs, records, run_django_command_line, users

app = typer.Typer(
    name="highneeds",
    help="highneeds: SEND and high-needs casework for a council. Every command has --help with an example.",
    epilog="Example: highneeds demo load --scale 0.1   (Django's own commands: highneeds django --help)",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# Headings in `highneeds --help`, so an operator finds a command by what it is for.
RUN, DATA, SCHEDULED, PLANNING, ACCESS = "Run it", "Data", "Scheduled work", "Planning and returns", "Access and audit"


def group(name: str, summary: str, example: str, panel: str) -> typer.Typer:
    sub = typer.Typer(help=summary, epilog=f"Example: {example}", no_args_is_help=True)
    app.add_typer(sub, name=name, rich_help_panel=panel)
    return sub


# --- serve and db ------------------------------------------------------------------------------


@app.command(
    rich_help_panel=RUN, epilog="Example: highneeds serve --bind 0.0.0.0:8000 --workers 4   (or: highneeds serve --dev)"
)
def serve(
    bind: str = typer.Option("127.0.0.1:8000", help="address:port to listen on"),
    workers: int = typer.Option(2, min=1, max=64, help="gunicorn worker processes"),
    dev: bool = typer.Option(
        False, "--dev", help="Django's development server (reloads on change; never in production)"
    ),
) -> None:
    """Serve the web application: gunicorn, or Django's development server with --dev."""
    if dev:
        bridge.run("runserver", [bind], prog="highneeds serve", example="highneeds serve --dev")
        return
    env = dict(os.environ)
    if env.pop(KEY_SET_HERE, None):  # the web server needs a real key: never one the CLI made up
        env.pop("HIGHNEEDS_SECRET_KEY", None)
    os.execve(sys.executable, gunicorn_argv(bind, workers), env)


def gunicorn_argv(bind: str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "highneeds.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]


db = group("db", "The database: apply migrations, or check it is ready.", "highneeds db migrate", RUN)
bridge.forward(
    db, "migrate", "migrate", "Apply database migrations (run after every upgrade).", "highneeds db migrate --noinput"
)


@db.command("check", epilog="Example: highneeds db check --deploy")
def db_check(
    deploy: bool = typer.Option(False, "--deploy", help="also the checks for a production deployment"),
) -> None:
    """Run Django's system checks and fail if any migration is not applied."""
    bridge.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("check", deploy=deploy, fail_level="WARNING" if deploy else "ERROR")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(f"{len(pending)} migration(s) not applied: run `highneeds db migrate`")
    typer.echo("Database ready: system checks pass and every migration is applied.")


# --- the demo, imports and nightly work --------------------------------------------------------

demo = group("demo", "The synthetic demo council (never real children).", "highneeds demo load --scale 0.1", DATA)
bridge.forward(
    demo,
    "load",
    "demo_data",
    "Generate the synthetic council and its demo users.",
    "highneeds demo load --la Leeds --scale 0.5 --seed 7",
)
bridge.forward(
    demo,
    "reset",
    "demo_data",
    "Replace the demo data already loaded (load with --flush).",
    "highneeds demo reset --scale 0.1",
    preset=("--flush",),
)
bridge.forward(
    demo,
    "logins",
    "demo_data",
    "Print the demo sign-ins (load with --logins-only).",
    "highneeds demo logins",
    preset=("--logins-only",),
)

imports = group(
    "import",
    "Import CSV files: all or nothing unless --skip-invalid.",
    "highneeds import establishments edubase.csv",
    DATA,
)
for word, django_name, summary, example in [
    (
        "establishments",
        "import-establishments",
        "Schools and settings from GIAS (Get Information about Schools).",
        "highneeds import establishments edubasealldata.csv",
    ),
    ("s41", "import-s41", "Flag section 41 approved independent special schools.", "highneeds import s41 s41-list.csv"),
    (
        "children",
        "import-children",
        "Children and young people from a case management system's export.",
        "highneeds import children children.csv --skip-invalid",
    ),
]:
    bridge.forward(imports, word, django_name, summary, example)

clock = group(
    "clock",
    "The statutory 20-week clock: recalculate, compute deadlines, chase advice.",
    "highneeds clock chase --dry-run",
    SCHEDULED,
)
bridge.forward(
    clock,
    "recalculate",
    "recalculate_clocks",
    "Recalculate statutory deadlines for open requests.",
    "highneeds clock recalculate --today 2026-03-01",
)
bridge.forward(
    clock,
    "deadlines",
    "deadlines",
    "A case's events as JSON in, its statutory due dates as JSON out.",
    "highneeds clock deadlines --today 2024-06-30 < case.json",
)
bridge.forward(
    clock,
    "chase",
    "send_chasers",
    "Remind advisers whose advice is due soon or overdue.",
    "highneeds clock chase --days-before 7 --dry-run",
)

reviews = group(
    "reviews", "Annual reviews, phase transfers and reassessments.", "highneeds reviews recalculate", SCHEDULED
)
bridge.forward(
    reviews,
    "recalculate",
    "recalculate_reviews",
    "Nightly: open due annual reviews, list phase transfers, recalculate deadlines.",
    "highneeds reviews recalculate --today 2026-09-01",
)

cessations = group(
    "cessations",
    "Ceasing EHC plans once the appeal window has passed.",
    "highneeds cessations apply --dry-run",
    SCHEDULED,
)
bridge.forward(
    cessations,
    "apply",
    "apply_cessations",
    "Cease the plans whose cessation may now take effect.",
    "highneeds cessations apply --dry-run",
)

holidays = group(
    "bank-holidays",
    "The England and Wales bank holidays used for working days.",
    "highneeds bank-holidays list --year 2027",
    DATA,
)
bridge.forward(
    holidays,
    "import",
    "bank_holidays",
    "Store the years in gov.uk's bank-holidays.json.",
    "highneeds bank-holidays import bank-holidays.json",
    action="import",
)
bridge.forward(
    holidays,
    "list",
    "bank_holidays",
    "List the bank holidays in use.",
    "highneeds bank-holidays list --year 2027",
    action="list",
)

# --- planning ----------------------------------------------------------------------------------

forecast = group(
    "forecast",
    "EHC plan forecasts for every LA from public data.",
    "highneeds forecast public --base-year 2024 --out forecast.csv",
    PLANNING,
)
bridge.forward(
    forecast,
    "public",
    "forecast",
    "Forecast every LA and England to a CSV.",
    "highneeds forecast public --base-year 2024 --years 10 --out forecast.csv",
    action="public",
)
bridge.forward(
    forecast,
    "backtest",
    "forecast",
    "Hold out the last Januaries and compare with baselines.",
    "highneeds forecast backtest --out backtest.csv",
    action="backtest",
)

scenario = group(
    "scenario",
    "Saved forecast scenarios and their DSG management plans.",
    'highneeds scenario run "Safety valve" --out plan.xlsx',
    PLANNING,
)
bridge.forward(scenario, "list", "scenario", "List saved scenarios.", "highneeds scenario list", action="list")
bridge.forward(
    scenario,
    "run",
    "scenario",
    "Run a scenario and write it as a workbook (xlsx) or CSV.",
    'highneeds scenario run "Safety valve" --out plan.xlsx',
    action="run",
)

# --- audit, access and jobs --------------------------------------------------------------------

audit = group(
    "audit", "The tamper-evident audit log.", "highneeds audit verify --checkpoints audit-heads.jsonl", ACCESS
)
bridge.forward(
    audit,
    "verify",
    "audit",
    "Walk the hash chain and say whether the log is intact.",
    "highneeds audit verify --checkpoints audit-heads.jsonl",
    action="verify",
)
bridge.forward(
    audit,
    "checkpoint",
    "audit",
    "Append the chain's head to a file kept off the database server.",
    "highneeds audit checkpoint --out /backup/audit-heads.jsonl",
    action="checkpoint",
)

token = group(
    "token",
    "API tokens for the integration API at /api/v1/.",
    "highneeds token create --user capita --name 'Capita One nightly sync' --days 90",
    ACCESS,
)
bridge.forward(
    token,
    "create",
    "api_token",
    "Issue a token and print its secret once.",
    "highneeds token create --user capita --name 'Capita One nightly sync' --days 90",
    action="create",
)
bridge.forward(
    token,
    "list",
    "api_token",
    "List tokens (never their secrets).",
    "highneeds token list --user capita",
    action="list",
)
bridge.forward(
    token,
    "revoke",
    "api_token",
    "Revoke a token so it no longer works.",
    "highneeds token revoke --id 3",
    action="revoke",
)

app.add_typer(users.app, name="user", rich_help_panel=ACCESS)
app.add_typer(jobs.app, name="jobs", rich_help_panel=RUN)
app.add_typer(records.app, name="records", rich_help_panel=SCHEDULED)

# --- whole commands kept as they are ------------------------------------------------------------

bridge.forward(
    app,
    "funding",
    "funding",
    "Price a package, export commitments, import actuals, edit frameworks.",
    "highneeds funding commitments export --year 2026 --out commitments.csv",
    panel=PLANNING,
)
bridge.forward(
    app,
    "sen2",
    "sen2",
    "The SEN2 statutory return: export, validate, import, tables.",
    "highneeds sen2 export --year 2027 --out sen2.xml",
    panel=PLANNING,
)


@app.command(
    "django",
    context_settings=bridge.FORWARD,
    add_help_option=False,
    rich_help_panel=RUN,
    epilog="Example: highneeds django createcachetable",
)
def django_command(ctx: typer.Context) -> None:
    """Any Django management command (the escape hatch), e.g. highneeds django showmigrations."""
    run_django_command_line(list(ctx.args), prog="highneeds django")
