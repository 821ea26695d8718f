"""engine/ and demo/synthetic/ are pure: importing any of their modules never loads Django.

Each check runs in a fresh interpreter (pytest-django has already imported Django in this one),
with no DJANGO_SETTINGS_MODULE, and imports every module of the packages one by one, so the
failure names the first module whose import pulled Django in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ("highneeds.engine", "highneeds.demo.synthetic")

# Walks the packages named on the command line; prints each module that loaded Django and exits 1.
_CHECK = """
import importlib, pkgutil, sys
impure = []
for package_name in sys.argv[1:]:
    package = importlib.import_module(package_name)
    names = [package_name] + [m.name for m in pkgutil.walk_packages(package.__path__, package_name + ".")]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # Django code fails to import without settings; that is still a finding
            if "django" not in sys.modules:
                raise
        if "django" in sys.modules:
            impure.append(name)
            for loaded in [m for m in sys.modules if m == "django" or m.startswith("django.")]:
                del sys.modules[loaded]  # so the next module is judged on its own imports
print("\\n".join(impure))
sys.exit(1 if impure else 0)
"""


def _check(*packages: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(PROJECT_DIR)
    return subprocess.run(
        [sys.executable, "-c", _CHECK, *packages], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def test_engine_and_synthetic_never_import_django():
    result = _check(*PURE_PACKAGES)
    assert result.returncode == 0, f"modules that load Django: {result.stdout.split() or result.stderr}"


def test_the_check_names_a_module_that_imports_django():
    # demo/ itself (the loader, the management command) is Django code: the check must catch it.
    result = _check("highneeds.demo")
    assert result.returncode == 1, result.stderr
    assert "highneeds.demo.loader" in result.stdout.split()
    assert "highneeds.demo.synthetic.council" not in result.stdout.split()
