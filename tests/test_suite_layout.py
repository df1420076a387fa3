"""The test suite's own layout (issue 24): helpers shared by test modules live in
tests/support/, shared fixtures in conftest.py. A test module that imports another
test module, or a `coach` fixture defined outside conftest.py, fails here."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def suite_modules():
    return sorted(TESTS.rglob("test_*.py"))


def imported_test_modules(path: Path) -> list[int]:
    """The lines of every import in this file (at any depth) that names a test module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            dotted = (node.module or "").split(".")
            named = dotted + [alias.name for alias in node.names] if node.module is None or node.level else dotted
            if any(part.startswith("test_") for part in named):
                found.append(node.lineno)
        elif isinstance(node, ast.Import):
            if any(part.startswith("test_") for alias in node.names for part in alias.name.split(".")):
                found.append(node.lineno)
    return found


def test_no_test_module_imports_another():
    modules = suite_modules()
    assert len(modules) > 50  # the walk finds the suite
    offenders = [f"{path.relative_to(TESTS)}:{line}" for path in modules for line in imported_test_modules(path)]
    assert offenders == [], "import shared helpers from tests/support/, fixtures from conftest.py"


def test_the_coach_fixture_is_defined_only_in_conftest():
    definers = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "conftest.py" and path.parent == TESTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef) and node.name == "coach":
                definers.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert definers == [], "use the `coach` fixture of tests/conftest.py"


def test_the_import_check_can_fail(tmp_path):
    importer = tmp_path / "test_importer.py"
    importer.write_text("from .support.followup import make_plan\n"
                        "from .test_followup_plan import make_plan\n"
                        "from . import test_queue as q\n"
                        "def f():\n    from tests.test_x import y\n")
    assert imported_test_modules(importer) == [2, 3, 5]


def test_support_is_a_package_by_concern_that_re_exports_nothing():
    """A helper is imported from the module that owns it (tests/support/<concern>.py)."""
    init = ast.parse((TESTS / "support" / "__init__.py").read_text())
    assert [node.lineno for node in init.body if isinstance(node, (ast.Import, ast.ImportFrom))] == []
    assert len(list((TESTS / "support").glob("*.py"))) > 10
