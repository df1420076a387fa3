"""RQ cron configuration: `rq cron scripts/reminder_cron.py --url $REDIS_URL --path .`
(make reminder-schedule). REMINDER_CRON is a cron expression in the machine's local time."""

import os

from rq import cron

from services.jobs import QUEUE_NAME
from worker import send_reminders_job

cron.register(send_reminders_job, QUEUE_NAME, cron=os.environ.get("REMINDER_CRON", "0 8 * * *"), job_timeout=600)
