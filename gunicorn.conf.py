# Read by gunicorn from the working directory (`make serve`): private links are
# kept out of its access and error logs (web/log_redaction.py).
import gc
import threading

from assessment.completion_time import typical_minutes
from reports.charts import warm_up
from reports.memory import release_memory
from services.db import db
from services.passwords import dummy_hash
from services.reporting.production import report_server

logger_class = "web.log_redaction.RedactingGunicornLogger"

# The app is imported and built once, in the master, and the workers are forked from it:
# what the import made (modules, templates, the item banks) is shared between them instead
# of copied into each (docs/decisions/0012-one-report-server-per-host.md). Nothing in create_app starts a
# thread, a browser or a database connection; post_fork drops any pooled connection anyway.
preload_app = True


def when_ready(server):
    # After the preload, before the first fork: what every worker would load on its first
    # pages (the templates compiled, plotly's figure classes) is loaded once, here, and shared.
    # Then everything made so far is moved out of the collector's reach, so that a collection
    # in a worker does not touch (and so copy) the pages it shares with the master.
    app = server.app.wsgi()
    for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html") and not name.startswith("pdf/")):
        try:
            app.jinja_env.get_template(name)
        except Exception as exc:  # compiled on first use instead, as without this
            server.log.warning("template %s not compiled before forking: %s", name, exc)
    warm_up(app.extensions["instrument_bank"].current)
    dummy_hash()  # so that no worker's first unknown-e-mail login takes longer than a known one's
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)  # the master's connections (if any) stay the master's


def post_request(worker, req, environ, resp):
    # A PDF download's peak (the report, its pickled copy, the PDF bytes) goes back to the
    # system once answered, instead of staying in glibc's free lists of this worker's threads.
    if req.path.endswith(".pdf") or req.path.endswith(".zip"):
        release_memory()


def post_worker_init(worker):
    # The host's report server (one chart browser and layout process for all workers,
    # reports/report_client.py) starts with the first worker, at the lowest CPU priority,
    # instead of on the first download: started then, in the middle of a workshop's first
    # pages, its start competed with them (docs/decisions/0003-layout-process-starts-with-each-gunicorn-worker.md). The second worker finds it running.
    app = worker.wsgi
    with app.app_context():
        server = report_server()
    threading.Thread(target=_start_quietly, args=(server, worker.log), name="report-server-start", daemon=True).start()
    typical_minutes(app.extensions["instrument_bank"].current)  # the start and join pages' "about N minutes" (50 ms), before the first request


def _start_quietly(server, log):
    try:
        server.start()
    except Exception as exc:  # the first PDF asked for starts it (or answers 503)
        log.warning("the report server did not start: %s", exc)
