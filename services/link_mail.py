""""E-mail me my link" (issue 27 §7), under the reminders' double opt-in (issue 25, F5).

The first e-mail to an address is the fixed confirmation text with a confirmation link
(services/followup/confirmations.py), nothing the visitor chose. Only when its owner opens
that link and presses the button does the private link go out; then the row, and with it
the address, is deleted. An address nobody confirms is deleted by `flask purge` after
CONFIRM_DAYS. One response causes at most MAX_CONFIRMATION_MAILS confirmation e-mails while
a request is open, so a private link cannot be used to mail strangers.

The private link itself is never stored readable: only XOR-sealed with a keystream derived
from the confirmation token (HMAC-SHA256), and only the token's hash is stored. The database
alone opens nothing; the confirmation link in the mailbox opens the sealed link once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Callable

from flask import current_app

from reports.i18n import translations
from services.db import db
from services.followup import confirmations
from services.mail import MailConfigError, SmtpSettings, send_mail
from services.mail_addresses import AddressError, checked_address
from services.models import LinkMail, Response, hash_token, utcnow

# The confirmation link's path (web/questionnaire/views.py confirm_link_mail); a test checks it.
CONFIRM_PATH = "/link-mail/confirm/{token}"
MAX_CONFIRMATION_MAILS = confirmations.MAX_CONFIRMATION_MAILS
MAX_LINK_LENGTH = 100


class TooManyMails(ValueError):
    """This response has had MAX_CONFIRMATION_MAILS confirmation e-mails sent already."""


class LinkMailNotSent(RuntimeError):
    """The mail server did not take the e-mail; nothing was stored (or the link stays unconfirmed)."""


def link_mail_configured() -> bool:
    config = current_app.config
    return bool(config.get("DEBUG") and not config.get("SMTP_HOST")) or all(
        config.get(name) for name in ("SMTP_HOST", "MAIL_FROM", "PUBLIC_URL"))


def _keystream(confirm_token: str, length: int) -> bytes:
    blocks = b""
    counter = 0
    while len(blocks) < length:
        blocks += hmac.new(confirm_token.encode(), f"link-mail:{counter}".encode(), hashlib.sha256).digest()
        counter += 1
    return blocks[:length]


def seal(private_token: str, confirm_token: str) -> str:
    data = private_token.encode()
    if len(data) > MAX_LINK_LENGTH:
        raise ValueError("a private link token is never this long")
    return base64.urlsafe_b64encode(bytes(a ^ b for a, b in zip(data, _keystream(confirm_token, len(data))))).decode()


def unseal(sealed: str, confirm_token: str) -> str:
    data = base64.urlsafe_b64decode(sealed.encode())
    return bytes(a ^ b for a, b in zip(data, _keystream(confirm_token, len(data)))).decode()


def request_link_mail(response: Response, private_token: str, address: str, language: str) -> str:
    """Send the confirmation e-mail for this address; returns the address as it is sent to.
    AddressError, TooManyMails or LinkMailNotSent (nothing stored then). Commits."""
    address = checked_address(address)
    settings = SmtpSettings.from_config(current_app.config)
    row = db.session.get(LinkMail, response.id)
    if row is None:
        row = LinkMail(response_id=response.id, confirmation_mails=0, language=language)
        db.session.add(row)
    if (row.confirmation_mails or 0) >= MAX_CONFIRMATION_MAILS:
        db.session.rollback()
        raise TooManyMails()
    confirmations.set_address(row, address)
    row.confirmed_at = None
    row.language = language
    row.confirmation_mails = (row.confirmation_mails or 0) + 1

    def keep_sealed(confirm_token: str) -> None:
        row.sealed_link = seal(private_token, confirm_token)

    why = confirmations.send(row, language=language, settings=settings, path=CONFIRM_PATH,
                             purpose=confirmations.LINK, with_token=keep_sealed)
    if why is not None:
        db.session.rollback()
        current_app.logger.warning("link e-mail confirmation for response #%s not sent: %s", response.id, why)
        raise LinkMailNotSent(why)
    db.session.commit()
    return address


def pending_link_mail(token: str) -> LinkMail | None:
    """The unconfirmed, unexpired request this confirmation link belongs to, or None."""
    return confirmations.find(LinkMail, token)


def link_message(row: LinkMail, *, sender: str, link: str) -> EmailMessage:
    _ = translations(row.language).gettext
    mail = EmailMessage()
    mail["Subject"] = _("Your private link to Snubbeltråd")
    mail["From"] = sender
    mail["To"] = checked_address(row.email)
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Content-Language"] = row.language
    mail.set_content("\n\n".join([
        _("Here is your private link, as you asked. Open it to continue where you left off or to see "
          "your profile again, on any device:") + "\n" + link,
        _("Anyone with the link can see your answers, so keep this e-mail to yourself. "
          "We have deleted your address; this is the only e-mail you get from us."),
    ]))
    return mail


def confirm_and_send(row: LinkMail, confirm_token: str, link_for: Callable[[str], str]) -> None:
    """The owner confirmed: send the private link, then delete the row and the address.
    LinkMailNotSent leaves the request as it was (the confirmation link still works). Commits."""
    private_token = unseal(row.sealed_link or "", confirm_token)
    response = db.session.get(Response, row.response_id)
    if response is None or response.token_hash != hash_token(private_token):
        db.session.delete(row)  # cannot be opened: nothing to send
        db.session.commit()
        raise LinkMailNotSent("the sealed link does not open")
    try:
        settings = SmtpSettings.from_config(current_app.config)
        mail = link_message(row, sender=settings.sender, link=link_for(private_token))
        send_mail(settings, mail, timeout=confirmations.INLINE_SMTP_TIMEOUT)
    except (OSError, smtplib.SMTPException, MailConfigError, AddressError) as exc:
        db.session.rollback()
        raise LinkMailNotSent(type(exc).__name__) from None
    db.session.delete(row)
    db.session.commit()
