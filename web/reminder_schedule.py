"""Reminders on the report queue (with REDIS_URL). RQ's own cron scheduler
(`rq cron scripts/reminder_cron.py`, see `make reminder-schedule`) puts
send_reminders_job on the queue once a day and any `make worker` runs it.
Sending stays exactly-once however often the job runs: see web/reminders.py."""

from __future__ import annotations


class RemindersNotSent(RuntimeError):
    """Some due reminders could not be sent: they stay due for the next run, or their
    address was deleted (refused for good, or the last attempt)."""


def send_reminders_job() -> dict:
    from .reminders import send_due_reminders, today_where_people_are
    from .reporting.worker import worker_app

    with worker_app().app_context():
        day = today_where_people_are()
        outcome = send_due_reminders(day)
    if outcome.failed or outcome.dropped:
        # A failed job is what RQ reports and keeps in its failed registry.
        raise RemindersNotSent("; ".join(f"#{response_id} due {due}: {why}"
                                         for response_id, due, why in outcome.failed + outcome.dropped))
    return {"as_of": day.isoformat(), "sent": len(outcome.sent)}
