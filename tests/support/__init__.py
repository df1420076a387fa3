"""What tests, bench/ and scripts/ share, one module per concern:
paths (where the project's files are), run_services (one test run's private
PostgreSQL schema and Redis), app (an app on a test's own instance and this run's
database), forms (driving forms as a browser does), answers (answer sets and item
banks), coaches (coaches, workshops and participants), live (a live server and a
plain HTTP browser), browser (Chromium, axe-core, layout), processes (/proc), and
the helpers several test modules share: followup, mail, jobs, research, simulated, workshops
(imported from their module, e.g. `from .support.followup import make_plan`).
Fixtures live in conftest.py; everything here is plain functions and classes.

The names below are re-exported so `from .support import X` keeps working. Module
state conftest.py sets (app.RUN_DATABASE_URL, app.SQLITE_TEMPLATE_DIR) is set on
the module that reads it, and is not re-exported."""

from .answers import copy_bank, edit_yaml, varied_answers
from .app import make_app
from .browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    browser_page,
    layout_problems,
    plot_area_width,
    tab_to,
)
from .coaches import (
    coach_with_workshop,
    completed_person,
    create_workshop,
    join_and_complete,
    login,
    make_coach,
)
from .forms import CSRF, SHOWN, Respondent, checked_answers, csrf_of, page_fields
from .live import TRANSPORT_ERRORS, HttpBrowser, LiveServer
from .paths import MIGRATIONS, QUESTIONS, ROOT
from .processes import (
    LOWEST,
    SCHED_IDLE,
    command_of,
    descendants_of,
    report_servers_on,
    thread_priorities,
)
from .run_services import (
    SHARED_ENVIRONMENT,
    PostgresSchema,
    RedisServer,
    free_port,
    sqlalchemy_url,
)

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "CSRF",
    "HttpBrowser",
    "LOWEST",
    "LiveServer",
    "MIGRATIONS",
    "PostgresSchema",
    "QUESTIONS",
    "ROOT",
    "RedisServer",
    "Respondent",
    "SCHED_IDLE",
    "SHARED_ENVIRONMENT",
    "SHOWN",
    "TRANSPORT_ERRORS",
    "axe_violations",
    "browser_page",
    "checked_answers",
    "coach_with_workshop",
    "completed_person",
    "command_of",
    "copy_bank",
    "create_workshop",
    "csrf_of",
    "descendants_of",
    "edit_yaml",
    "free_port",
    "join_and_complete",
    "layout_problems",
    "login",
    "make_app",
    "make_coach",
    "page_fields",
    "plot_area_width",
    "report_servers_on",
    "sqlalchemy_url",
    "tab_to",
    "thread_priorities",
    "varied_answers",
]
