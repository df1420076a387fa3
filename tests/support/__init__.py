"""What tests, bench/ and scripts/ share, one module per concern:
paths (where the project's files are), run_services (one test run's private
PostgreSQL schema and Redis), app (an app on a test's own instance and this run's
database), forms (driving forms as a browser does), answers (answer sets and item
banks), coaches (coaches, workshops and participants), live (a live server and a
plain HTTP browser), browser (Chromium, axe-core, layout), processes (/proc), and
the helpers several test modules share: followup, mail, jobs, research, simulated, workshops
(imported from their module, e.g. `from .support.followup import make_plan`).
Fixtures live in conftest.py; everything here is plain functions and classes.
Nothing is re-exported here: a test imports a helper from the module that owns it, so the
import line says where to look. Module state conftest.py sets (app.RUN_DATABASE_URL,
app.SQLITE_TEMPLATE_DIR) lives on the module that reads it."""
