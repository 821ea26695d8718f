"""Run a Django management command under a product name (`highneeds clock chase` runs `send_chasers`).

The command's own argparse parser stays the single definition of its options: the typer command only
forwards its words. Django's generic options (--settings, --traceback, ...) still work but are left out
of the help, and the help ends with an example. Argument errors come back as CommandError (one line).
"""

from __future__ import annotations

import argparse

import typer

# Every typer command that forwards: its words, --help included, reach the Django parser untouched.
FORWARD = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}

_DJANGO_OPTIONS = {
    "version",
    "verbosity",
    "settings",
    "pythonpath",
    "traceback",
    "no_color",
    "force_color",
    "skip_checks",
}


def setup() -> None:
    import django

    django.setup()


def _subparser(parser: argparse.ArgumentParser, action: str) -> argparse.ArgumentParser:
    # argparse keeps sub-parsers only on a private action; this is the one documented way in (its choices).
    for candidate in parser._actions:
        if isinstance(candidate, argparse._SubParsersAction):
            return candidate.choices[action]
    raise LookupError(action)


def _tidy_help(parser: argparse.ArgumentParser, example: str) -> None:
    for action in parser._actions:
        if action.dest in _DJANGO_OPTIONS:
            action.help = argparse.SUPPRESS
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = f"example:\n  {example}"


def parsers(name: str, *, prog: str, example: str, action: str | None = None):
    """Django command `name`, its parser, and the parser whose help the user sees (the sub-command's, if
    `action`). `prog` is what the user typed (`highneeds token create`), shown in usage lines."""
    setup()
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()[name], name)
    parent_prog = prog.rsplit(" ", 1)[0] if action else prog
    parser = command.create_parser(*parent_prog.rsplit(" ", 1))
    _tidy_help(parser, example)
    shown = parser
    if action:
        shown = _subparser(parser, action)
        _tidy_help(shown, example)
    return command, parser, shown


def run(
    name: str, words: list[str], *, prog: str, example: str, action: str | None = None, preset: tuple[str, ...] = ()
) -> None:
    """Run Django command `name` with `words` (`preset` words first, then `action`, its sub-command)."""
    command, parser, _ = parsers(name, prog=prog, example=example, action=action)
    options = vars(parser.parse_args([*preset, *([action] if action else []), *words]))
    args = options.pop("args", ())
    # `highneeds db check` runs the system checks; every other command skips them, as call_command does.
    options["skip_checks"] = True
    command.execute(*args, **options)


def forward(
    group: typer.Typer,
    word: str,
    django_name: str,
    summary: str,
    example: str,
    *,
    action: str | None = None,
    preset: tuple[str, ...] = (),
    panel: str | None = None,
) -> None:
    """Add `word` to `group`: a typer command that runs Django command `django_name` (`action` first)."""

    def command(ctx: typer.Context) -> None:
        run(django_name, list(ctx.args), prog=ctx.command_path, example=example, action=action, preset=preset)

    command.forwards_to = {"name": django_name, "example": example, "action": action}  # for docs/cli.md
    group.command(word, help=summary, context_settings=FORWARD, add_help_option=False, rich_help_panel=panel)(command)
