"""Storing and scoring responses: the one place where the web layer turns
rows into an answer set for the domain, and saves what a page submitted."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assessment import Instrument, Profile, score_answers
from assessment.answers import NOT_APPLICABLE, seconds_per_item
from services.db import db
from services.instruments import instrument_bank
from services.models import (
    NOT_APPLICABLE_VALUE,
    Answer,
    PageTiming,
    Response,
    Retake,
    hash_token,
    new_paper_token,
    new_token,
)
from services.research import data_reliabilities
from services.stored_answers import answer_set, decoded, stored_answers_of

# A page left open over lunch says nothing about reading speed.
MAX_SECONDS_PER_PAGE = 15 * 60


def create_response(
    language: str,
    respondent_name: str | None = None,
    *,
    workshop_id: int | None = None,
    share_with_coach: bool = False,
    source: str = "web",
    research_consent: bool = False,
) -> tuple[Response, str]:
    """A new response on the current instrument; returns it and its private token."""
    instrument = instrument_bank().current
    # A paper form's token is printed on a slip and typed by hand (a short one, still 100 bits).
    token = new_paper_token() if source == "paper" else new_token()
    response = Response(
        token_hash=hash_token(token),
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        language=language,
        respondent_name=respondent_name or None,
        workshop_id=workshop_id,
        share_with_coach=share_with_coach,
        source=source,
        research_consent=research_consent,
    )
    db.session.add(response)
    db.session.flush()
    return response, token


def start_response(language: str, respondent_name: str | None = None, *, client_bucket: str | None = None,
                   previous: Response | None = None, by_link: bool = True, **options) -> tuple[Response, str]:
    """A new response, stored (create_response's options), with the coarse bucket of the client
    that started it (services/evidence.py). With `previous`, it is a retake of that one
    (`by_link`: named by something that does not open it, so the new one may not change or
    delete it). Commits; returns it and its private token."""
    response, token = create_response(language, respondent_name, **options)
    response.client_bucket = client_bucket
    if previous is not None:
        db.session.add(Retake(response_id=response.id, previous_id=previous.id, by_link=by_link))
    db.session.commit()
    return response, token


def set_research_consent(response: Response, consent: bool) -> None:
    """Whether the person's answers count, without their name, in the questionnaire's figures
    (services/research.py). Commits."""
    response.research_consent = consent
    db.session.commit()


def instrument_of(response: Response) -> Instrument:
    return instrument_bank().get(response.instrument_id, response.instrument_version)


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


class ResponseCompleted(Exception):
    """A completed response is final: its answers and timings no longer change."""


def _still_open(response: Response) -> None:
    if response.completed_at is not None:
        raise ResponseCompleted(response.id)


def _stored(value: int | str) -> int:
    return NOT_APPLICABLE_VALUE if value == NOT_APPLICABLE else value


def _answers_upsert(response_id: int, answers: Mapping[str, int | str]):
    rows = [{"response_id": response_id, "item_id": k, "value": _stored(v)} for k, v in answers.items()]
    statement = _insert(Answer.__table__).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["response_id", "item_id"], set_={"value": statement.excluded.value}
    )


def _page_time_upsert(response_id: int, page: int, seconds: float):
    seconds = max(0.0, min(float(seconds), MAX_SECONDS_PER_PAGE))
    statement = _insert(PageTiming.__table__).values(response_id=response_id, page=page, seconds=seconds)
    return statement.on_conflict_do_update(
        index_elements=["response_id", "page"],
        set_={"seconds": PageTiming.__table__.c.seconds + statement.excluded.seconds},
    )


def save_answers(response: Response, answers: Mapping[str, int | str]) -> None:
    """Upsert answers (1–5 or "na"): one row per item, however often a page is submitted."""
    _still_open(response)
    if not answers:
        return
    db.session.execute(_answers_upsert(response.id, answers))
    response.updated_at = datetime.now(timezone.utc)


def add_page_time(response: Response, page: int, seconds: float) -> None:
    _still_open(response)
    db.session.execute(_page_time_upsert(response.id, page, seconds))


def save_page(response: Response, page: int, answers: Mapping[str, int | str], seconds: float,
              *, switch_to: str | None = None) -> None:
    """A questionnaire page as submitted: its answers, its reading time and the response's
    last change (and language, when the page switched it), refused if the response is
    completed, also when another request completed it after this one read it (ResponseCompleted,
    nothing written). Commits.

    The three statements are built before the first one runs: on SQLite the first write
    holds the database's one write lock until the commit, and every other writer waits
    (docs/decisions/0004-sqlite-writers-wal-busy-timeout-short-transactions.md)."""
    _still_open(response)
    changes = {"updated_at": datetime.now(timezone.utc)} | ({"language": switch_to} if switch_to else {})
    open_response = (
        update(Response).where(Response.id == response.id, Response.completed_at.is_(None)).values(changes)
        .execution_options(synchronize_session=False)
    )
    writes = ([_answers_upsert(response.id, answers)] if answers else []) + [_page_time_upsert(response.id, page, seconds)]
    if db.session.execute(open_response).rowcount != 1:
        db.session.rollback()
        raise ResponseCompleted(response.id)
    for statement in writes:
        db.session.execute(statement)
    db.session.commit()


def answers_of(response: Response) -> dict[str, int | str]:
    """Every stored answer: 1–5, or "na" for "does not apply"."""
    rows = db.session.execute(
        select(Answer.item_id, Answer.value).where(Answer.response_id == response.id)
    )
    return {item_id: decoded(value) for item_id, value in rows}


def item_seconds_of(response: Response, instrument: Instrument) -> tuple[float, ...]:
    rows = db.session.execute(
        select(PageTiming.page, PageTiming.seconds).where(PageTiming.response_id == response.id)
    )
    return seconds_per_item(instrument, rows)


def missing_items(response: Response) -> list[str]:
    answered = answers_of(response)
    return [item.id for item in instrument_of(response).items if item.id not in answered]


def reliabilities_for(instrument: Instrument):
    """The data-based reliabilities once a version has enough consenting answers; else none (provisional)."""
    return data_reliabilities(instrument)


def profile_of(response: Response, language: str | None = None, answers: dict[str, int | str] | None = None) -> Profile:
    instrument = instrument_of(response)
    return score_answers(
        instrument,
        answer_set(
            language or response.language,
            answers_of(response) if answers is None else answers,
            response.respondent_name,
            item_seconds_of(response, instrument),
        ),
        reliabilities=reliabilities_for(instrument),
    )


def profiles_of(responses: list[Response], language: str) -> dict[int, Profile]:
    """Profiles of many responses with two queries in all (the team view polls this)."""
    answers, timings = stored_answers_of(r.id for r in responses)
    profiles = {}
    reliabilities = {}
    for response in responses:
        instrument = instrument_of(response)
        key = (instrument.id, instrument.version)
        if key not in reliabilities:
            reliabilities[key] = reliabilities_for(instrument)
        profiles[response.id] = score_answers(
            instrument,
            answer_set(language, answers[response.id], response.respondent_name,
                       seconds_per_item(instrument, timings[response.id])),
            reliabilities=reliabilities[key],
        )
    return profiles
