"""Helpers several test modules share (queue)."""

from __future__ import annotations

import time

from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry

from services.jobs import QUEUE_NAME


def work_until(connection, done, seconds=90):
    """Run a report worker until `done()` holds."""
    worker = SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        worker.work(burst=True)
        time.sleep(0.05)
    if not done():
        queue = Queue(QUEUE_NAME, connection=connection)
        failed = FailedJobRegistry(queue=queue)
        details = [(job_id, (queue.fetch_job(job_id).latest_result().exc_string or "")[-600:]) for job_id in failed.get_job_ids()]
        raise AssertionError(f"the queued work did not finish; queued {queue.count}, failed {details}")
    return worker
