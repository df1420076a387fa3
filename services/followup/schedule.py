"""Reminders on the report queue (with REDIS_URL). RQ's own cron scheduler
(`rq cron scripts/reminder_cron.py`, see `make reminder-schedule`) puts
worker.send_reminders_job on the queue once a day and any `make worker` runs it.
Sending stays exactly-once however often the job runs: see reminders.py."""

from __future__ import annotations

import logging

from services.db import db
from services.followup.reminders import (
    confirmations_configured,
    send_confirmation,
    send_due_reminders,
    today_where_people_are,
)
from services.jobs import enqueue, queued

log = logging.getLogger(__name__)

# The worker's entry point for one confirmation e-mail (worker.send_confirmation_job), by name:
# nothing below the worker imports it.
CONFIRMATION_JOB = "worker.send_confirmation_job"


class RemindersNotSent(RuntimeError):
    """Some due reminders could not be sent: they stay due for the next run, or their
    address was deleted (refused for good, or the last attempt)."""


def send_todays_reminders() -> dict:
    """The daily run inside an app context: what was sent, or RemindersNotSent."""
    day = today_where_people_are()
    outcome = send_due_reminders(day)
    if outcome.failed or outcome.dropped or outcome.delivery_problems:
        # A failed job is what RQ reports and keeps in its failed registry: ids and the
        # mail server's reply only, never an address (Outcome holds none).
        raise RemindersNotSent("; ".join(
            [f"#{response_id} due {due}: {why}" for response_id, due, why in outcome.failed + outcome.dropped]
            + [f"#{response_id} confirmation: {why}" for response_id, why in outcome.delivery_problems]))
    return {"as_of": day.isoformat(), "sent": len(outcome.sent), "confirmations": len(outcome.confirmations)}


def send_confirmation_now(response_id: int) -> bool:
    """One confirmation e-mail inside an app context (the queued job); RemindersNotSent if it
    could not go out (the next send-reminders run retries it)."""
    why = send_confirmation(response_id)
    if why is not None:
        raise RemindersNotSent(f"#{response_id} confirmation: {why}")
    return True


def deliver_confirmation(response_id: int) -> None:
    """Right after the address was saved: on the queue with REDIS_URL (the job carries the
    response id, never the address: RQ keeps a job's arguments), else here (the page waits at
    most the inline timeout); a failure leaves it for the next send-reminders run."""
    if not confirmations_configured():
        return
    if queued():
        try:
            enqueue(CONFIRMATION_JOB, response_id, job_timeout=60, result_ttl=0, failure_ttl=86400)
            return
        except Exception as exc:  # Redis down: send it here instead
            log.warning("could not queue a confirmation e-mail: %s", type(exc).__name__)
    try:
        why = send_confirmation(response_id)
    except Exception as exc:  # the plan is saved; the next send-reminders run retries
        db.session.rollback()
        why = f"could not build or send it ({type(exc).__name__})"
    if why is not None:
        log.warning("confirmation e-mail for reminder #%s not sent yet: %s", response_id, why)
