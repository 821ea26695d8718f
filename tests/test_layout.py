"""tests/ mirrors the package: each highneeds/<pkg> has a tests/<pkg>/ folder holding its tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Test files that check the project as a whole stay at the top of tests/.
CROSS_CUTTING = {
    "test_project_checks.py",
    "test_smoke_services.py",
    "test_ruff.py",
    "test_layout.py",
    "test_architecture.py",
    "test_function_imports.py",
    "test_module_size.py",
}


def test_every_package_has_its_tests_folder():
    packages = sorted(p.name for p in (ROOT / "highneeds").iterdir() if (p / "__init__.py").exists())
    missing = [p for p in packages if not any((ROOT / "tests" / p).glob("test_*.py"))]
    assert "people" in packages and missing == []


def test_no_loose_test_files():
    loose = sorted(p.name for p in (ROOT / "tests").glob("test_*.py") if p.name not in CROSS_CUTTING)
    assert loose == []
