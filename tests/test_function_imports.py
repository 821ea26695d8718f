"""Issue 10: no function-level import of the project's own code without a documented reason.

An import of `highneeds...` (or a relative import) inside a function or method hides a module's real
dependencies; where one must stay (an import cycle, code that runs before django.setup(), a heavy optional
library), the line says why with a `# why:` comment. Parsed with ast, so text inside docstrings is ignored.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "highneeds"


def _is_project_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "highneeds"
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "highneeds" for alias in node.names)
    return False


def undocumented_function_imports(source: str) -> list[int]:
    """Line numbers of project imports inside a function body that carry no `# why:` comment."""
    lines = source.splitlines()
    found = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if _is_project_import(node):
                text = " ".join(lines[node.lineno - 1 : node.end_lineno])
                if "# why:" not in text:
                    found.append(node.lineno)
    return sorted(set(found))


def test_the_check_catches_an_undocumented_import_and_accepts_a_documented_one():
    bad = "def f():\n    from highneeds.engine import codes\n    from . import x\n    import highneeds.web\n"
    good = "def f():\n    from highneeds.engine import codes  # why: cycle\n    import json\n"
    doc = 'def f():\n    """\n    from highneeds.engine import codes\n    """\n'
    assert undocumented_function_imports(bad) == [2, 3, 4]
    assert undocumented_function_imports(good) == []
    assert undocumented_function_imports(doc) == []


def test_no_undocumented_function_level_project_imports():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in f"/{relative}":
            continue
        offenders += [f"highneeds/{relative}:{n}" for n in undocumented_function_imports(path.read_text())]
    assert offenders == [], "move these imports to module level, or say why on the line (# why: ...):\n" + "\n".join(
        offenders
    )
