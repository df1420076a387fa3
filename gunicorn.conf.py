# Read by gunicorn from the working directory (`make serve`): private links are
# kept out of its access and error logs (web/log_redaction.py).
logger_class = "web.log_redaction.RedactingGunicornLogger"


def post_worker_init(worker):
    # The layout process that makes downloaded PDFs starts with the worker, at the lowest
    # CPU priority, instead of on the first download: started then, in the middle of a
    # workshop's first pages, its start competed with them (bench/RESULTS.md).
    from reports.batch import layout_pool

    current = worker.wsgi.extensions["instrument_bank"].current
    layout_pool(1).start(current.languages)
    current.typical_minutes  # the start and join pages' "about N minutes" (50 ms), before the first request
