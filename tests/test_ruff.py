"""ruff (lint and format) is part of the suite: `[tool.ruff]` in pyproject.toml holds the rules and the reasons
for what is left out."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Until the one-off `ruff format .` and `ruff check --fix .` made when issue 10's branches are merged (done then,
# not on each branch, so branches do not conflict). strict: once the code is clean this fails as XPASS, a
# reminder to delete the mark.
NOT_YET_FORMATTED = pytest.mark.xfail(strict=True, reason="the codebase is formatted once after merging issue 10")


def ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return subprocess.run([exe, *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)


@NOT_YET_FORMATTED
def test_ruff_check_passes():
    result = ruff("check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


@NOT_YET_FORMATTED
def test_ruff_format_leaves_the_code_as_it_is():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def test_ruff_is_configured():
    result = ruff("check", "--show-settings", "pyproject.toml")
    assert result.returncode == 0, result.stderr
    assert "linter.line_length = 120" in result.stdout and "linter.unresolved_target_version = 3.11" in result.stdout
