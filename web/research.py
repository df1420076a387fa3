"""What the instrument learns from its own answers: which responses count
(consenting and completed), the cached item analysis, the data-based
reliability behind score intervals, and frozen norm tables.

Only aggregates leave this module; nothing about fewer than MIN_N people."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import func, select

from assessment import AnswerSet, Instrument, score_answers
from assessment.answers import seconds_per_item
from assessment.item_analysis import MIN_N, analyse
from assessment.norms import NormPosition

from .extensions import db
from .models import NOT_APPLICABLE_VALUE, SIMULATED, Answer, ItemAnalysis, NormTable, PageTiming, Response

# Reliability from the data replaces the provisional value from this many
# consenting, completed responses of a version on (all languages together).
DATA_RELIABILITY_MIN_N = 200
# A norm table needs this many unflagged consenting responses in one language.
NORMS_MIN_N = 300


def _counted(instrument: Instrument, language: str | None, *, simulated: bool = False) -> list:
    """Which responses count: consenting, completed, of this version (and language), and
    made by people. With simulated=True: the simulated ones instead, which never count
    (no person stands behind them, so there is no consent to ask for)."""
    people = [Response.source != SIMULATED, Response.research_consent.is_(True)]
    conditions = [
        *([Response.source == SIMULATED] if simulated else people),
        Response.completed_at.is_not(None),
        Response.instrument_id == instrument.id,
        Response.instrument_version == instrument.version,
    ]
    return conditions + ([Response.language == language] if language else [])


def counted_responses(instrument: Instrument, language: str | None = None, *, simulated: bool = False):
    """The responses that count: consenting, completed, of this version, not simulated
    (with simulated=True: the simulated ones, to try the analysis on)."""
    return db.session.scalars(
        select(Response).where(*_counted(instrument, language, simulated=simulated)).order_by(Response.id)
    ).all()


def counted_n(instrument: Instrument, language: str | None = None) -> int:
    return db.session.scalar(select(func.count(Response.id)).where(*_counted(instrument, language)))


def answer_sets_of(instrument: Instrument, responses) -> list[AnswerSet]:
    """Answer sets of many responses in two queries; without names."""
    ids = [r.id for r in responses]
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    timings: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for response_id, item_id, value in db.session.execute(
            select(Answer.response_id, Answer.item_id, Answer.value).where(Answer.response_id.in_(chunk))
        ):
            answers[response_id][item_id] = value
        for response_id, page, seconds in db.session.execute(
            select(PageTiming.response_id, PageTiming.page, PageTiming.seconds).where(PageTiming.response_id.in_(chunk))
        ):
            timings[response_id].append((page, seconds))
    return [
        AnswerSet(
            r.language,
            {k: v for k, v in answers[r.id].items() if v != NOT_APPLICABLE_VALUE},
            None,
            seconds_per_item(instrument, timings[r.id]),
            not_applicable=frozenset(k for k, v in answers[r.id].items() if v == NOT_APPLICABLE_VALUE),
        )
        for r in responses
    ]


def run_item_analysis(
    instrument: Instrument, language: str | None = None, *, resamples: int = 1000, store: bool = True,
    simulated: bool = False,
) -> dict[str, Any]:
    """The item analysis of the responses that count, stored for the measurement page and
    the score intervals. Of the simulated responses instead: the same figures, never stored."""
    responses = counted_responses(instrument, language, simulated=simulated)
    now = datetime.now(timezone.utc)
    result = analyse(
        instrument, answer_sets_of(instrument, responses), computed_at=now, language=language, resamples=resamples
    )
    result["norms"] = norms_summary(instrument)
    result["simulated"] = simulated
    if store and not simulated:
        db.session.add(
            ItemAnalysis(
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                language=language,
                n=result["n"],
                computed_at=now,
                result=json.dumps(result),
            )
        )
        db.session.commit()
    return result


def latest_item_analysis(instrument: Instrument, language: str | None = None) -> dict[str, Any] | None:
    row = db.session.scalar(
        select(ItemAnalysis)
        .where(
            ItemAnalysis.instrument_id == instrument.id,
            ItemAnalysis.instrument_version == instrument.version,
            ItemAnalysis.language.is_(None) if language is None else ItemAnalysis.language == language,
        )
        .order_by(ItemAnalysis.computed_at.desc(), ItemAnalysis.id.desc())
        .limit(1)
    )
    return json.loads(row.result) if row else None


def data_reliabilities(instrument: Instrument) -> dict[str, Any]:
    """Per scale, the reliability estimated from stored answers once the cached
    analysis of this version rests on at least DATA_RELIABILITY_MIN_N responses;
    empty before that, and the provisional values apply."""
    from assessment.reliability import Reliability

    analysis = latest_item_analysis(instrument)
    if not analysis or analysis["n"] < DATA_RELIABILITY_MIN_N:
        return {}
    computed_on = datetime.fromisoformat(analysis["computed_at"]).date()
    reliabilities = {}
    for scale in analysis["scales"]:
        alpha, sd = scale["alpha"]["value"], scale["sd"]
        if scale["n"] >= DATA_RELIABILITY_MIN_N and alpha is not None and 0 < alpha < 1 and sd:
            reliabilities[scale["id"]] = Reliability(
                value=alpha, sd=sd, source="data", n=scale["n"], computed_on=computed_on
            )
    return reliabilities


class NormsRefused(Exception):
    def __init__(self, n: int):
        super().__init__(f"not enough data for norms: N = {n}, {NORMS_MIN_N} needed")
        self.n = n


def freeze_norms(instrument: Instrument, language: str, *, today: date | None = None) -> NormTable:
    """Write a dated norm table for one version and language from the consenting,
    completed, unflagged responses; refuse below NORMS_MIN_N."""
    responses = counted_responses(instrument, language)
    profiles = [score_answers(instrument, a) for a in answer_sets_of(instrument, responses)]
    unflagged = [p for p in profiles if not p.flags]
    if len(unflagged) < NORMS_MIN_N:
        raise NormsRefused(len(unflagged))
    scales = {}
    for scale in instrument.scales:
        scores = [p.scales[scale.id].score for p in unflagged if p.scales[scale.id].score is not None]
        scales[scale.id] = {
            "n": len(scores),
            # percent of the norm group with a lower shown score, for each whole score 0–100
            "percent_below": [round(100 * sum(1 for s in scores if s < t) / len(scores)) for t in range(101)],
        }
    table = NormTable(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        language=language,
        n=len(unflagged),
        frozen_on=today or date.today(),
        table=json.dumps({"scales": scales, "excludes": "responses with any validity flag"}),
    )
    db.session.add(table)
    db.session.commit()
    return table


def norm_table(instrument_id: str, version: str, language: str) -> NormTable | None:
    """The newest frozen table of exactly this version and language."""
    return db.session.scalar(
        select(NormTable)
        .where(
            NormTable.instrument_id == instrument_id,
            NormTable.instrument_version == version,
            NormTable.language == language,
        )
        .order_by(NormTable.frozen_on.desc(), NormTable.id.desc())
        .limit(1)
    )


def percent_below(table: NormTable, scale_id: str, score: float | None) -> int | None:
    entry = json.loads(table.table)["scales"].get(scale_id)
    if score is None or not entry or entry["n"] < MIN_N:
        return None
    return entry["percent_below"][max(0, min(100, math.ceil(score)))]


def norm_positions(response: Response, profile) -> dict[str, NormPosition]:
    """Percentiles beside the scores, only from a frozen table of this very
    version and the language the person answered in; empty without one."""
    table = norm_table(response.instrument_id, response.instrument_version, response.language)
    if table is None:
        return {}
    positions = {}
    for scale_id, result in profile.scales.items():
        below = percent_below(table, scale_id, result.score)
        if below is not None:
            positions[scale_id] = NormPosition(below, table.n, table.language, table.frozen_on)
    return positions


def norms_summary(instrument: Instrument) -> dict[str, Any]:
    return {
        language: (
            {"n": t.n, "frozen_on": t.frozen_on.isoformat()}
            if (t := norm_table(instrument.id, instrument.version, language))
            else None
        )
        for language in instrument.languages
    }
