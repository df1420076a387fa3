"""Mail helpers: an SMTP inbox, a person with a confirmed reminder, confirmation links,
and waiting for mail to arrive.

Import these from here (tests/support/mail.py), never from another test module."""

from __future__ import annotations

import asyncio
import email
import time
from datetime import datetime, timezone
from email.policy import default as default_policy

from sqlalchemy import select

from services.db import db
from services.models import Reminder

from .answers import varied_answers
from .followup import make_plan
from .forms import Respondent, csrf_of


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self, delay: float = 0.0, refuse: str | None = None, refusal: str = "550 5.1.1 mailbox unavailable"):
        self.messages: list[email.message.EmailMessage] = []
        self.delay = delay
        self.refuse = refuse
        self.refusal = refusal

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and address == self.refuse:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted"

def person_with_reminder(client, instrument, address, language="en", days="14", name="", inbox=None):
    """A completed take with a plan and a confirmed reminder address (double opt-in: through the
    link in the confirmation e-mail when it reached `inbox`, else marked confirmed in the database)."""
    person = Respondent(client, instrument)
    person.start(name=name, language=language)
    person.complete(varied_answers(instrument))
    client.get(person.url(f"/profile?lang={language}"))
    assert make_plan(person, email=address, follow_up=days).status_code == 302
    confirm_address(client, address, inbox)
    return person

def confirmation_link(inbox, address) -> tuple[email.message.EmailMessage, str] | None:
    for message in inbox.messages:
        if message["To"] == address and "/reminder/confirm/" in message.get_body(("plain",)).get_content():
            text = message.get_body(("plain",)).get_content()
            return message, next(line for line in text.splitlines() if "/reminder/confirm/" in line).strip()
    return None

def confirm_address(client, address, inbox=None) -> None:
    found = confirmation_link(inbox, address) if inbox is not None else None
    if found is not None:
        message, link = found
        path = link.removeprefix("https://tripwire.example.org")
        page = client.get(path)
        assert page.status_code == 200, page.text[:300]
        assert client.post(path, data={"csrf_token": csrf_of(page.text)}).status_code == 200
        inbox.messages.remove(message)
        return

    with client.application.app_context():
        reminder = db.session.scalars(select(Reminder).where(Reminder.email == address)).one()
        reminder.confirmed_at = datetime.now(timezone.utc)
        db.session.commit()

NEW_PASSWORD = "lantern orbit pickle meadow"

def wait_for_mail(inbox, count=1, seconds=15.0):
    deadline = time.monotonic() + seconds
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) >= count, f"{len(inbox.messages)} mails, expected {count}"
    return inbox.messages[count - 1]
