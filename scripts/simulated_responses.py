"""Write simulated completed responses as JSON Lines for `flask import-responses`:
respondents from the simulation models of assessment/simulation/ (mostly honest,
a few careless types), half in Swedish, all consenting, with external ids, each
marked "simulated": imported, they count in nothing people are shown
(`flask item-analysis --simulated` analyses them on their own).

    .venv/bin/python scripts/simulated_responses.py --n 400 --seed 7 > simulated.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment.bank import InstrumentBank
from assessment.simulation.models import MODELS
from assessment.simulation.population import Population
from assessment.simulation.respondents import RESPONDENT_TYPES, USES_NOT_APPLICABLE

# Share of each respondent type in the written file.
MIX = {"honest": 0.88, "uniform_random": 0.03, "straight_lining": 0.03, "rushed": 0.03, "acquiescent": 0.03}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--version", help="instrument version, e.g. 2 (default: the current one)")
    parser.add_argument("--model", default="main", choices=sorted(MODELS))
    args = parser.parse_args()
    bank = InstrumentBank.load(Path(__file__).resolve().parent.parent / "questions")
    instrument = bank.get(bank.current.id, args.version.removeprefix("v")) if args.version else bank.current
    model = MODELS[args.model]
    rng = np.random.default_rng(args.seed)
    pop = Population.build(instrument, model, rng)
    page_sizes = [len(page) for page in instrument.pages]
    items = {item.id: item for item in instrument.items}
    start = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
    counts = {t: int(round(share * args.n)) for t, share in MIX.items()}
    counts["honest"] += args.n - sum(counts.values())
    number = 0
    for type_id, count in counts.items():
        sample = RESPONDENT_TYPES[type_id][1](pop, count, rng)
        na = None
        if instrument.offers_not_applicable and type_id in USES_NOT_APPLICABLE:
            # Only where the item bank offers "does not apply" (v2: not on the lie-scale items,
            # which `import-responses` refuses with "na").
            offered = np.array([items[item_id].offers_not_applicable for item_id in pop.item_ids])
            na = (rng.random(sample.raw.shape) < model.not_applicable_rate) & offered
        for k in range(count):
            answers = {
                item_id: ("na" if na is not None and na[k, j] else int(sample.raw[k, j]))
                for j, item_id in enumerate(pop.item_ids)
            }
            line = {
                "language": "sv" if rng.random() < 0.5 else "en",
                "answers": answers,
                "seconds_per_page": [round(float(s) * size, 1) for s, size in zip(sample.seconds[k], page_sizes)],
                "research_consent": True,
                "completed_at": (start + timedelta(minutes=17 * number)).isoformat().replace("+00:00", "Z"),
                "external_id": f"sim-{args.seed}-{number}",
                # Never evidence about people: such responses count in no reliability and no norm.
                "simulated": True,
            }
            print(json.dumps(line))
            number += 1


if __name__ == "__main__":
    main()
