"""Bulk import of completed responses (JSON Lines), e.g. paper data kept
elsewhere or a study's data. Every line is checked before anything is written;
an external_id already in the database is skipped, so importing a file twice
adds nothing. Names are not stored: an imported response has no private link
and serves only the questionnaire's figures."""

from __future__ import annotations

import json
import reprlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from assessment import AnswersError, AnswerSet, Instrument, parse_answers
from assessment.answers import NOT_APPLICABLE, load_json
from services.db import db
from services.models import SIMULATED, PageTiming, Response, hash_token, new_token
from services.responses import save_answers

EXTRA_FIELDS = ("research_consent", "completed_at", "external_id", "simulated")
MAX_EXTERNAL_ID = 100
MAX_LINE = 100_000  # characters: a response is a few hundred
# Nothing was answered before this: an older completed_at is a mistake (year 1 overflows UTC).
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)


EARLIEST_TEXT = EARLIEST.date().isoformat()


_shown = reprlib.Repr()
_shown.maxstring = 40


def _short(value) -> str:
    """A value as a one-line message may show it: quoted, escaped (a lone surrogate too), shortened."""
    return _shown.repr(value).encode("ascii", "backslashreplace").decode()


class ImportError_(ValueError):
    """A line that cannot be imported; the message starts with its line number."""


@dataclass(frozen=True)
class ImportRow:
    line: int
    answer_set: AnswerSet
    research_consent: bool
    completed_at: datetime
    external_id: str | None
    simulated: bool = False


def _completed_at(value, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise AnswersError("'completed_at' must be a date and time as text, e.g. \"2026-11-02T14:30:00Z\"")
    shown = _short(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise AnswersError(f"'completed_at' {shown} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        raise AnswersError(f"'completed_at' {shown} is before {EARLIEST_TEXT}") from None
    if moment < EARLIEST:
        raise AnswersError(f"'completed_at' {shown} is before {EARLIEST_TEXT}")
    if moment > now:
        raise AnswersError(f"'completed_at' {shown} lies in the future")
    return moment


def parse_line(instrument: Instrument, number: int, text: str, now: datetime) -> ImportRow:
    """One line, or ImportError_ naming the line and the problem: whatever the line holds."""
    try:
        return _parse_line(instrument, number, text, now)
    except ImportError_:
        raise
    except Exception as exc:  # a hostile line gets its one line, never a traceback
        raise ImportError_(f"line {number}: cannot be read ({type(exc).__name__})") from None


def _parse_line(instrument: Instrument, number: int, text: str, now: datetime) -> ImportRow:
    if len(text) > MAX_LINE:
        raise ImportError_(f"line {number}: longer than {MAX_LINE:,} characters".replace(",", " "))
    try:
        # The answers files' hardened reader: deep nesting, huge numbers, NaN, lone surrogates.
        data = load_json(text)
    except AnswersError as exc:
        raise ImportError_(f"line {number}: {exc}") from None
    if not isinstance(data, dict):
        raise ImportError_(f"line {number}: must be a JSON object")
    extras = {key: data.pop(key) for key in EXTRA_FIELDS if key in data}
    try:
        answer_set = parse_answers(instrument, json.dumps(data))
        if not answer_set.answers:
            raise AnswersError("no answers")
        consent = extras.get("research_consent", False)
        if not isinstance(consent, bool):
            raise AnswersError("'research_consent' must be true or false")
        simulated = extras.get("simulated", False)
        if not isinstance(simulated, bool):
            raise AnswersError("'simulated' must be true or false")
        completed_at = _completed_at(extras["completed_at"], now) if "completed_at" in extras else now
        external_id = extras.get("external_id")
        if external_id is not None and (
            not isinstance(external_id, str) or not external_id.strip() or len(external_id) > MAX_EXTERNAL_ID
        ):
            raise AnswersError(f"'external_id' must be text of 1–{MAX_EXTERNAL_ID} characters")
        if external_id is not None and any(unicodedata.category(c) in ("Cc", "Cs") for c in external_id):
            # PostgreSQL stores no NUL in text; no id needs a control character.
            raise AnswersError("'external_id' holds a control character (e.g. NUL)")
    except AnswersError as exc:
        raise ImportError_(f"line {number}: {exc}") from None
    return ImportRow(number, answer_set, consent, completed_at, external_id.strip() if external_id else None, simulated)


def read_import(instrument: Instrument, text: str) -> list[ImportRow]:
    """Check every line; raise ImportError_ naming the first bad one."""
    now = datetime.now(timezone.utc)
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    # JSON Lines ends a line at \n only: U+2028, U+0085 and the like are characters inside
    # JSON strings (str.splitlines would cut a valid line there).
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        row = parse_line(instrument, number, line, now)
        if row.external_id is not None:
            if row.external_id in seen:
                raise ImportError_(
                    f"line {number}: external_id {row.external_id!r} already appears on line {seen[row.external_id]}"
                )
            seen[row.external_id] = number
        rows.append(row)
    if not rows:
        raise ImportError_("the file has no responses")
    return rows


def import_rows(instrument: Instrument, rows: list[ImportRow]) -> tuple[int, int]:
    """Write the rows in one transaction; returns (imported, skipped as already imported)."""
    ids = [r.external_id for r in rows if r.external_id]
    existing = set()
    for start in range(0, len(ids), 500):
        existing |= set(
            db.session.scalars(select(Response.external_id).where(Response.external_id.in_(ids[start:start + 500])))
        )
    imported = 0
    for row in rows:
        if row.external_id in existing:
            continue
        response = Response(
            token_hash=hash_token(new_token()),  # nobody holds the token: no private link
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            language=row.answer_set.language,
            source=SIMULATED if row.simulated else "import",
            research_consent=row.research_consent,
            external_id=row.external_id,
            created_at=row.completed_at,
        )
        db.session.add(response)
        try:
            db.session.flush()
        except SQLAlchemyError as exc:
            db.session.rollback()  # nothing of the file stays
            raise ImportError_(f"line {row.line}: the database refused it ({type(exc.orig or exc).__name__})") from None
        save_answers(
            response, {**row.answer_set.answers, **{i: NOT_APPLICABLE for i in row.answer_set.not_applicable}}
        )
        response.completed_at = row.completed_at  # last: a completed response is final
        seconds = row.answer_set.item_seconds  # per item: one figure, or one per page
        if seconds:
            for page, items in enumerate(instrument.pages, 1):
                per_item = seconds[page - 1] if len(seconds) == len(instrument.pages) else seconds[0]
                db.session.add(PageTiming(response_id=response.id, page=page, seconds=per_item * len(items)))
        imported += 1
    db.session.commit()
    return imported, len(rows) - imported
