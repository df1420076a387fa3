"""What the instrument learns from its own answers: which responses count
(consenting and completed), the cached item analysis, the data-based
reliability behind score intervals, and frozen norm tables.

Only aggregates leave this module; nothing about fewer than MIN_N people."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from assessment import AnswerSet, Instrument, score_answers
from assessment.answers import seconds_per_item
from assessment.norms import NormPosition
from assessment.reliability import MIN_N, Reliability
from services import evidence
from services.db import db
from services.models import (
    SIMULATED,
    ItemAnalysis,
    NormTable,
    Response,
    Retake,
)
from services.stored_answers import answer_set, stored_answers_of

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
    # One take per person: a response retaken by a completed response of the same version is
    # left out, so a chain of retakes counts once, with its latest take.
    later = aliased(Response)
    retaken = (
        select(Retake.previous_id)
        .join(later, later.id == Retake.response_id)
        .where(later.completed_at.is_not(None), later.instrument_id == instrument.id,
               later.instrument_version == instrument.version)
    )
    conditions = [
        *([Response.source == SIMULATED] if simulated else people),
        Response.completed_at.is_not(None),
        Response.instrument_id == instrument.id,
        Response.instrument_version == instrument.version,
        Response.id.not_in(retaken),
    ]
    return conditions + ([Response.language == language] if language else [])


def counted_responses(instrument: Instrument, language: str | None = None, *, simulated: bool = False):
    """The responses that count: consenting, completed, of this version, not simulated
    (with simulated=True: the simulated ones, to try the analysis on)."""
    return db.session.scalars(
        select(Response).where(*_counted(instrument, language, simulated=simulated)).order_by(Response.id)
    ).all()


def answer_sets_of(instrument: Instrument, responses) -> list[AnswerSet]:
    """Answer sets of many responses; without names."""
    answers, timings = stored_answers_of(r.id for r in responses)
    return [answer_set(r.language, answers[r.id], None, seconds_per_item(instrument, timings[r.id])) for r in responses]


def evidence_selection(instrument: Instrument, language: str | None = None, *, simulated: bool = False):
    """The responses that count, less the flagged, the near-duplicates and each client's share
    beyond its cap (services/evidence.py), with their provenance."""
    responses = counted_responses(instrument, language, simulated=simulated)
    if simulated:  # a trial of the analysis, shown to nobody: every simulated response, as it was made
        return evidence.Selection(list(responses), answer_sets_of(instrument, responses))
    return evidence.select(instrument, list(responses), answer_sets_of(instrument, responses))


def latest_item_analysis(instrument: Instrument, language: str | None = None) -> dict[str, Any] | None:
    row = db.session.scalar(
        select(ItemAnalysis)
        .where(
            ItemAnalysis.instrument_id == instrument.id,
            ItemAnalysis.instrument_version == instrument.version,
            ItemAnalysis.language.is_(None) if language is None else ItemAnalysis.language == language,
            ItemAnalysis.accepted_at.is_not(None),
        )
        .order_by(ItemAnalysis.accepted_at.desc(), ItemAnalysis.id.desc())
        .limit(1)
    )
    return json.loads(row.result) if row else None


def data_reliabilities(instrument: Instrument) -> dict[str, Any]:
    """Per scale, the reliability estimated from stored answers once the cached
    analysis of this version rests on at least DATA_RELIABILITY_MIN_N responses;
    empty before that, and the provisional values apply."""
    analysis = latest_item_analysis(instrument)
    if not analysis or analysis["n"] < DATA_RELIABILITY_MIN_N:
        return {}
    computed_on = datetime.fromisoformat(analysis["computed_at"]).date()
    reliabilities = {}
    # Without flagged responses: careless answering inflates the score SD and so the SEM.
    clean = analysis.get("excluding_flagged") or {}
    for scale in clean.get("scales") or analysis["scales"]:
        alpha, sd = scale["alpha"]["value"], scale["sd"]
        if scale["n"] >= DATA_RELIABILITY_MIN_N and alpha is not None and 0 < alpha < 1 and sd:
            reliabilities[scale["id"]] = Reliability(
                value=alpha, sd=sd, source="data", n=scale["n"], computed_on=computed_on
            )
    return reliabilities


class NormsRefused(Exception):
    """Too few responses for norms: `n` found, `needed` the threshold that refused them."""

    def __init__(self, n: int, needed: int):
        super().__init__(f"not enough data for norms: N = {n}, {needed} needed")
        self.n, self.needed = n, needed


def freeze_norms(instrument: Instrument, language: str, *, today: date | None = None) -> NormTable:
    """Write a dated candidate norm table for one version and language from the selected
    (consenting, completed, unflagged, capped, deduplicated) responses; refuse below NORMS_MIN_N.
    It is used once an operator accepts it."""
    selection = evidence_selection(instrument, language)
    unflagged = [score_answers(instrument, a) for a in selection.answer_sets]
    if len(unflagged) < NORMS_MIN_N:
        raise NormsRefused(len(unflagged), NORMS_MIN_N)
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
        table=json.dumps({"scales": scales, "excludes": "responses with any validity flag, near-duplicates and "
                          "each client's responses beyond its cap", "provenance": selection.provenance()}),
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
            NormTable.accepted_at.is_not(None),
        )
        .order_by(NormTable.accepted_at.desc(), NormTable.id.desc())
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


# --- candidates and their acceptance (issue 25, F3) ----------------------------------------

KINDS = {"item-analysis": ItemAnalysis, "norms": NormTable}
# A new publication needs N to have moved this far from the published one (see accept).
PUBLISH_STEP = 50


class NoSuchCandidate(LookupError):
    pass


def candidate(kind: str, candidate_id: int):
    row = db.session.get(KINDS[kind], candidate_id)
    if row is None:
        raise NoSuchCandidate(f"there is no {kind} #{candidate_id}")
    return row


def provenance_of(kind: str, row) -> dict[str, Any]:
    data = json.loads(row.result if kind == "item-analysis" else row.table)
    return data.get("provenance") or {}


def published_like(kind: str, row):
    """What is published now for the same version (and language) as this candidate, if anything."""
    if kind == "item-analysis":
        found = db.session.scalar(select(ItemAnalysis).where(
            ItemAnalysis.instrument_id == row.instrument_id, ItemAnalysis.instrument_version == row.instrument_version,
            ItemAnalysis.language.is_(None) if row.language is None else ItemAnalysis.language == row.language,
            ItemAnalysis.accepted_at.is_not(None)).order_by(ItemAnalysis.accepted_at.desc(), ItemAnalysis.id.desc()).limit(1))
    else:
        found = norm_table(row.instrument_id, row.instrument_version, row.language)
    return found if found is not None and found.id != row.id else None


def change_from_published(kind: str, row) -> list[str]:
    """Lines saying what accepting the candidate would change."""
    published = published_like(kind, row)
    if published is None:
        return [f"nothing is published for {row.instrument_id} {row.instrument_version}"
                f"{' in ' + row.language if row.language else ''}: this would be the first (N = {row.n})"]
    lines = [f"N: {published.n} → {row.n}"]
    if kind == "item-analysis":
        before = {s["id"]: s["alpha"]["value"] for s in json.loads(published.result)["scales"]}
        after = {s["id"]: s["alpha"]["value"] for s in json.loads(row.result)["scales"]}
        for scale_id, value in after.items():
            old = before.get(scale_id)
            lines.append(f"alpha {scale_id}: {_two(old)} → {_two(value)}")
    else:
        before, after = json.loads(published.table)["scales"], json.loads(row.table)["scales"]
        for scale_id, entry in after.items():
            old = before.get(scale_id, {}).get("percent_below")
            if old:
                moved = max(abs(a - b) for a, b in zip(entry["percent_below"], old))
                lines.append(f"percentiles {scale_id}: move by up to {moved} points")
    return lines


def _two(value) -> str:
    return "–" if value is None else f"{value:.2f}"


class StepTooSmall(ValueError):
    pass


def accept(kind: str, candidate_id: int):
    """Publish a candidate: from now on the measurement page, the score intervals or the
    percentiles use it. Refused (StepTooSmall) unless its N differs from what is published
    by at least PUBLISH_STEP: two publications then differ by many people, so comparing them
    gives back no single person's answers (issue 25, F9)."""
    row = candidate(kind, candidate_id)
    published = published_like(kind, row)
    # A published analysis of fewer than MIN_N people shows no figure: nothing to compare with.
    shows_figures = published is not None and (kind == "norms" or published.n >= MIN_N)
    if row.accepted_at is None and shows_figures and abs(row.n - published.n) < PUBLISH_STEP:
        raise StepTooSmall(
            f"{kind} #{candidate_id} rests on N = {row.n}, the published one on N = {published.n}: a new "
            f"publication needs N to have changed by at least {PUBLISH_STEP}, so that comparing the two "
            "gives back no single person's answers")
    if row.accepted_at is None:
        row.accepted_at = datetime.now(timezone.utc)
        db.session.commit()
    return row
