"""The SMTP transport of every e-mail (reminders, confirmations, private links, password
resets): settings from the configuration, a connection (STARTTLS, implicit TLS or a local
relay) that is always quit, and what a refusal means."""

from __future__ import annotations

import os
import smtplib
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Iterator

SMTP_TIMEOUT = 30
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class MailConfigError(ValueError):
    pass


CONSOLE = "console"


class ConsoleMail:
    """Stands in for an SMTP connection in debug mode without SMTP_HOST: each message is
    printed to standard output, whole, so a developer can follow its links."""

    def send_message(self, message: EmailMessage) -> dict:
        # The headers and the decoded text, not the wire form: quoted-printable would break
        # a long link over lines with '=' at their ends, and it could not be followed.
        headers = "\n".join(f"{name}: {message[name]}" for name in ("Subject", "From", "To", "Date") if message[name])
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else message.as_string()
        print(f"----- mail (FLASK_DEBUG=1, no SMTP_HOST: printed, not sent) -----\n{headers}\n\n{text}\n-----", flush=True)
        return {}

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


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
        if config.get("DEBUG") and not config.get("SMTP_HOST"):
            # Development without a mail server (FLASK_DEBUG=1): mail is printed, not sent.
            return cls("console", 0, CONSOLE, None, None, config.get("MAIL_FROM") or "snubbeltrad@localhost",
                       (config.get("PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}").rstrip("/"))
        missing = [name for name in ("SMTP_HOST", "MAIL_FROM", "PUBLIC_URL") if not config.get(name)]
        if missing:
            raise MailConfigError(f"set {', '.join(missing)} in the environment to send reminders")
        security = config.get("SMTP_SECURITY") or "starttls"
        if security not in DEFAULT_PORTS:
            raise MailConfigError(f"SMTP_SECURITY={security!r}: use starttls, ssl or none")
        return cls(config["SMTP_HOST"], config.get("SMTP_PORT") or DEFAULT_PORTS[security], security,
                   config.get("SMTP_USER"), config.get("SMTP_PASSWORD"), config["MAIL_FROM"],
                   config["PUBLIC_URL"].rstrip("/"), config.get("SMTP_CA_FILE"))

    def connect(self, timeout: float = SMTP_TIMEOUT) -> smtplib.SMTP:
        if self.security == CONSOLE:
            return ConsoleMail()  # type: ignore[return-value]  # duck-typed: the SMTP methods the senders call
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=timeout)
        try:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()  # a refused certificate or password must not leave the connection open
            raise
        return smtp


@contextmanager
def quitting(smtp: smtplib.SMTP) -> Iterator[smtplib.SMTP]:
    """Use an open connection, then always quit it, however the use ended; a server that
    has hung up already changes nothing (the caller's errors are the ones that count)."""
    try:
        yield smtp
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def send_mail(settings: SmtpSettings, message: EmailMessage, *, timeout: float = SMTP_TIMEOUT,
              smtp: smtplib.SMTP | None = None) -> None:
    """Send one message over `smtp` (its owner quits it), or else over a connection of its own,
    opened with `timeout` and always quit. Connection and sending errors reach the caller."""
    if smtp is not None:
        smtp.send_message(message)
        return
    with quitting(settings.connect(timeout=timeout)) as own:
        own.send_message(message)


def refused_for_good(exc: Exception) -> bool:
    # The server refused the recipient with a permanent (5xx) reply: no such mailbox, say.
    # A 4xx (mailbox full, greylisting) may pass tomorrow.
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in exc.recipients.values())
