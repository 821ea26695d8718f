"""The layer contract (.importlinter, docs/architecture.md) holds: CI fails on an import that breaks it."""

import configparser
import re
from pathlib import Path

from importlinter.cli import lint_imports

import highneeds

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"


def test_the_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename=str(CONFIG), no_cache=True)
    assert code == 0, capsys.readouterr().out[-4000:]


def test_every_package_of_the_project_has_a_layer():
    """A new domain cannot escape the contract by not being named in it."""
    config = configparser.ConfigParser()
    config.read(CONFIG)
    named = set(re.findall(r"highneeds\.(\w+)", config["importlinter:contract:layers"]["layers"]))
    packages = {
        p.stem
        for p in Path(highneeds.__file__).parent.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")
    }
    packages -= {"settings"}  # configuration, imported by Django by name, never by the code
    assert packages - named == set()
