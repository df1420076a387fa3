"""Report production has one module per job (HTTP replies, the store, the
queue, the worker's entry points) and no import cycle; no module anywhere in the app
imports itself back; only the worker builds an app, and nothing in the app imports
the worker but the aliases of its old paths."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module this file imports, at the top, inside a function or under TYPE_CHECKING."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    return imports_of_file(path, package)


def imports_of_file(path: Path, package: list[str]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    files = [ROOT / "app.py", ROOT / "worker.py", ROOT / "config.py",
             *(p for folder in ("web", "cli", "services", "reports", "assessment") for p in (ROOT / folder).rglob("*.py"))]
    modules = {module_name(p): p for p in files}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def reaches(edges: dict[str, set[str]], start: str, goal: str, seen: set[str]) -> bool:
    for nxt in edges[start]:
        if nxt == goal:
            return True
        if nxt not in seen:
            seen.add(nxt)
            if reaches(edges, nxt, goal, seen):
                return True
    return False


def cycles_in(edges: dict[str, set[str]]) -> list[str]:
    """The modules that reach themselves through their imports."""
    return sorted(m for m in edges if reaches(edges, m, m, set()))


def test_report_production_has_no_import_cycle():
    edges = graph()
    ours = {m for m in edges if m.startswith("services.reporting") or m in ("web.downloads", "worker", "services.personal_data")}
    assert {"web.downloads", "services.reporting.store", "services.reporting.queue", "worker"} <= ours

    assert [m for m in ours if reaches(edges, m, m, set())] == []


def test_no_module_in_the_app_imports_itself_back():
    """Every import counts: at the top, inside a function (cli/'s deferred ones) and under
    `if TYPE_CHECKING:` (issue 24: a type-only cycle is a cycle too)."""
    edges = graph()
    assert len(edges) > 100 and "assessment.instrument" in edges  # the walk finds every layer
    assert cycles_in(edges) == []


def test_the_cycle_check_can_fail(tmp_path):
    assert cycles_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c"]
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from x import y\n"
                      "def f():\n    import z\n")
    assert {"x", "x.y", "z"} <= imports_of_file(module, package=[])


def test_only_the_worker_builds_an_app_and_nothing_imports_the_worker():
    edges = graph()
    builders = sorted(m for m, targets in edges.items() if "app" in targets and m != "app")
    assert builders == ["worker"]
    importers = sorted(m for m, targets in edges.items() if "worker" in targets and m != "worker")
    # The aliases that keep jobs queued under the old dotted paths running for one release.
    assert importers == ["web.reminder_schedule", "web.reporting.worker"]
