"""`flask --app app purge`: retention, run daily from cron (README, "Personal data")."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from services.followup.confirmations import CONFIRM_DAYS
from services.personal_data import purge


@click.command("purge")
@with_appcontext
def purge_command():
    """Delete responses older than RETENTION_DAYS, ZIPs older than
    ZIP_RETENTION_HOURS and stored files of deleted responses (run daily from cron)."""
    result = purge()
    count = result.responses
    orphans = sum(result.orphans.values())
    click.echo(f"Deleted {count} expired response{'s' if count != 1 else ''}, {result.zips} ZIP"
               f"{'s' if result.zips != 1 else ''}, {result.retake_links} expired retake link"
               f"{'s' if result.retake_links != 1 else ''} and {orphans} leftover{'s' if orphans != 1 else ''} of deleted responses.")
    unconfirmed = result.unconfirmed_addresses
    click.echo(f"Deleted {unconfirmed} reminder address{'es' if unconfirmed != 1 else ''} not confirmed within "
               f"{CONFIRM_DAYS} days.")
    links = result.unconfirmed_link_addresses
    click.echo(f"Deleted {links} “e-mail me my link” address{'es' if links != 1 else ''} not confirmed within "
               f"{CONFIRM_DAYS} days.")
