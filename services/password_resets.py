"""Password reset by e-mail for coach accounts (issue 28).

A coach who forgot the password asks with an address; if an account has it, a link is
mailed. The link's token is 256 random bits (models.new_token); only its hash is stored
(CoachPasswordReset), it works for RESET_MINUTES, and once: using it deletes the row, so a
second use, or a second tab racing the first, finds nothing. A newer link replaces older
ones; setting a password in any way ends every session and every outstanding link.

No account enumeration: the page answers the same for every address, and nothing that
depends on whether the account exists happens while it waits: the page only hands the
address to a background thread of this process, which looks the account up, makes the token
and talks to the mail server (the look-up had been on the page's side and the thread started
only for a known address, which made a known address measurably slower to answer) (a lost process loses one mail: asking again sends
another). The link is built from PUBLIC_URL; in debug mode without SMTP_HOST the mail is
printed to the console like a reminder (services/mail.py)."""

from __future__ import annotations

import logging
import smtplib
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import Flask, current_app
from sqlalchemy import delete

from reports.i18n import translations
from services.accounts import end_all_sessions, find_coach
from services.db import db
from services.mail import MailConfigError, SmtpSettings, send_mail
from services.mail_addresses import AddressError, checked_address
from services.models import Coach, CoachPasswordReset, hash_token, new_token, utcnow
from services.passwords import check_password, hash_password

log = logging.getLogger(__name__)

RESET_MINUTES = 60
# The reset route (web/coach/accounts/views.py reset_password); the mail is made without a
# request, so the path is written out here and a test checks it against the route.
RESET_PATH = "/coach/password/reset/{token}"
SMTP_TIMEOUT = 20

_executor: ThreadPoolExecutor | None = None


def made_after(moment: datetime | None = None) -> datetime:
    """Links made before this no longer work."""
    return (moment or utcnow()) - timedelta(minutes=RESET_MINUTES)


def reset_by_mail_possible() -> bool:
    """Whether this site can send a reset link at all (the same answer for every address)."""
    try:
        SmtpSettings.from_config(current_app.config)
    except MailConfigError:
        return False
    return True


def request_reset(email: str, language: str) -> Future | None:
    """Send a reset link to the account with this address, if there is one. What the caller
    sees and waits for does not depend on that: the same work is handed to the background
    for every address (the Future is for tests and the command line; a page must not wait on it)."""
    if not reset_by_mail_possible():
        return None
    return _background().submit(_deliver, current_app._get_current_object(), email or "", language)


def _background() -> ThreadPoolExecutor:
    # Made on first use: never before a fork (gunicorn --preload), one thread per process.
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-reset")
    return _executor


def wait_for_background(timeout: float = SMTP_TIMEOUT + 10) -> None:
    """Return once the mails handed to the background so far are done (one thread: a no-op
    queued behind them finishes last). For tests that empty the database between apps."""
    if _executor is not None:
        _executor.submit(lambda: None).result(timeout=timeout)


def _deliver(app: Flask, email: str, language: str) -> str | None:
    with app.app_context():
        coach = find_coach(email)
        if coach is None:
            return "no such account"
        try:
            return send_reset(coach.id, language)
        except Exception as exc:  # a background thread: log, never raise into nothing
            db.session.rollback()
            log.warning("password reset mail for coach #%s not sent: %s", coach.id, type(exc).__name__)
            return type(exc).__name__


def send_reset(coach_id: int, language: str, smtp: smtplib.SMTP | None = None) -> str | None:
    """Make a fresh link for this coach (older ones stop working) and mail it; None when
    sent, else why not (without the address). Commits."""
    coach = db.session.get(Coach, coach_id)
    if coach is None:
        return "no such account"
    settings = SmtpSettings.from_config(current_app.config)
    token = new_token()
    db.session.execute(delete(CoachPasswordReset).where(
        (CoachPasswordReset.coach_id == coach.id) | (CoachPasswordReset.created_at < made_after())))
    db.session.add(CoachPasswordReset(coach_id=coach.id, token_hash=hash_token(token), created_at=utcnow()))
    try:
        mail = reset_message(coach.email, language=language, sender=settings.sender,
                             reset_url=settings.public_url + RESET_PATH.format(token=token))
    except AddressError as exc:
        db.session.rollback()
        return f"the address fails the address check: {exc}"
    db.session.commit()
    try:
        send_mail(settings, mail, timeout=SMTP_TIMEOUT, smtp=smtp)
    except (OSError, smtplib.SMTPException) as exc:
        forget_resets(coach)  # a link nobody received is no use to keep
        db.session.commit()
        log.warning("password reset mail for coach #%s not sent: %s", coach.id, type(exc).__name__)
        return f"{type(exc).__name__}: the reset e-mail could not be sent"
    return None


def reset_message(address: str, *, language: str, sender: str, reset_url: str) -> EmailMessage:
    """Fixed text in the coach's language and the link."""
    _ = translations(language).gettext
    mail = EmailMessage()
    mail["Subject"] = _("Choose a new password for Snubbeltråd")
    mail["From"] = sender
    mail["To"] = checked_address(address)
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Content-Language"] = language
    mail.set_content("\n\n".join([
        _("Someone, probably you, asked to reset the password of the coach account with this address."),
        _("To choose a new password, open this link:") + "\n" + reset_url,
        _("The link works once, for %(minutes)s minutes. If it wasn't you, ignore this e-mail: "
          "your password stays as it is.") % {"minutes": RESET_MINUTES},
    ]))
    return mail


def find_reset(token: str) -> CoachPasswordReset | None:
    """The unused, unexpired link with this token, or None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(db.select(CoachPasswordReset).where(CoachPasswordReset.token_hash == hash_token(token)))
    if reset is None or reset.created_at < made_after():
        return None
    return reset


def coach_of_reset(token: str) -> Coach | None:
    reset = find_reset(token)
    return db.session.get(Coach, reset.coach_id) if reset is not None else None


def change_own_password(coach: Coach, current_password: str, new_password: str) -> bool:
    """The coach's own change (False, nothing changed, if the current password is wrong): as
    after a reset, every session ends and reset links mailed before stop working. Commits."""
    if not check_password(coach.password_hash, current_password):
        return False
    coach.password_hash = hash_password(new_password)
    end_all_sessions(coach)
    forget_resets(coach)
    db.session.commit()
    return True


def use_reset(token: str, new_password: str) -> Coach | None:
    """Set the password through this link and use the link up; None if it does not work
    (unknown, used or expired). Every session of the coach ends. Commits."""
    reset = find_reset(token)
    if reset is None:
        return None
    # Used once: only the request that deletes the row goes on (two tabs, one password).
    taken = db.session.execute(delete(CoachPasswordReset).where(
        CoachPasswordReset.id == reset.id, CoachPasswordReset.created_at >= made_after()))
    if taken.rowcount != 1:
        db.session.rollback()
        return None
    coach = db.session.get(Coach, reset.coach_id)
    coach.password_hash = hash_password(new_password)
    end_all_sessions(coach)
    forget_resets(coach)
    db.session.commit()
    return coach


def forget_resets(coach: Coach) -> None:
    """Every outstanding link of this coach stops working (the caller commits)."""
    db.session.execute(delete(CoachPasswordReset).where(CoachPasswordReset.coach_id == coach.id))


def forget_expired_resets(moment: datetime | None = None) -> int:
    """`flask purge`: links that no longer work are deleted (the caller commits)."""
    return db.session.execute(delete(CoachPasswordReset).where(CoachPasswordReset.created_at < made_after(moment))).rowcount
