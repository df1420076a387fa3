"""Configuration from the environment. Secrets never live in the repository:
SECRET_KEY comes from the environment, or in debug from a key generated once
and kept in the instance folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask

from assessment.team import DEFAULT_MIN_GROUP, checked_min_group

ROOT = Path(__file__).resolve().parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    instance = Path(app.instance_path)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'snubbeltrad.sqlite'}"
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=_normalise_db_url(database_url),
        QUESTIONS_DIR=str(ROOT / "questions"),
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_flag("SESSION_COOKIE_SECURE"),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=_flag("SESSION_COOKIE_SECURE"),
        # A page may stay open for a long time; the token lives as long as the session.
        WTF_CSRF_TIME_LIMIT=None,
        ALLOW_SIGNUP=_flag("ALLOW_SIGNUP"),
        RETENTION_DAYS=_whole_number("RETENTION_DAYS", 365, minimum=1),
        # Anonymous workshops: fewest completions behind any team figure, and the
        # step in which the figures and counters move (assessment/team.py).
        ANONYMOUS_MIN_GROUP=_min_group(),
        # A workshop ZIP holds named reports: kept this long, then `flask purge` deletes it.
        ZIP_RETENTION_HOURS=_number("ZIP_RETENTION_HOURS", 24.0, minimum=0.1),
        # A retake link in a reminder e-mail starts retakes (whose profile shows the earlier
        # scores) for this long after it was sent; `flask purge` deletes it after that.
        RETAKE_LINK_DAYS=_whole_number("RETAKE_LINK_DAYS", 30, minimum=1),
        # A ZIP job without progress for this long lost its process (killed worker, restart).
        REPORT_JOB_STALE_SECONDS=_number("REPORT_JOB_STALE_SECONDS", 180.0, minimum=1),
        REPORT_CACHE_DIR=os.environ.get("REPORT_CACHE_DIR") or str(instance / "report-cache"),
        # Finished batch files (ZIPs); workers on other machines need it shared.
        JOBS_DIR=os.environ.get("JOBS_DIR") or str(instance / "jobs"),
        CHART_TIMEOUT=_number("CHART_TIMEOUT", 20.0, minimum=1),
        # The host's report server (reports/report_client.py): every process whose config names
        # the same socket shares its one chart browser. Started on first use.
        REPORT_SERVER_SOCKET=os.environ.get("REPORT_SERVER_SOCKET") or str(instance / "report-server" / "socket"),
        # Processes laying out a batch (a workshop ZIP). 1 keeps a batch on one core,
        # so a ZIP made during a workshop leaves the other core to the participants
        # (docs/decisions/0008-one-report-process-for-a-workshop-zip.md).
        REPORT_PROCESSES=_whole_number("REPORT_PROCESSES", 1, minimum=1),
        REDIS_URL=os.environ.get("REDIS_URL"),
        # With a report queue: how long a download waits before answering "being prepared".
        PDF_WAIT_SECONDS=_number("PDF_WAIT_SECONDS", 0.0, minimum=0),
        # In memory, each gunicorn worker counts on its own; with Redis they share the count.
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # Redis down: count in this process instead of failing the request (login, joining).
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_ENABLED=_flag("RATELIMIT_ENABLED", True),
        # Failed logins per account, from any address (a coach's password guessed from many).
        LOGIN_FAILURE_LIMIT=os.environ.get("LOGIN_FAILURE_LIMIT", "5 per minute;20 per hour"),
        # Wrong workshop codes per client address; right ones are not counted
        # (the arithmetic is in web/join/views.py).
        JOIN_FAILURE_LIMIT=os.environ.get("JOIN_FAILURE_LIMIT", "20 per hour;100 per day"),
        # Per client (web/common/limits.py): responses started, PDFs rendered.
        # Wrong follow-up codes/links, per client, apart from JOIN_FAILURE_LIMIT (issue 25, F7).
        FOLLOW_UP_LINK_FAILURE_LIMIT=os.environ.get("FOLLOW_UP_LINK_FAILURE_LIMIT", "30 per hour;100 per day"),
        # The measurement page, profiles and plans, per client (issue 25, F14).
        HEAVY_PAGE_RATE_LIMIT=os.environ.get("HEAVY_PAGE_RATE_LIMIT", "600 per 10 minutes"),
        START_RATE_LIMIT=os.environ.get("START_RATE_LIMIT", "60 per 10 minutes"),
        RENDER_RATE_LIMIT=os.environ.get("RENDER_RATE_LIMIT", "120 per 10 minutes"),
        # Without a report queue: PDFs rendered at once on this machine; more wait ("being prepared").
        RENDER_SLOTS=_whole_number("RENDER_SLOTS", 1, minimum=1),
        # Reverse proxies in front that set X-Forwarded-For/-Proto (0: none, clients connect directly).
        PROXY_COUNT=_whole_number("PROXY_COUNT", 0, minimum=0),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_LOCALE="en",
        # The site's public address: absolute links (join link, QR code, private link) use it.
        PUBLIC_URL=os.environ.get("PUBLIC_URL"),
        # Host names the app answers to (comma-separated); others get 400. Unset: any.
        TRUSTED_HOSTS=[h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",") if h.strip()]
        if os.environ.get("TRUSTED_HOSTS") else None,
        # The time zone of follow-up calendar events and reminder dates.
        FOLLOW_UP_TIMEZONE=os.environ.get("FOLLOW_UP_TIMEZONE", "Europe/Stockholm"),
        # Reminder e-mails (flask send-reminders). SMTP_SECURITY: starttls | ssl | none.
        SMTP_HOST=os.environ.get("SMTP_HOST"),
        SMTP_PORT=int(os.environ["SMTP_PORT"]) if os.environ.get("SMTP_PORT", "").isdigit() else None,
        SMTP_SECURITY=os.environ.get("SMTP_SECURITY", "starttls").strip().lower(),
        SMTP_USER=os.environ.get("SMTP_USER"),
        SMTP_PASSWORD=os.environ.get("SMTP_PASSWORD"),
        MAIL_FROM=os.environ.get("MAIL_FROM"),
        SMTP_CA_FILE=os.environ.get("SMTP_CA_FILE"),
        # Who runs this site (the data controller), shown on /about, /privacy and /accessibility.
        OPERATOR_NAME=os.environ.get("OPERATOR_NAME", "").strip() or None,
        OPERATOR_EMAIL=os.environ.get("OPERATOR_EMAIL", "").strip() or None,
        OPERATOR_ADDRESS=os.environ.get("OPERATOR_ADDRESS", "").strip() or None,
        # Companies that process personal data for the operator (hosting, e-mail), comma-separated.
        OPERATOR_PROCESSORS=[p.strip() for p in os.environ.get("OPERATOR_PROCESSORS", "").split(",") if p.strip()],
        # Where a person may complain about the handling of their data.
        OPERATOR_SUPERVISORY_AUTHORITY=os.environ.get(
            "OPERATOR_SUPERVISORY_AUTHORITY", "Integritetsskyddsmyndigheten (IMY), https://www.imy.se").strip(),
    )
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        if app.debug:
            app.config["SECRET_KEY"] = _development_key(instance)
        elif os.environ.get("FLASK_RUN_FROM_CLI") == "true" and not _serving_from_cli():
            # A `flask` command (score, report, purge …) signs nothing that outlives it;
            # `flask run` serves, and a key per process would sign cookies nobody else accepts.
            app.config["SECRET_KEY"] = secrets.token_hex(32)
        else:
            raise SystemExit(
                "Cannot start: SECRET_KEY is not set. Set it in the environment "
                "(e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')), "
                "or run in debug mode (FLASK_DEBUG=1) to use a generated development key."
            )
    _check_time_zone(app.config["FOLLOW_UP_TIMEZONE"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    _create_sqlite_file_privately(app.config["SQLALCHEMY_DATABASE_URI"])


def _serving_from_cli() -> bool:
    context = click.get_current_context(silent=True)
    while context is not None:
        if context.info_name == "run":
            return True
        context = context.parent
    return False


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"Cannot start: FOLLOW_UP_TIMEZONE={name!r} is not a time zone name such as Europe/Stockholm.") from None


def _whole_number(name: str, default: int, *, minimum: int) -> int:
    return _number(name, default, minimum=minimum, kind=int)


def _number(name: str, default, *, minimum, kind=float):
    """A numeric setting, or one start-up line naming the variable instead of a traceback."""
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = kind(text.strip())
    except ValueError:
        value = None
    if value is None or not value >= minimum or value in (float("inf"),):
        what = "a whole number" if kind is int else "a number"
        raise SystemExit(f"Cannot start: {name} must be {what} of at least {minimum}, not {text!r}.")
    return value


def _min_group() -> int:
    text = os.environ.get("ANONYMOUS_MIN_GROUP")
    if text is None or not text.strip():
        return DEFAULT_MIN_GROUP
    try:
        return checked_min_group(text)
    except ValueError as exc:
        raise SystemExit(f"Cannot start: ANONYMOUS_MIN_GROUP {exc}.") from None


def _normalise_db_url(url: str) -> str:
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3 named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


def _create_sqlite_file_privately(url: str) -> None:
    # SQLite would create the file (and its -wal and -shm files, which copy its
    # mode) readable by everyone on the machine; it holds names and answers.
    if not url.startswith("sqlite:///") or ":memory:" in url:
        return
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    if path.name and not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _development_key(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
