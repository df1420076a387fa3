"""Stored answers read back: the one loader for many responses' answers and page
times (profiles for a team, answer sets for the item analysis), and what the
domain makes of them. A response's own answers are read by responses.answers_of."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping

from sqlalchemy import select

from assessment import AnswerSet
from assessment.answers import NOT_APPLICABLE
from services.db import db
from services.models import NOT_APPLICABLE_VALUE, Answer, PageTiming

# Ids per query: well under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 500


def decoded(stored: int) -> int | str:
    """A stored answer as the domain has it: 1–5, or "na" for "does not apply"."""
    return NOT_APPLICABLE if stored == NOT_APPLICABLE_VALUE else stored


def stored_answers_of(response_ids: Iterable[int]
                      ) -> tuple[dict[int, dict[str, int | str]], dict[int, list[tuple[int, float]]]]:
    """Every answer and page time of these responses, by response id, two queries per CHUNK ids."""
    ids = list(response_ids)
    answers: dict[int, dict[str, int | str]] = defaultdict(dict)
    timings: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for response_id, item_id, value in db.session.execute(
            select(Answer.response_id, Answer.item_id, Answer.value).where(Answer.response_id.in_(chunk))
        ):
            answers[response_id][item_id] = decoded(value)
        for response_id, page, seconds in db.session.execute(
            select(PageTiming.response_id, PageTiming.page, PageTiming.seconds).where(PageTiming.response_id.in_(chunk))
        ):
            timings[response_id].append((page, seconds))
    return answers, timings


def answer_set(language: str, answers: Mapping[str, int | str], respondent: str | None = None,
               item_seconds: tuple[float, ...] = ()) -> AnswerSet:
    """Stored answers as the domain wants them: 1–5 answers apart from "does not apply"."""
    return AnswerSet(
        language=language,
        answers={k: v for k, v in answers.items() if v != NOT_APPLICABLE},
        respondent=respondent,
        item_seconds=item_seconds,
        not_applicable=frozenset(k for k, v in answers.items() if v == NOT_APPLICABLE),
    )
