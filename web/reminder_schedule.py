"""Alias of worker.send_reminders_job for one release: a daily reminder job queued
before the layers move names web.reminder_schedule.send_reminders_job. Remove after
the next release."""

from worker import send_reminders_job  # noqa: F401  (the old dotted path of queued jobs)
