"""web/ is HTTP only: a view parses, calls one service, maps errors and renders. Storage –
queries, writes, commits – lives in services/ (README, "Where things are"). The one exception
is web/errors.py, which rolls back what a failed request left in the session."""

from __future__ import annotations

import ast
from pathlib import Path

from .support.paths import ROOT

ALLOWED = {"web/errors.py"}
STORAGE_NAMES = {"session", "select", "update", "delete", "insert", "func", "text"}


def storage_uses(path: Path) -> list[str]:
    """Every `db.session…`, and every SQLAlchemy query builder imported, in this module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "db" \
                and node.attr == "session":
            found.append(f"{node.lineno}: db.session")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            names = sorted({alias.name for alias in node.names} & STORAGE_NAMES)
            found += [f"{node.lineno}: from {node.module} import {name}" for name in names]
    return found


def test_no_view_touches_the_database_itself():
    modules = sorted((ROOT / "web").rglob("*.py"))
    assert len(modules) > 20  # the walk finds web/
    offenders = [f"{path.relative_to(ROOT)}:{use}" for path in modules
                 if str(path.relative_to(ROOT)) not in ALLOWED for use in storage_uses(path)]
    assert offenders == [], "move the query or the commit into a service (services/)"


def test_the_storage_check_can_fail(tmp_path):
    view = tmp_path / "view.py"
    view.write_text("from sqlalchemy import func, select\nfrom services.db import db\n"
                    "def v():\n    db.session.commit()\n")
    assert storage_uses(view) == ["1: from sqlalchemy import func", "1: from sqlalchemy import select", "4: db.session"]
