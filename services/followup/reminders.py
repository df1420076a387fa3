"""Sending due reminder e-mails, each exactly once.

A run claims a reminder with one conditional UPDATE before sending it; the
database lets only one of two concurrent runs change the row (SQLite writes one
at a time; PostgreSQL re-checks the WHERE clause after the first run's commit),
so the other skips it. After sending, the row and with it the address is
deleted. An SMTP failure releases the claim: the reminder stays due for the
next run, at most MAX_ATTEMPTS runs; an address the mail server refuses for good
(5xx), or still failing after that, is deleted instead of being kept until
retention. A claim older than CLAIM_TIMEOUT (a run that died) may be taken over.
The SMTP transport (settings, connection, what counts as refused for good) is services/mail.py."""

from __future__ import annotations

import re
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, or_, select, update

from assessment.completion_time import typical_minutes
from services.db import db
from services.followup import confirmations, reminder_mail
from services.followup.plans import as_plan
from services.followup.reminder_mail import ReminderContent
from services.instruments import instrument_bank
from services.mail import SmtpSettings, quitting, refused_for_good, send_mail
from services.mail_addresses import AddressError, checked_address
from services.models import (
    PlanRow,
    Reminder,
    Response,
    RetakeLink,
    hash_token,
    new_token,
)

CLAIM_TIMEOUT = timedelta(hours=1)
# Daily runs that may try one address: a week of a mail server's temporary refusals.
MAX_ATTEMPTS = 7


@dataclass
class Outcome:
    """What a run did, by response id. No text in it holds an address (it is printed and kept by RQ)."""

    sent: list[int] = field(default_factory=list)  # response ids
    failed: list[tuple[int, date, str]] = field(default_factory=list)  # response id, due date, why: still due
    dropped: list[tuple[int, date, str]] = field(default_factory=list)  # not sent, and the address deleted
    # An address that fails the address check (services.mail_addresses) can never be sent to:
    # deleted, named here, and not a failure of the run.
    skipped: list[tuple[int, date, str]] = field(default_factory=list)
    confirmations: list[int] = field(default_factory=list)  # confirmation e-mails sent (double opt-in)
    confirmations_failed: list[tuple[int, str]] = field(default_factory=list)  # kept for the next run

    @property
    def delivery_problems(self) -> list[tuple[int, str]]:
        """Confirmation e-mails the mail server did not take (an address failing the check is just deleted)."""
        return [(rid, why) for rid, why in self.confirmations_failed if not why.startswith(ADDRESS_FAILS)]


def today_where_people_are() -> date:
    return datetime.now(ZoneInfo(current_app.config["FOLLOW_UP_TIMEZONE"])).date()


def due_reminders(as_of: date) -> list[Reminder]:
    """Due reminders to confirmed addresses: an unconfirmed one gets nothing but its confirmation."""
    return list(db.session.scalars(select(Reminder).where(
        Reminder.due_on <= as_of, Reminder.confirmed_at.is_not(None)).order_by(Reminder.due_on)))


# The confirmation link's path (web/followup/views.py confirm_reminder); the sender runs
# without a request, so the path is written out here and a test checks it against the route.
CONFIRM_PATH = "/reminder/confirm/{token}"
ADDRESS_FAILS = confirmations.ADDRESS_FAILS


def confirmations_configured() -> bool:
    config = current_app.config
    if config.get("DEBUG") and not config.get("SMTP_HOST"):
        return True  # development: the mail is printed to the console (services/mail.py), at once
    return all(config.get(name) for name in ("SMTP_HOST", "MAIL_FROM", "PUBLIC_URL"))


def send_confirmation(response_id: int, settings: SmtpSettings | None = None, smtp: smtplib.SMTP | None = None) -> str | None:
    """Send the confirmation e-mail of a reminder's unconfirmed address, if it has not gone out;
    None when sent or nothing to send, else why not (without the address). Commits."""
    settings = settings or SmtpSettings.from_config(current_app.config)
    reminder = db.session.get(Reminder, response_id)
    if reminder is None or reminder.confirmed_at is not None or reminder.confirm_sent_at is not None:
        return None
    if reminder.given_at < confirmations.given_before():
        return None  # expired: purge deletes it
    why = confirmations.send(reminder, language=reminder.language, settings=settings, path=CONFIRM_PATH, smtp=smtp)
    if why is not None and why.startswith(ADDRESS_FAILS):
        db.session.delete(reminder)  # it can never be sent to
    db.session.commit()
    return why


def _claim(response_id: int, as_of: date, run: str, now: datetime) -> bool:
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.response_id == response_id, Reminder.due_on <= as_of, Reminder.confirmed_at.is_not(None),
               or_(Reminder.claimed_by.is_(None), Reminder.claimed_at < now - CLAIM_TIMEOUT))
        .values(claimed_by=run, claimed_at=now, attempts=Reminder.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def reminder_message(reminder: Reminder, settings: SmtpSettings, retake_url: str, address: str) -> EmailMessage:
    """The reminder (services/followup/reminder_mail.py) for a retake link made just now."""
    response = db.session.get(Response, reminder.response_id)
    zone = ZoneInfo(current_app.config["FOLLOW_UP_TIMEZONE"])
    made = datetime.now(timezone.utc)
    content = ReminderContent(
        language=reminder.language,
        name=(response.respondent_name or "").strip() or None,
        taken_on=(response.completed_at or response.created_at).astimezone(zone).date(),
        minutes=typical_minutes(instrument_bank().current),  # a retake is on the current instrument
        retake_url=retake_url,
        # retakes.retake_link_expired: it stops RETAKE_LINK_DAYS after it was made; the day before works all day
        link_works_until=(made + timedelta(days=current_app.config["RETAKE_LINK_DAYS"] - 1)).astimezone(zone).date(),
        plan=as_plan(db.session.get(PlanRow, reminder.response_id)),
    )
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = address  # checked_address's answer: nothing in it decodes to another header
    message["Date"] = format_datetime(made)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    return reminder_mail.fill(message, content)


def send_due_reminders(as_of: date, settings: SmtpSettings | None = None) -> Outcome:
    settings = settings or SmtpSettings.from_config(current_app.config)
    outcome = Outcome()
    due = [(r.response_id, r.due_on) for r in due_reminders(as_of)]
    unconfirmed = [r.response_id for r in confirmations.pending(Reminder)]
    db.session.rollback()
    if not due and not unconfirmed:
        return outcome
    run = str(uuid.uuid4())
    try:
        smtp = settings.connect()
    except (OSError, smtplib.SMTPException) as exc:
        why = f"SMTP server {settings.host}:{settings.port} unreachable or refused the connection: {exc}"
        _record_error([response_id for response_id, _ in due], why)
        outcome.failed += [(response_id, due_on, why) for response_id, due_on in due]
        outcome.confirmations_failed += [(response_id, why) for response_id in unconfirmed]
        return outcome
    with quitting(smtp):
        for response_id in unconfirmed:  # e.g. the mail server was down when the address was given
            try:
                why = send_confirmation(response_id, settings, smtp)
            except Exception as exc:  # one address must never stop the others
                db.session.rollback()
                why = f"could not build or send the confirmation ({type(exc).__name__})"
            if why is None:
                outcome.confirmations.append(response_id)
            else:
                outcome.confirmations_failed.append((response_id, why))
        for response_id, due_on in due:
            if not _claim(response_id, as_of, run, datetime.now(timezone.utc)):
                continue  # another run has it, or it was deleted meanwhile
            try:
                failure = _send_one(smtp, response_id, run, settings)
            except Exception as exc:  # one reminder must never stop the others
                failure = _give_up(response_id, run, f"could not build or send the message ({type(exc).__name__})"), "dropped"
            if failure is None:
                outcome.sent.append(response_id)
            else:
                error, kind = failure
                {"failed": outcome.failed, "dropped": outcome.dropped, "skipped": outcome.skipped}[kind].append(
                    (response_id, due_on, error))
    return outcome


def _send_one(smtp: smtplib.SMTP, response_id: int, run: str, settings: SmtpSettings) -> tuple[str, str] | None:
    """None when sent; else why not (never with the address in it), and "failed" (kept for the
    next run), "dropped" (the address deleted: refused for good, or the last attempt) or
    "skipped" (the address deleted: it fails the address check)."""
    reminder = db.session.get(Reminder, response_id)
    last_attempt = reminder.attempts >= MAX_ATTEMPTS
    try:
        address = checked_address(reminder.email)
    except AddressError as exc:
        return _give_up(response_id, run, f"skipped, the address was deleted: {exc}"), "skipped"
    token = new_token()
    db.session.add(RetakeLink(token_hash=hash_token(token), response_id=response_id))
    db.session.commit()
    try:
        message = reminder_message(reminder, settings, f"{settings.public_url}/retake/{token}", address)
        send_mail(settings, message, smtp=smtp)
    except (OSError, smtplib.SMTPException) as exc:
        db.session.rollback()
        db.session.execute(delete(RetakeLink).where(RetakeLink.token_hash == hash_token(token)))
        db.session.commit()
        why = _smtp_error(exc, address)
        if refused_for_good(exc) or last_attempt:
            reason = "refused for good" if refused_for_good(exc) else f"attempt {MAX_ATTEMPTS} of {MAX_ATTEMPTS}"
            return _give_up(response_id, run, f"{why} ({reason}: the address was deleted)"), "dropped"
        claimed = (Reminder.response_id == response_id, Reminder.claimed_by == run)
        db.session.execute(update(Reminder).where(*claimed).values(claimed_by=None, claimed_at=None, last_error=why[:500]))
        db.session.commit()
        return why, "failed"
    except Exception:
        db.session.rollback()
        db.session.execute(delete(RetakeLink).where(RetakeLink.token_hash == hash_token(token)))
        db.session.commit()
        raise
    db.session.execute(delete(Reminder).where(Reminder.response_id == response_id, Reminder.claimed_by == run))
    db.session.commit()
    return None


def _give_up(response_id: int, run: str, why: str) -> str:
    """Delete a claimed reminder, and with it the address, that will never be sent."""
    db.session.rollback()
    db.session.execute(delete(Reminder).where(Reminder.response_id == response_id, Reminder.claimed_by == run))
    db.session.commit()
    return why


def _smtp_error(exc: Exception, address: str) -> str:
    """The mail server's reply without the recipient's address: smtplib puts it in its
    messages, and servers in their replies ("550 <a@b>: no such user")."""
    def text(reply) -> str:
        return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        why = "the mail server refused the recipient: " + "; ".join(
            f"{code} {text(reply)}" for code, reply in exc.recipients.values())
    elif isinstance(exc, smtplib.SMTPResponseException):
        why = f"the mail server answered {exc.smtp_code} {text(exc.smtp_error)}"
    else:
        why = f"{type(exc).__name__}: {exc}"
    return without_address(why, address)


def without_address(text: str, address: str) -> str:
    return re.sub(re.escape(address), "[address]", text, flags=re.IGNORECASE) if address else text



def _record_error(response_ids: list[int], why: str) -> None:
    db.session.execute(update(Reminder).where(Reminder.response_id.in_(response_ids)).values(last_error=why[:500]))
    db.session.commit()
