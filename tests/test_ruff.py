"""ruff (lint and format) is part of the suite: `[tool.ruff]` in pyproject.toml holds the rules and the reasons
for what is left out."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return subprocess.run([exe, *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)


def test_ruff_check_passes():
    result = ruff("check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def test_ruff_format_leaves_the_code_as_it_is():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def test_ruff_is_configured():
    result = ruff("check", "--show-settings", "pyproject.toml")
    assert result.returncode == 0, result.stderr
    assert "linter.line_length = 120" in result.stdout and "linter.unresolved_target_version = 3.11" in result.stdout
