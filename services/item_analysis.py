"""The item analysis of the stored answers that count (services/research.py chooses
them), kept as a candidate that the measurement page and the score intervals use once an
operator accepts it (`flask accept-evidence`).

Apart from services/research.py, which every web process imports, because the statistics
need scipy (assessment/psychometrics.py: ~0.7 s of start-up, ~30 MiB): only the
`item-analysis` command (cli/research.py) imports this module."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from assessment import Instrument
from assessment.item_analysis import analyse
from services.db import db
from services.models import ItemAnalysis
from services.research import evidence_selection, norms_summary


def run_item_analysis(
    instrument: Instrument, language: str | None = None, *, resamples: int = 1000, store: bool = True,
    simulated: bool = False,
) -> dict[str, Any]:
    """The item analysis of the selected responses, stored as a candidate (result["candidate_id"])
    that the measurement page and the score intervals use once an operator accepts it. Of the
    simulated responses instead: the same figures, never stored."""
    selection = evidence_selection(instrument, language, simulated=simulated)
    now = datetime.now(timezone.utc)
    result = analyse(instrument, selection.answer_sets, computed_at=now, language=language, resamples=resamples)
    result["norms"] = norms_summary(instrument)
    result["simulated"] = simulated
    result["provenance"] = selection.provenance()
    if store and not simulated:
        row = ItemAnalysis(
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            language=language,
            n=result["n"],
            computed_at=now,
            result=json.dumps(result),
        )
        db.session.add(row)
        db.session.commit()
        result["candidate_id"] = row.id
    return result
