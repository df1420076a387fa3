"""Database models (SQLAlchemy 2.0, typed). A response is one person's run
through the questionnaire; its answers and page timings hang off it and go
with it when it is deleted."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    select,
)
from sqlalchemy import false as sa_false
from sqlalchemy import func as sa_func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment import MAX_RESPONDENT_NAME
from services.db import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A moment stored in UTC and read back timezone-aware in UTC from every database: SQLite
    gives naive UTC back, psycopg answers in the server's TimeZone, and comparing naive
    with aware raises."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.astimezone(timezone.utc) if value is not None and value.tzinfo else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # psycopg gives PostgreSQL's answer in the server's TimeZone setting, e.g. +01:00
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def render_migration_item(type_: str, obj, autogen_context):
    """Alembic autogenerate (migrations/env.py): a UTCDateTime column is written into a new
    migration as what it stores, a timezone-aware DateTime; written as itself, the migration
    would name `services.models.UTCDateTime` without importing it."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def new_token() -> str:
    """A private link token: 256 random bits."""
    return secrets.token_urlsafe(32)


# A paper form's token is typed from a printed slip: 20 characters of an alphabet without
# look-alikes (no 0/O, 1/I), 100 random bits – unguessable, and short enough to type as
# four groups of five (the slip's /p/ link; normalise_paper_code reads it back).
PAPER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PAPER_TOKEN_LENGTH = 20


def new_paper_token() -> str:
    return "".join(secrets.choice(PAPER_ALPHABET) for _ in range(PAPER_TOKEN_LENGTH))


def grouped_paper_code(token: str) -> str:
    return "-".join(token[i:i + 5] for i in range(0, len(token), 5))


def normalise_paper_code(text: str) -> str | None:
    """The token of a slip's code as typed (any case, spaces or dashes), or None if it cannot be one."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != PAPER_TOKEN_LENGTH or any(c not in PAPER_ALPHABET for c in code):
        return None
    return code


def hash_token(token: str) -> str:
    # Only the hash is stored, so a copy of the database does not open anyone's results.
    return hashlib.sha256(token.encode()).hexdigest()


class Coach(UserMixin, db.Model):
    __tablename__ = "coaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every session's id: raising it (logout, new password) ends all
    # sessions made before, including copies of the cookie.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="coach", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"


class CoachPasswordReset(db.Model):
    """A password-reset link sent to a coach (services/password_resets.py): only the
    token's hash is kept; the row is deleted when it is used, and it works for
    RESET_MINUTES after it was made."""

    __tablename__ = "coach_password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5))
    privacy_mode: Mapped[str] = mapped_column(String(10))  # anonymous | named
    join_code: Mapped[str] = mapped_column(String(6), unique=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Anonymous workshops: the team totals last released to the coach (a
    # TeamRelease as JSON) and the completion time of the latest response in it.
    team_release: Mapped[str | None] = mapped_column(Text)
    team_released_through: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A follow-up session: the team view compares it with this earlier workshop.
    follow_up_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="SET NULL"), index=True
    )

    coach: Mapped[Coach] = relationship(back_populates="workshops")
    responses: Mapped[list[Response]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def named(self) -> bool:
        return self.privacy_mode == "named"


class WorkshopFacilitator(db.Model):
    """Another coach account a workshop is shared with (a co-facilitator): it passes the same
    gate as the owner (services/workshops.py workshop_for) except for deleting the workshop
    and sharing it on."""

    __tablename__ = "workshop_facilitators"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Response(db.Model):
    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    respondent_name: Mapped[str | None] = mapped_column(String(MAX_RESPONDENT_NAME))
    # web | paper | import | simulated (SIMULATED: made by a model, never evidence about people)
    source: Mapped[str] = mapped_column(String(10), default="web")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    share_with_coach: Mapped[bool] = mapped_column(Boolean, default=False)
    # "Let my answers be used, without my name, to check and improve the
    # questionnaire": unticked unless the person ticks it; changeable until deletion.
    research_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # An imported response's id in the file it came from; importing it again changes nothing.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    # The coarse client bucket it was started from (services/evidence.py): caps what one
    # client contributes to the reliability and the norms. Never the address.
    client_bucket: Mapped[str | None] = mapped_column(String(8))

    workshop: Mapped[Workshop | None] = relationship(back_populates="responses")
    answers: Mapped[list[Answer]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Answer.item_id"
    )
    page_timings: Mapped[list[PageTiming]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PageTiming.page"
    )

    @classmethod
    def by_token(cls, token: str) -> Response | None:
        if not token or len(token) > 100:
            return None
        return db.session.scalar(select(cls).where(cls.token_hash == hash_token(token)))


# The source of responses imported with "simulated": true (scripts/simulated_responses.py).
# They can be analysed on their own (flask item-analysis --simulated) but never count:
# no reliability behind a person's interval and no norm rests on them.
SIMULATED = "simulated"

# "Does not apply to me" (answers files: "na") is stored as an answer row with
# this value: an answer of its own, not a missing one, and outside 1–5.
NOT_APPLICABLE_VALUE = 0


class Answer(db.Model):
    __tablename__ = "answers"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)


class PageTiming(db.Model):
    __tablename__ = "page_timings"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class ReportJob(db.Model):
    """A batch of PDFs rendered in the background (e.g. a workshop's ZIP)."""

    __tablename__ = "report_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued|running|done|failed|expired
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The heartbeat: set at every step, so a job whose process died shows as lost;
    # for a finished ZIP, when it was made (it expires ZIP_RETENTION_HOURS later).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)


class PlanRow(db.Model):
    """A person's follow-up plan as stored: if-then actions and a follow-up date
    (assessment.followup.Plan is the plan itself; services.followup.plans.as_plan makes it)."""

    __tablename__ = "plans"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    follow_up_on: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # the calendar event's SEQUENCE
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Confirmation e-mails this plan has caused (one per new reminder address): capped, so a
    # profile cannot be used to mail strangers (services/followup/confirmations.py).
    confirmation_mails: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    actions: Mapped[list[PlanActionRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PlanActionRow.position"
    )


class PlanActionRow(db.Model):
    __tablename__ = "plan_actions"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("plans.response_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    scale_id: Mapped[str | None] = mapped_column(String(40))
    situation: Mapped[str] = mapped_column(String(300))
    step: Mapped[str] = mapped_column(String(300))
    done: Mapped[bool | None] = mapped_column(Boolean)  # "did you do it?", ticked at the follow-up


class ConfirmableAddress:
    """An e-mail address confirmed by double opt-in (services/followup/confirmations.py):
    until its owner opens the confirmation link, the address gets the fixed confirmation
    e-mail and nothing else, and `flask purge` deletes it CONFIRM_DAYS after it was given."""

    email: Mapped[str] = mapped_column(String(254))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=sa_func.now())
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reminder(ConfirmableAddress, db.Model):
    """One e-mail reminder on the follow-up date, to a confirmed address. The row, and
    with it the address, is deleted as soon as the reminder has been sent."""

    __tablename__ = "reminders"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(5))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # A run claims a reminder before sending it, so two runs never send one twice.
    claimed_by: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class LinkMail(ConfirmableAddress, db.Model):
    """"E-mail me my link" (services/link_mail.py): an address that gets the private link once
    its owner has confirmed it. The link is stored only sealed with the confirmation link's
    token (of which only the hash is stored), so the database alone cannot open it; the row,
    and with it the address, is deleted as soon as the link has been sent."""

    __tablename__ = "link_mails"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(5))
    sealed_link: Mapped[str | None] = mapped_column(String(200))
    # Confirmation e-mails this response has caused: capped (services/link_mail.py).
    confirmation_mails: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RetakeLink(db.Model):
    """A link that only starts a retake of a response (sent in reminder e-mails,
    whose sender never holds the private link itself, and carried by calendar events).
    created_at is when its RETAKE_LINK_DAYS begin: when a reminder sent it, or the
    follow-up day for a calendar event's link (services/followup/calendar_retake_links.py)."""

    __tablename__ = "retake_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Retake(db.Model):
    """A response that retakes an earlier one of the same person."""

    __tablename__ = "retakes"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    previous_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    # Started from a link that does not open the earlier take (the reminder's retake-only link,
    # a follow-up code): this take may show the earlier one but never change or delete it.
    by_link: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class ItemAnalysis(db.Model):
    """A cached run of `flask item-analysis` (JSON), for the measurement page and
    the data-based reliability. Aggregates only: nothing about one person."""

    __tablename__ = "item_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(5))  # None: all languages
    n: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result: Mapped[str] = mapped_column(Text)
    # A candidate until an operator accepts it (flask accept-evidence); only accepted runs are shown or used.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NormTable(db.Model):
    """A frozen norm table: percentiles per scale for one version and language."""

    __tablename__ = "norm_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    n: Mapped[int] = mapped_column(Integer)
    frozen_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    table: Mapped[str] = mapped_column(Text)
    # A candidate until an operator accepts it (flask accept-evidence); only accepted tables are used.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
