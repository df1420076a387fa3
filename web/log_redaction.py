"""Private links never reach a log. A private token is a long random path
segment (/response/<token>/..., /retake/<token>); every log line the app,
Werkzeug or gunicorn writes has such segments replaced by [private].

gunicorn uses `RedactingGunicornLogger` through gunicorn.conf.py."""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# Tokens are secrets.token_urlsafe(32): 43 characters; a paper form's token is 20 (typed from a
# slip, services/models.py new_paper_token), so whatever follows /response/, /retake/ or the
# slip's /p/ is private too. Join codes (6) and ids stay readable.
_PRIVATE_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}|(?<=/response/)[^/?#\s\"]+|(?<=/retake/)[^/?#\s\"]+"
                              r"|(?<=/p/)[^/?#\s\"]+")
REDACTED = "[private]"


def redact(text: str) -> str:
    return _PRIVATE_SEGMENT.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(*loggers: logging.Logger) -> None:
    """Filter these loggers and their handlers (a logger's own filter does not
    see records that propagate to it from child loggers; its handlers do)."""
    for logger in loggers:
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactingFilter) for f in target.filters):
                target.addFilter(RedactingFilter())


class RedactingGunicornLogger(GunicornLogger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        install(self.error_log, self.access_log)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
