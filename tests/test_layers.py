"""web/ is HTTP only: a view parses, calls one service, maps errors and renders. Storage –
queries, writes, commits – lives in services/ (README, "Where things are"). The one exception
is web/errors.py, which rolls back what a failed request left in the session. And one module
speaks SMTP: services/mail.py (issue 24: the SMTP transport in its own module)."""

from __future__ import annotations

import ast
import subprocess
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


SMTP_CALLS = {"SMTP", "SMTP_SSL", "send_message", "sendmail"}


def smtp_uses(path: Path) -> list[str]:
    """Every call that opens an SMTP connection or hands it a message, in this module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in SMTP_CALLS:
                found.append(f"{node.lineno}: {name}()")
    return found


def test_only_the_mail_module_talks_smtp():
    # The others build a message and call services.mail.send_mail (with their open
    # connection, if they have one); they may name smtplib's types and errors.
    allowed = {"services/mail.py"}
    modules = [p for folder in ("web", "cli", "services", "reports", "assessment") for p in sorted((ROOT / folder).rglob("*.py"))]
    modules += [ROOT / "app.py", ROOT / "worker.py"]
    assert ROOT / "services" / "mail.py" in modules and smtp_uses(ROOT / "services" / "mail.py")
    offenders = [f"{path.relative_to(ROOT)}:{use}" for path in modules
                 if str(path.relative_to(ROOT)) not in allowed for use in smtp_uses(path)]
    assert offenders == [], "send through services.mail.send_mail"


def test_the_smtp_check_can_fail(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import smtplib\ndef f(smtp, m):\n    smtp.send_message(m)\n    smtplib.SMTP('h')\n")
    assert smtp_uses(module) == ["3: send_message()", "4: SMTP()"]


def where_things_are(readme: str) -> list[str]:
    """The first column of the README's "Where things are" table: a folder (`web/`) or file."""
    section = readme.split("\n## Where things are\n", 1)[1].split("\n## ", 1)[0]
    return [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]


def test_the_readme_has_one_row_per_top_level_folder_and_no_other():
    rows = where_things_are((ROOT / "README.md").read_text())
    assert "web/" in rows and "assessment/" in rows
    made_at_run_time = {"instance/"}
    # The folders of the project's own files: what git tracks, so that a folder of one's own
    # (htmlcov/, screenshots) or what .gitignore keeps out (instance/, __pycache__/) needs no row.
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    folders = {f"{path.split('/')[0]}/" for path in tracked.split("\0") if "/" in path}
    folders = {folder for folder in folders if folder == ".ci/" or folder[0] not in "._"}
    assert sorted(folders - set(rows) - made_at_run_time) == [], "add a row to README.md, 'Where things are'"
    assert [row for row in rows if row not in made_at_run_time and not (ROOT / row).exists()] == []


def test_the_readme_check_can_fail():
    readme = "# x\n\n## Where things are\n\n| folder | what |\n|---|---|\n| `web/` | HTTP |\n| `gone.py` | x |\n\n## Next\n"
    assert where_things_are(readme) == ["web/", "gone.py"]
