"""Candidate straight-lining rules for v3 against noisy straight-liners and honest people
(issue #26; results in bench/investigations/straight-lining-candidates.md).

The six project models are run exactly as `flask simulate --all-models --n 500 --seeds 5
--seed 12` runs them (the same respondents as the tables in questions/README.md): the
harness's `draw_sample` and `score_sample` are wrapped to keep every respondent's answers
and the engine's notes. Each candidate replaces only the straight-lining rule: a respondent
has a note under the candidate when they have another note or the candidate fires. The
independent check's honest respondents are read from files written by
`independent_respondents.py --save` and judged the same way.

A candidate is a list of tiers; it fires when any tier fires for some answer v (1–5):
v is one of the tier's answers, v is given to at least `faults` of the answered everyday
faults, the tier's scale condition holds for v, and v is given `run` or more times in a row
(a fault among them) or on at least `share` of all answers. Scale conditions: "most" – v on
more than half of the answered items of every scale (the file's rule); "no_other" – no other
answer on more than half of the answered items of any scale. The file's rule is the single
tier (faults 0.75, every answer, run 11, share 0.75 – 0.85 for "Sometimes", "most").

  .venv/bin/python bench/investigations/independent_respondents.py --variant A --n 5000 \\
      --seeds 1 2 3 --save /tmp/indep_A.jsonl          # and B
  FLASK_DEBUG=1 .venv/bin/python bench/investigations/straight_lining_candidates.py \\
      --seed 12 --seeds 5 --indep /tmp/indep_A.jsonl /tmp/indep_B.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the repo, when run as a script

import assessment.simulation.run as harness  # noqa: E402
from assessment.loader import load_instrument  # noqa: E402
from assessment.simulation.models import CALIBRATION_MODELS, HELD_OUT_MODELS, MODELS  # noqa: E402
from assessment.validity import longest_identical_run  # noqa: E402

INSTRUMENT = load_instrument(ROOT / "questions" / "v3")
SCALES = [[i.id for i in s.items] for s in INSTRUMENT.scales]
FAULTS = [i.id for i in INSTRUMENT.items if i.reverse]
NAMES = [*CALIBRATION_MODELS, *HELD_OUT_MODELS]
FILE_SHARE = (0.75, 0.75, 0.85, 0.75, 0.75)
NO_RUN = 999


def tier(faults, share=FILE_SHARE, run=11, scales="most", answers=(1, 2, 3, 4, 5)):
    return {"faults": faults, "share": share if isinstance(share, tuple) else (share,) * 5, "run": run,
            "scales": scales, "answers": answers}


FILE_RULE = [tier(0.75)]
CANDIDATES = {
    "the file's rule": FILE_RULE,
    "a: 5 of 8 faults for answers 2–5 (the brief's idea)": [tier(0.75, answers=(1,)), tier(0.625, answers=(2, 3, 4, 5))],
    "b: a, but not for 'Sometimes'": FILE_RULE + [tier(0.625, answers=(2, 4, 5))],
    "c: 5 of 8 for answers 2–5 by the share only": FILE_RULE + [tier(0.625, run=NO_RUN, answers=(2, 3, 4, 5))],
    "d: c, and for 4–5 by the run with 'no other answer on most of a scale'":
        FILE_RULE + [tier(0.625, run=NO_RUN, answers=(2, 3)), tier(0.625, scales="no_other", answers=(4, 5))],
    "e: 5 of 8 for 3–5 by a share of 0.825 only (zero everywhere)": FILE_RULE + [tier(0.625, 0.825, NO_RUN, answers=(3, 4, 5))],
    "f: 4–5 at 5 of 8 by the run, 'no other'; 'Sometimes' at 5 of 8 by a share of 0.825":
        FILE_RULE + [tier(0.625, scales="no_other", answers=(4, 5)), tier(0.625, 0.825, NO_RUN, answers=(3,))],
}


def features(answers: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(per answer v: faults with v, faults answered, longest run of v with a fault, count of v, answers),
    and the count of each answer per scale (scales × 5)."""
    per_scale = np.zeros((len(SCALES), 5), int)
    for j, ids in enumerate(SCALES):
        for i in ids:
            if i in answers:
                per_scale[j, answers[i] - 1] += 1
    reverse = [answers[f] for f in FAULTS if f in answers]
    values = list(answers.values())
    per_value = np.array([(reverse.count(v), len(reverse), longest_identical_run(INSTRUMENT, answers, only=v),
                           values.count(v), len(values)) for v in range(1, 6)], float)
    return per_value, per_scale


def scale_condition(per_scale: np.ndarray, kind: str) -> np.ndarray:
    """n × 5: for each answer v whether the scale condition holds."""
    answered = per_scale.sum(axis=2)
    out = np.ones((per_scale.shape[0], 5), bool)
    for v in range(5):
        if kind == "most":
            out[:, v] = ((2 * per_scale[:, :, v] > answered) | (answered == 0)).all(axis=1)
        else:
            others = np.delete(per_scale, v, axis=2).max(axis=2)
            out[:, v] = (2 * others <= answered).all(axis=1)
    return out


def fires(per_value: np.ndarray, per_scale: np.ndarray, tiers: list[dict]) -> np.ndarray:
    with_v, faults, run, count, n = (per_value[:, :, k] for k in range(5))
    fault_share = np.where(faults > 0, with_v / np.maximum(faults, 1), 1.0)
    hit = np.zeros(per_value.shape[0], bool)
    for t in tiers:
        ok = (fault_share >= t["faults"] - 1e-9) & scale_condition(per_scale, t["scales"]) & (
            (run >= t["run"]) | (count / n >= np.array(t["share"])[None, :] - 1e-9))
        chosen = np.zeros(5, bool)
        chosen[[v - 1 for v in t["answers"]]] = True
        hit |= (ok & chosen[None, :]).any(axis=1)
    return hit


def project_respondents(seeds: range, types: tuple[str, ...]) -> dict:
    """Per (model, seed): respondent type, features, the engine's straight_lining and other notes."""
    kept: list = []
    state = {"type": None, "pending": False}
    draw, score = harness.draw_sample, harness.score_sample

    def drawing(pop, type_id, size, rng):
        state["type"], state["pending"] = type_id, True
        return draw(pop, type_id, size, rng)

    def scoring(pop, sample, *, keep_profiles=False):
        scored = score(pop, sample, keep_profiles=keep_profiles)
        if state["pending"] and state["type"] in types:  # not the honest retest
            for k in range(len(sample.raw)):
                na = sample.not_applicable[k] if sample.not_applicable is not None else None
                answers = harness.answer_set(pop, sample.raw[k], na, ()).answers
                kept.append((state["type"], *features(dict(answers)), scored.flags[k]))
        state["pending"] = False
        return scored

    harness.draw_sample, harness.score_sample = drawing, scoring
    out = {}
    try:
        for name in NAMES:
            for seed in seeds:
                kept.clear()
                harness.simulate(INSTRUMENT, n=500, seed=seed, model=MODELS[name])
                out[(name, seed)] = {
                    "type": np.array([r[0] for r in kept]),
                    "per_value": np.array([r[1] for r in kept]),
                    "per_scale": np.array([r[2] for r in kept]),
                    "straight": np.array(["straight_lining" in r[3] for r in kept]),
                    "other": np.array([any(f != "straight_lining" for f in r[3]) for r in kept]),
                }
                print(f"  {name} seed {seed}", file=sys.stderr, flush=True)
    finally:
        harness.draw_sample, harness.score_sample = draw, score
    return out


def independent_respondents(path: str) -> dict:
    people = [json.loads(line) for line in open(path, encoding="utf-8")]
    feats = [features({k: v for k, v in p["record"]["answers"].items() if isinstance(v, int)}) for p in people]
    return {
        "per_value": np.array([f[0] for f in feats]),
        "per_scale": np.array([f[1] for f in feats]),
        "straight": np.array(["straight_lining" in p["flags"] for p in people]),
        "other": np.array([any(f != "straight_lining" for f in p["flags"]) for p in people]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--indep", nargs="*", default=[], help="files from independent_respondents.py --save")
    args = parser.parse_args()
    seeds = range(args.seed, args.seed + args.seeds)
    types = ("honest", "straight_lining_noisy", "straight_lining", "faking_good", "faking_good_3sd")
    data = project_respondents(seeds, types)
    indep = {Path(p).stem: independent_respondents(p) for p in args.indep}
    for d in [*data.values(), *indep.values()]:  # the file's rule is what the engine applied
        assert (fires(d["per_value"], d["per_scale"], FILE_RULE) == d["straight"]).all()
    print(f"Any note, % (means over seeds {seeds[0]}–{seeds[-1]}, N = 500 per type and seed); "
          f"models: {', '.join(NAMES)}; independent: {', '.join(indep)} (N = each file)\n")
    base = None
    for label, tiers in CANDIDATES.items():
        rates: dict = defaultdict(dict)
        for name in NAMES:
            per = defaultdict(list)
            for seed in seeds:
                d = data[(name, seed)]
                note = d["other"] | fires(d["per_value"], d["per_scale"], tiers)
                for t in types:
                    per[t].append(100 * note[d["type"] == t].mean())
            rates[name] = {t: (float(np.mean(v)), float(np.min(v))) for t, v in per.items()}
        for key, d in indep.items():
            note = d["other"] | fires(d["per_value"], d["per_scale"], tiers)
            rates[key] = {"honest": (100 * note.mean(), int(note.sum()))}
        base = base or rates
        print(f"{label}")
        print("| | " + " | ".join(NAMES) + " | " + " | ".join(indep) + " |")
        print("|---" * (1 + len(NAMES) + len(indep)) + "|")
        print("| noisy straight-liners (lowest seed) | " + " | ".join(
            f"{rates[m]['straight_lining_noisy'][0]:.2f} ({rates[m]['straight_lining_noisy'][1]:.1f})" for m in NAMES)
            + " |" + " – |" * len(indep))
        print("| honest (change, people) | " + " | ".join(
            f"{rates[m]['honest'][0]:.2f} ({round((rates[m]['honest'][0] - base[m]['honest'][0]) * 25):+d})" for m in NAMES)
            + " | " + " | ".join(f"{rates[k]['honest'][0]:.2f} ({rates[k]['honest'][1] - base[k]['honest'][1]:+d})"
                                  for k in indep) + " |")
        for t in ("straight_lining", "faking_good", "faking_good_3sd"):
            print(f"| {t} | " + " | ".join(f"{rates[m][t][0]:.1f}" for m in NAMES) + " |" + " – |" * len(indep))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
