"""flask --app app send-reminders: run it daily from cron or a systemd timer."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import with_appcontext

from cli.errors import fail
from services.followup.reminders import send_due_reminders, today_where_people_are
from services.mail import MailConfigError


@click.command("send-reminders")
@click.option("--as-of", "as_of", metavar="ISO-DATE", help="Send what is due on or before this day (default: today).")
@with_appcontext
def send_reminders_command(as_of: str | None):
    """Send every due follow-up reminder e-mail, each exactly once."""
    if as_of is None:
        day = today_where_people_are()
    else:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of {as_of!r} is not a date like 2027-01-31")
    try:
        outcome = send_due_reminders(day)
    except MailConfigError as exc:
        fail(f"{exc}")
    click.echo(f"Sent {len(outcome.sent)} reminder{'s' if len(outcome.sent) != 1 else ''} due by {day.isoformat()}.")
    if outcome.confirmations:
        count = len(outcome.confirmations)
        click.echo(f"Sent {count} confirmation e-mail{'s' if count != 1 else ''} to addresses not yet confirmed.")
    for response_id, why in outcome.confirmations_failed:
        click.echo(f"Confirmation e-mail not sent: reminder #{response_id}: {why}", err=True)
    for response_id, due_on, why in outcome.failed:
        click.echo(f"Not sent (still due, retried next run): reminder #{response_id} due {due_on.isoformat()}: {why}", err=True)
    for response_id, due_on, why in outcome.dropped:
        click.echo(f"Not sent, and not tried again: reminder #{response_id} due {due_on.isoformat()}: {why}", err=True)
    for response_id, due_on, why in outcome.skipped:
        # Not a failure of the run: the address can never be sent to, and is gone.
        click.echo(f"Skipped: reminder #{response_id} due {due_on.isoformat()}: {why}")
    if outcome.failed or outcome.dropped or outcome.delivery_problems:
        sys.exit(1)
