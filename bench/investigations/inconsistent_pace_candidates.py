"""Candidate `inconsistent` rules for v3 that use reading pace (issue #26: honest any-note
<= 6 % under every respondent model; results in bench/investigations/inconsistent-pace.md).

The six project models are run exactly as `flask simulate --all-models --n 500 --seeds 5
--seed 12` runs them (the same respondents as the tables in questions/README.md): the
harness's `draw_sample` and `score_sample` are wrapped to keep, for honest respondents,
uniform random ones and those answering the last two pages at random, the features the
candidates use and the engine's other notes (with and without timings). Each candidate
replaces only the `inconsistent` rule: a respondent has a note under the candidate when they
have another note or the candidate fires. The independent check's honest respondents are
read from files written by `independent_respondents.py --save` and judged the same way.
A "slow random" answerer (every answer uniformly random, a pace of 3–4 s/item with the
harness's page-to-page noise) is drawn here and judged the same way.

  for v in "A 1 2 3" "A 4 5 6" "A 7 8 9" "B 1 2 3" "B 4 5 6" "B 7 8 9"; do set -- $v
    .venv/bin/python bench/investigations/independent_respondents.py --variant $1 --n 5000 \\
        --seeds $2 $3 $4 --save /tmp/indep_$1$2$3$4.jsonl; done
  FLASK_DEBUG=1 .venv/bin/python bench/investigations/inconsistent_pace_candidates.py --slow 4000 \\
      --cache /tmp/models.pkl --indep /tmp/indep_A123.jsonl /tmp/indep_A456.jsonl /tmp/indep_A789.jsonl \\
      /tmp/indep_B123.jsonl /tmp/indep_B456.jsonl /tmp/indep_B789.jsonl
  FLASK_DEBUG=1 .venv/bin/python bench/investigations/inconsistent_pace_candidates.py --seed 20 --seeds 10 \\
      --slow 2000 --cache /tmp/models20.pkl
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import defaultdict
from pathlib import Path
from statistics import median

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the repo, when run as a script

import assessment.simulation.run as harness  # noqa: E402
from assessment.answers import AnswerSet, parse_answers  # noqa: E402
from assessment.loader import load_instrument  # noqa: E402
from assessment.scoring import score_answers  # noqa: E402
from assessment.simulation.models import CALIBRATION_MODELS, HELD_OUT_MODELS, MODELS  # noqa: E402
from assessment.validity import extreme_responder, late_spread, within_scale_spread  # noqa: E402

INSTRUMENT = load_instrument(ROOT / "questions" / "v3")
RULES = INSTRUMENT.validity
NAMES = [*CALIBRATION_MODELS, *HELD_OUT_MODELS]
TYPES = ("honest", "uniform_random", "random_last_pages")
LATE = RULES.inconsistent_late_pages
NAN = float("nan")


def features(answers: dict[str, int], seconds) -> tuple:
    """(spread, late deviation, extreme responder, median s/item, median s/item of the late pages)."""
    spread = within_scale_spread(INSTRUMENT, answers)
    late = late_spread(INSTRUMENT, answers, LATE)
    pace = median(seconds) if seconds else NAN
    late_pace = median(seconds[-LATE:]) if seconds else NAN
    early_pace = median(seconds[:-LATE]) if seconds else NAN
    slowest_fast = min(seconds) if seconds else NAN
    return (NAN if spread is None else spread, NAN if late is None else late,
            float(extreme_responder(INSTRUMENT, answers)), pace, late_pace, early_pace, slowest_fast)


def without(flags, flag="inconsistent") -> bool:
    return any(f != flag for f in flags)


def candidate(spread=1.3, late=1.65, pace=None, spread_read=None, late_read=None, late_pace=None, late_gate=None,
              every_page=False, late_fast=None):
    """Fires (not for an extreme responder) when the spread reaches `spread`, or the late
    deviation reaches `late`; with `pace`, a person whose median s/item is at least `pace`
    (timed) needs `spread_read` instead, and one whose late pages' median s/item is at least
    `late_pace` (default `pace`) needs `late_read` (None: the same as untimed). With
    `late_gate` (P, R), the late part fires only untimed, or when the late pages' median s/item
    is below P or below R times the earlier pages' median. With `late_fast` (R, L), a person
    whose late pages' median s/item is below R times the earlier pages' needs only L there."""
    def rule(f: np.ndarray, timed: bool = True) -> np.ndarray:
        s, la, ext, p, lp, ep, mp = f.T
        p_gate, lp_gate = (mp, mp) if every_page else (p, lp)  # every page: the fastest page's s/item
        need_s = np.full(len(f), spread)
        need_l = np.full(len(f), late)
        if pace is not None and timed:
            reading = ~np.isnan(p_gate) & (p_gate >= pace)
            if spread_read is not None:
                need_s = np.where(reading, spread_read, need_s)
            lpace = late_pace if late_pace is not None else pace
            late_reading = ~np.isnan(lp_gate) & (lp_gate >= lpace)
            if late_read is not None:
                need_l = np.where(late_reading, late_read, need_l)
        if late_fast is not None and timed:
            need_l = np.where(~np.isnan(lp) & (lp < late_fast[0] * ep), late_fast[1], need_l)
        late_hit = np.nan_to_num(la, nan=-1) >= need_l - 1e-9
        if late_gate is not None and timed:
            gate_p, gate_r = late_gate
            late_hit &= np.isnan(lp) | (lp < gate_p) | (lp < gate_r * ep)
        hit = (np.nan_to_num(s, nan=-1) >= need_s - 1e-9) | late_hit
        return hit & (ext == 0)
    return rule


CANDIDATES = {"the file's rule": candidate()}
for p in (2.8, 3.0, 3.2):
    for sr in (1.4, 1.45):
        for lr in (1.8, 2.0):
            CANDIDATES[f"every page >= {p}: spread {sr}, late {lr}"] = candidate(
                pace=p, spread_read=sr, late_read=lr, every_page=True)
for r in (0.5, 0.6):
    for lf in (1.4, 1.5):
        CANDIDATES[f"every page >= 3.0: spread 1.4, late 2.0; late pages < {r} x early: late {lf}"] = candidate(
            pace=3.0, spread_read=1.4, late_read=2.0, every_page=True, late_fast=(r, lf))
        CANDIDATES[f"late pages < {r} x early: late {lf}"] = candidate(late_fast=(r, lf))
for p in (3.0, 3.2):
    for sr in (1.35, 1.38):
        CANDIDATES[f"every page >= {p}: spread {sr}, late 2.0; late pages < 0.5 x early: late 1.5"] = candidate(
            pace=p, spread_read=sr, late_read=2.0, every_page=True, late_fast=(0.5, 1.5))
CANDIDATES["every page >= 3.2: spread 1.4, late 2.0; late pages < 0.5 x early: late 1.5"] = candidate(
    pace=3.2, spread_read=1.4, late_read=2.0, every_page=True, late_fast=(0.5, 1.5))
for p, sr, lr in ((2.5, 1.4, 1.65), (3.0, 1.5, 1.8), (3.5, 1.4, 1.65), (3.5, 1.4, 2.0)):
    CANDIDATES[f"median pace >= {p}: spread {sr}, late {lr}"] = candidate(pace=p, spread_read=sr, late_read=lr)
for gp in (2.5, 3.0):
    for gr in (0.6,):
        CANDIDATES[f"late part only below {gp} s or {gr} x early"] = candidate(late_gate=(gp, gr))
        for p in (4.0, 5.0):
            for sr in (1.4,):
                CANDIDATES[f"late gate {gp}/{gr}; pace >= {p}: spread {sr}"] = candidate(
                    late_gate=(gp, gr), pace=p, spread_read=sr)


ADOPTED = "every page >= 3.0: spread 1.4, late 2.0; late pages < 0.5 x early: late 1.5"
SHOW = (ADOPTED, "every page >= 3.0: spread 1.4, late 2.0", "every page >= 3.0: spread 1.45, late 1.8")


def project_respondents(seeds: range) -> dict:
    kept: list = []
    state = {"type": None, "pending": False}
    draw, score = harness.draw_sample, harness.score_sample

    def drawing(pop, type_id, size, rng):
        state["type"], state["pending"] = type_id, True
        return draw(pop, type_id, size, rng)

    def scoring(pop, sample, *, keep_profiles=False):
        scored = score(pop, sample, keep_profiles=keep_profiles)
        if state["pending"] and state["type"] in TYPES:  # not the honest retest
            for k in range(len(sample.raw)):
                na = sample.not_applicable[k] if sample.not_applicable is not None else None
                answers = harness.answer_set(pop, sample.raw[k], na, ()).answers
                seconds = tuple(sample.seconds[k].tolist())
                kept.append((state["type"], features(dict(answers), seconds), features(dict(answers), ()),
                             scored.flags[k], scored.flags_untimed[k]))
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
                    "f": np.array([r[1] for r in kept]),
                    "f_untimed": np.array([r[2] for r in kept]),
                    "incons": np.array(["inconsistent" in r[3] for r in kept]),
                    "incons_untimed": np.array(["inconsistent" in r[4] for r in kept]),
                    "other": np.array([without(r[3]) for r in kept]),
                    "other_untimed": np.array([without(r[4]) for r in kept]),
                }
                print(f"  {name} seed {seed}", file=sys.stderr, flush=True)
    finally:
        harness.draw_sample, harness.score_sample = draw, score
    return out


def independent_respondents(path: str) -> dict:
    people = [json.loads(line) for line in open(path, encoding="utf-8")]
    feats, seeds = [], []
    for p in people:
        answer_set = parse_answers(INSTRUMENT, json.dumps(p["record"]))
        feats.append(features(dict(answer_set.answers), tuple(answer_set.item_seconds)))
        seeds.append(int(p["record"]["respondent"].split("-")[1]))
    return {
        "f": np.array(feats),
        "seed": np.array(seeds),
        "sub": np.array([p["sub"] for p in people]),
        "incons": np.array(["inconsistent" in p["flags"] for p in people]),
        "other": np.array([without(p["flags"]) for p in people]),
    }


def slow_random(n: int, seed: int, low: float, high: float) -> dict:
    """Every answer uniformly random at a pace of low–high s/item (page noise as the harness's)."""
    rng = np.random.default_rng(seed)
    ids = [i.id for i in INSTRUMENT.items]
    pages = len(INSTRUMENT.pages)
    feats, incons, other = [], [], []
    for _ in range(n):
        answers = dict(zip(ids, rng.integers(1, 6, len(ids)).tolist()))
        pace = rng.uniform(low, high)
        seconds = tuple((pace * np.exp(rng.normal(0, 0.35, pages))).tolist())
        flags = score_answers(INSTRUMENT, AnswerSet("en", answers, None, seconds)).flag_ids
        feats.append(features(answers, seconds))
        incons.append("inconsistent" in flags)
        other.append(without(flags))
    return {"f": np.array(feats), "incons": np.array(incons), "other": np.array(other)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--indep", nargs="*", default=[], help="files from independent_respondents.py --save")
    parser.add_argument("--cache", help="keep the six models' respondents in this file (pickle) and reuse them")
    parser.add_argument("--slow", type=int, default=10000, help="slow random answerers per pace band")
    args = parser.parse_args()
    seeds = range(args.seed, args.seed + args.seeds)
    indep: dict = {}
    for path in args.indep:
        d = independent_respondents(path)
        variant = Path(path).stem.split("_")[-1][0]
        for s in sorted(set(d["seed"].tolist())):
            m = d["seed"] == s
            indep[f"{variant}{s}"] = {k: v[m] for k, v in d.items()}
    slow = {f"random {lo}–{hi} s": slow_random(args.slow, 99, lo, hi) for lo, hi in ((2.5, 3.0), (3.0, 4.0), (4.0, 5.0))}
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        data = pickle.loads(cache.read_bytes())
    else:
        data = project_respondents(seeds)
        if cache:
            cache.write_bytes(pickle.dumps(data))
    # The engine applied the file's rule before the change, the adopted one after (a cache or
    # a file from before the change is still read right).
    engine = (CANDIDATES["the file's rule"], CANDIDATES[ADOPTED])
    for d in data.values():
        assert any((rule(d["f"]) == d["incons"]).all() for rule in engine)
        assert any((rule(d["f_untimed"], timed=False) == d["incons_untimed"]).all() for rule in engine)
    for d in [*indep.values(), *slow.values()]:
        assert any((rule(d["f"]) == d["incons"]).all() for rule in engine)
    print(f"Any note, % ; six models: means over seeds {seeds[0]}–{seeds[-1]} (lowest seed), N = 500 per type "
          f"and seed; independent: N = 5000 per seed; slow random: N = {args.slow}\n")
    head = ("| rule | honest any, 6 models (max) | uniform timed (min model) | uniform untimed (min) "
            "| last pages (min model; min seed) | " + " | ".join(f"{k} any / incons" for k in indep)
            + " | " + " | ".join(slow) + " |")
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for label, rule in CANDIDATES.items():
        per: dict = defaultdict(lambda: defaultdict(list))
        for (name, seed), d in data.items():
            note = d["other"] | rule(d["f"])
            note_u = d["other_untimed"] | rule(d["f_untimed"], timed=False)
            for t in TYPES:
                m = d["type"] == t
                per[name][t].append(100 * note[m].mean())
                per[name][t + "_u"].append(100 * note_u[m].mean())
        honest = max(np.mean(per[m]["honest"]) for m in NAMES)
        uni = min(np.mean(per[m]["uniform_random"]) for m in NAMES)
        uni_u = min(np.mean(per[m]["uniform_random_u"]) for m in NAMES)
        last = min(np.mean(per[m]["random_last_pages"]) for m in NAMES)
        last_seed = min(min(per[m]["random_last_pages"]) for m in NAMES)
        cells = []
        for d in indep.values():
            fire = rule(d["f"])
            cells.append(f"{100 * (d['other'] | fire).mean():.2f} / {100 * fire.mean():.2f}")
        slow_cells = [f"{100 * (d['other'] | rule(d['f'])).mean():.1f}" for d in slow.values()]
        print(f"| {label} | {honest:.2f} | {uni:.1f} | {uni_u:.1f} | {last:.1f}; {last_seed:.1f} | "
              + " | ".join(cells) + " | " + " | ".join(slow_cells) + " |", flush=True)
        if label == "the file's rule" or label in SHOW:
            for m in NAMES:
                print(f"|   {m} | {np.mean(per[m]['honest']):.2f} | {np.mean(per[m]['uniform_random']):.1f} | "
                      f"{np.mean(per[m]['uniform_random_u']):.1f} | {np.mean(per[m]['random_last_pages']):.1f}; "
                      f"{min(per[m]['random_last_pages']):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
