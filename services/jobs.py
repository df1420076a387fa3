"""The job queue itself: whether this app puts work on RQ (REDIS_URL), its Redis connection
and its one queue, which `make worker` processes take from (worker.py, named by dotted path so
nothing below it imports it). What goes on it: report work (services/reporting/queue.py) and
confirmation e-mails (services/followup/schedule.py)."""

from __future__ import annotations

from flask import current_app
from redis import Redis
from rq import Queue

QUEUE_NAME = "reports"


def queued() -> bool:
    """Whether work goes on the queue (REDIS_URL set), not done here; a worker itself never queues."""
    return bool(current_app.config.get("REDIS_URL")) and not current_app.config.get("RENDERING_IN_WORKER")


def connection() -> Redis:
    # Short timeouts: an unreachable Redis must cost a request milliseconds, not minutes.
    return Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=5)


def job_queue(conn: Redis | None = None) -> Queue:
    return Queue(QUEUE_NAME, connection=conn or connection())


def enqueue(func, *args, **options):
    """A job on the queue by the worker function's dotted name; its arguments are kept in
    Redis, so they are ids, never personal data."""
    return job_queue().enqueue(func, *args, **options)
