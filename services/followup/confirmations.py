"""Double opt-in for an e-mail address a visitor typed (issue 25, F5).

The first and, until it is confirmed, the only e-mail to an address is fixed text with
a confirmation link: nothing the visitor chose (no name, no plan, no link of theirs), so
the form cannot relay a message to a stranger. The link's token is 256 random bits, only
its hash is stored, it is used once and expires CONFIRM_DAYS after the address was given;
`flask purge` then deletes an unconfirmed address. Confirming takes a POST (a mail
scanner opening the link confirms nothing).

Any row with the ConfirmableAddress columns (services/models.py) uses this: reminders, and
"E-mail me my link" (services/link_mail.py). The caller commits."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Callable

from reports.i18n import translations
from services.db import db
from services.mail import send_mail
from services.mail_addresses import AddressError, checked_address
from services.models import ConfirmableAddress, hash_token, new_token, utcnow

CONFIRM_DAYS = 7
# New addresses one plan may have confirmation e-mails sent to.
MAX_CONFIRMATION_MAILS = 3
# A visitor waits for the page while the confirmation goes out (without a queue).
INLINE_SMTP_TIMEOUT = 10
ADDRESS_FAILS = "the address fails the address check"


def given_before(moment: datetime | None = None) -> datetime:
    """Unconfirmed addresses given before this are expired: their link no longer works, purge deletes them."""
    return (moment or utcnow()) - timedelta(days=CONFIRM_DAYS)


def expires_on(row: ConfirmableAddress):
    return (row.given_at + timedelta(days=CONFIRM_DAYS)).date()


def set_address(row: ConfirmableAddress, address: str) -> bool:
    """Give the row this (checked) address. A new address starts unconfirmed and needs its
    confirmation e-mail (True); the same address keeps its state (False)."""
    if row.email == address and row.given_at is not None:
        return False
    row.email = address
    row.given_at = utcnow()
    row.confirmed_at = None
    row.confirm_sent_at = None
    row.confirm_token_hash = None
    return True


def pending(model: type[ConfirmableAddress]) -> list[ConfirmableAddress]:
    """Unconfirmed, unexpired addresses whose confirmation e-mail has not gone out."""
    return list(db.session.scalars(db.select(model).where(
        model.confirmed_at.is_(None), model.confirm_sent_at.is_(None), model.given_at >= given_before())))


def find(model: type[ConfirmableAddress], token: str) -> ConfirmableAddress | None:
    """The unconfirmed, unexpired row this confirmation link belongs to, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(db.select(model).where(model.confirm_token_hash == hash_token(token)))
    if row is None or row.confirmed_at is not None or row.given_at < given_before():
        return None
    return row


def confirm(row: ConfirmableAddress) -> None:
    """The address is confirmed; the link is used up. Commits."""
    row.confirmed_at = utcnow()
    row.confirm_token_hash = None  # used once
    db.session.commit()


REMINDER = "reminder"
LINK = "link"  # "E-mail me my link" (services/link_mail.py)


def message(row: ConfirmableAddress, *, language: str, sender: str, confirm_url: str,
            purpose: str = REMINDER) -> EmailMessage:
    """Fixed text in the person's language and the link: nothing a visitor could choose."""
    _ = translations(language).gettext
    address = checked_address(row.email)
    mail = EmailMessage()
    if purpose == LINK:
        mail["Subject"] = _("Confirm your e-mail address to get your private link")
        asked = _("Someone, probably you, asked Snubbeltråd to e-mail a private link to this address.")
    else:
        mail["Subject"] = _("Confirm your e-mail address for one reminder")
        asked = _("Someone, probably you, asked Snubbeltråd to send one follow-up reminder to this address.")
    mail["From"] = sender
    mail["To"] = address
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Content-Language"] = language
    mail.set_content("\n\n".join([
        asked,
        _("To confirm the address, open this link and press the button:") + "\n" + confirm_url,
        _("The link works for %(days)s days. If you don't confirm, we delete the address and you won't hear "
          "from us again. If it wasn't you, you can ignore this e-mail.") % {"days": CONFIRM_DAYS},
    ]))
    return mail


def send(row: ConfirmableAddress, *, language: str, settings, path: str, smtp: smtplib.SMTP | None = None,
         purpose: str = REMINDER, with_token: Callable[[str], None] | None = None) -> str | None:
    """Issue a fresh token and send the confirmation e-mail; None when sent, else why not
    (never with the address in it). `path` is the confirm route with "{token}" in it;
    `with_token` is given the new token before the e-mail goes out (it never stores it)."""
    token = new_token()
    try:
        mail = message(row, language=language, sender=settings.sender,
                       confirm_url=settings.public_url + path.format(token=token), purpose=purpose)
    except AddressError as exc:
        return f"{ADDRESS_FAILS}: {exc}"
    if with_token is not None:
        with_token(token)
    row.confirm_token_hash = hash_token(token)
    row.confirm_sent_at = utcnow()
    db.session.flush()
    try:
        send_mail(settings, mail, timeout=INLINE_SMTP_TIMEOUT, smtp=smtp)
    except (OSError, smtplib.SMTPException) as exc:
        row.confirm_token_hash = row.confirm_sent_at = None  # not sent: the next run tries again
        db.session.flush()
        return f"{type(exc).__name__}: the confirmation e-mail could not be sent"
    return None
