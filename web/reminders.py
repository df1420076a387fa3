"""Sending due reminder e-mails, each exactly once.

A run claims a reminder with one conditional UPDATE before sending it; the
database lets only one of two concurrent runs change the row (SQLite writes one
at a time; PostgreSQL re-checks the WHERE clause after the first run's commit),
so the other skips it. After sending, the row and with it the address is
deleted. An SMTP failure releases the claim: the reminder stays due for the
next run, at most MAX_ATTEMPTS runs; an address the mail server refuses for good
(5xx), or still failing after that, is deleted instead of being kept until
retention. A claim older than CLAIM_TIMEOUT (a run that died) may be taken over."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, or_, select, update

from reports.calendar import plan_text
from reports.i18n import translations

from .extensions import db
from .models import Plan, Reminder, RetakeLink, hash_token, new_token
from .plans import as_plan

CLAIM_TIMEOUT = timedelta(hours=1)
# Daily runs that may try one address: a week of a mail server's temporary refusals.
MAX_ATTEMPTS = 7
SMTP_TIMEOUT = 30
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class MailConfigError(ValueError):
    pass


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)  # response ids
    failed: list[tuple[int, date, str]] = field(default_factory=list)  # response id, due date, why: still due
    dropped: list[tuple[int, date, str]] = field(default_factory=list)  # not sent, and the address deleted


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str
    public_url: str
    ca_file: str | None = None  # trust this CA (an internal relay's) instead of the system's

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        missing = [name for name in ("SMTP_HOST", "MAIL_FROM", "PUBLIC_URL") if not config.get(name)]
        if missing:
            raise MailConfigError(f"set {', '.join(missing)} in the environment to send reminders")
        security = config.get("SMTP_SECURITY") or "starttls"
        if security not in DEFAULT_PORTS:
            raise MailConfigError(f"SMTP_SECURITY={security!r}: use starttls, ssl or none")
        return cls(config["SMTP_HOST"], config.get("SMTP_PORT") or DEFAULT_PORTS[security], security,
                   config.get("SMTP_USER"), config.get("SMTP_PASSWORD"), config["MAIL_FROM"],
                   config["PUBLIC_URL"].rstrip("/"), config.get("SMTP_CA_FILE"))

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        try:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()  # a refused certificate or password must not leave the connection open
            raise
        return smtp


def today_where_people_are() -> date:
    return datetime.now(ZoneInfo(current_app.config["FOLLOW_UP_TIMEZONE"])).date()


def due_reminders(as_of: date) -> list[Reminder]:
    return list(db.session.scalars(select(Reminder).where(Reminder.due_on <= as_of).order_by(Reminder.due_on)))


def _claim(response_id: int, as_of: date, run: str, now: datetime) -> bool:
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.response_id == response_id, Reminder.due_on <= as_of,
               or_(Reminder.claimed_by.is_(None), Reminder.claimed_at < now - CLAIM_TIMEOUT))
        .values(claimed_by=run, claimed_at=now, attempts=Reminder.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def reminder_message(reminder: Reminder, settings: SmtpSettings, retake_url: str) -> EmailMessage:
    _ = translations(reminder.language).gettext
    plan = as_plan(db.session.get(Plan, reminder.response_id))
    message = EmailMessage()
    message["Subject"] = _("Your follow-up: time to take the questionnaire again")
    message["From"] = settings.sender
    message["To"] = reminder.email
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message["Content-Language"] = reminder.language
    parts = [_("Today is the follow-up day you chose.")]
    if plan is not None and plan.actions:
        parts += [_("Your plan:") + "\n" + plan_text(plan, reminder.language)]
    parts += [
        _("Take the questionnaire again to see what's changed since last time:") + "\n" + retake_url,
        _("You're getting this e-mail because you asked for one reminder. We've now deleted your address."),
    ]
    message.set_content("\n\n".join(parts))
    return message


def send_due_reminders(as_of: date, settings: SmtpSettings | None = None) -> Outcome:
    settings = settings or SmtpSettings.from_config(current_app.config)
    outcome = Outcome()
    due = [(r.response_id, r.due_on) for r in due_reminders(as_of)]
    db.session.rollback()
    if not due:
        return outcome
    run = str(uuid.uuid4())
    try:
        smtp = settings.connect()
    except (OSError, smtplib.SMTPException) as exc:
        why = f"SMTP server {settings.host}:{settings.port} unreachable or refused the connection: {exc}"
        _record_error([response_id for response_id, _ in due], why)
        outcome.failed += [(response_id, due_on, why) for response_id, due_on in due]
        return outcome
    try:
        for response_id, due_on in due:
            if not _claim(response_id, as_of, run, datetime.now(timezone.utc)):
                continue  # another run has it, or it was deleted meanwhile
            failure = _send_one(smtp, response_id, run, settings)
            if failure is None:
                outcome.sent.append(response_id)
            else:
                error, dropped = failure
                (outcome.dropped if dropped else outcome.failed).append((response_id, due_on, error))
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return outcome


def _send_one(smtp: smtplib.SMTP, response_id: int, run: str, settings: SmtpSettings) -> tuple[str, bool] | None:
    """None when sent; else why not, and whether the address was deleted (refused for good,
    or the last attempt) rather than kept for the next run."""
    reminder = db.session.get(Reminder, response_id)
    last_attempt = reminder.attempts >= MAX_ATTEMPTS
    token = new_token()
    db.session.add(RetakeLink(token_hash=hash_token(token), response_id=response_id))
    db.session.commit()
    message = reminder_message(reminder, settings, f"{settings.public_url}/retake/{token}")
    try:
        smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        db.session.rollback()
        db.session.execute(delete(RetakeLink).where(RetakeLink.token_hash == hash_token(token)))
        claimed = (Reminder.response_id == response_id, Reminder.claimed_by == run)
        if _refused_for_good(exc) or last_attempt:
            db.session.execute(delete(Reminder).where(*claimed))
            db.session.commit()
            why = "refused for good" if _refused_for_good(exc) else f"attempt {MAX_ATTEMPTS} of {MAX_ATTEMPTS}"
            return f"{exc} ({why}: the address was deleted)", True
        db.session.execute(update(Reminder).where(*claimed).values(claimed_by=None, claimed_at=None, last_error=str(exc)[:500]))
        db.session.commit()
        return str(exc), False
    db.session.execute(delete(Reminder).where(Reminder.response_id == response_id, Reminder.claimed_by == run))
    db.session.commit()
    return None


def _refused_for_good(exc: Exception) -> bool:
    # The server refused the recipient with a permanent (5xx) reply: no such mailbox, say.
    # A 4xx (mailbox full, greylisting) may pass tomorrow.
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in exc.recipients.values())


def _record_error(response_ids: list[int], why: str) -> None:
    db.session.execute(update(Reminder).where(Reminder.response_id.in_(response_ids)).values(last_error=why[:500]))
    db.session.commit()
