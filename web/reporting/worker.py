"""Alias of worker.py for one release: jobs queued before the layers move name
web.reporting.worker.render_profile and .run_zip. Remove after the next release."""

from worker import render_profile, run_zip, worker_app  # noqa: F401  (the old dotted paths of queued jobs)
