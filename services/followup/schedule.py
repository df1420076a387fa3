"""Reminders on the report queue (with REDIS_URL). RQ's own cron scheduler
(`rq cron scripts/reminder_cron.py`, see `make reminder-schedule`) puts
worker.send_reminders_job on the queue once a day and any `make worker` runs it.
Sending stays exactly-once however often the job runs: see reminders.py."""

from __future__ import annotations

from services.followup.reminders import (
    send_confirmation,
    send_due_reminders,
    today_where_people_are,
)

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
