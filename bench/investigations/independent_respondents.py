"""Independent honest respondents for the v3 questionnaire (issue #26), written
without reading assessment/simulation/models.py, and a tabulation of the
validity notes `flask score --jsonl` gives them.

Only the item bank is read (questions/v3/*.yaml: presentation order, pages of
8, reverse keying, which scales offer "does not apply"); the scoring is the
product's own `flask score --jsonl`, run as a subprocess on the JSONL this
script writes. Nothing here imports the assessment package.

Two variants of the model. Variant A is the one any rule change was chosen
under; variant B was written at the same time, before any run, and is only
looked at afterwards (held out).

Variant A – a graded-response (IRT) mixture
-------------------------------------------
Every respondent is honest: they answer what they believe is true, in their own
way. Four substantive traits (postponing, weak close, abandoned follow-up, fear
of seeming pushy) are multivariate normal, mean -0.3, behaviours r .45 with each
other and .50 with the driver. Each item follows Samejima's graded response
model, P(X >= k) = logistic(a_j (theta + s_p - delta_j - w_p * o_jk)), with
a_j ~ U(1.0, 2.2), delta_j ~ N(0, .35), category offsets (-1.5, -.5, .5, 1.5)
times an item gap factor U(.8, 1.25); s_p is the person's acquiescence (+) or
naysaying (-) and w_p the width of their categories (extreme < 1 < midpoint).

The eight everyday faults are not a trait scale but events with their own base
rates, read from the item text: an ordinal probit on a "fault-proneness" factor
phi (loading .5) with each fault's own share of honest "Never" within three
months, plus structural zeros – people for whom the fault never occurs (does not
swear; never decides to skip unhealthy food, so never breaks it; does not use
the phone in conversations; no white lies). Shares of "Never" (continuous part
+ structural zero): irritated 3 %, talks about others 4 %, impatient in a queue
6 %, phone 10 + 6 %, interrupts 5 %, white lie 8 + 5 %, swears 7 + 10 %,
unhealthy food 10 + 10 %. The remaining answers: Rarely 35 %, Sometimes 35 %,
Often 20 %, Almost always the rest (of the non-Never share). Response styles act
on the faults too (raw direction: a naysayer says "Never" more easily).

Subpopulations (weights): plain GRM .30; extreme responders .07 (w .45);
midpoint responders .07 (w 1.8); acquiescent .06 (s +.5); naysayers .06
(s -.5); "only 2–4" .07 (never the end answers: 1 -> 2, 5 -> 4, faults too);
uneven true profiles .15 (the article: high on one behaviour, +1.4, and the
driver, +1.0; the other two -1.0; person SD .4); low-fault people .07 (calm,
self-controlled: phi -1.2); healthy sellers .05 (behaviours -2.0, driver -1.5,
SD .3; faults as anyone); role "does not apply" .05 (sends no quotes: the
follow-up scale, pc6 and fp6 "na"; or holds no meetings: the weak-close scale
and fp2 "na").

Overlays on anyone: momentary lapses (10 %: 1–2 answers replaced by a uniform
random one), blanks (4 %: 1–3 items left out, faults included), scattered "does
not apply" (10 %: each offering item 4 %), misread negations (5 %: 1–2 of the
items phrased "without …" / "do not …" answered the other way round, 6 - x).

Reading speed: 15 % fast readers U(2.5, 3.5) s/item, 70 % lognormal median 5.0
(SD .25), 15 % slow U(8, 10); page 1 x1.2 (instructions), speeding up by
U(0, 10 %) per page, page noise lognormal SD .15; 10 % answer on paper (no
timings). Written as "seconds_per_page".

Variant B – held out: counts, vague quantifiers and facets
----------------------------------------------------------
Behaviour and driver answers: an ordinal probit with person-by-facet and
person-by-item random effects: y = theta_scale + facet_pf (SD .45) + u_pj
(SD .45) + e (SD .5), cut at the person's own cut points (base -1.2, -.2, .7,
1.6 for behaviours, mean trait -0.4, shifted N(0, .3), spread x lognormal .25):
vague quantifiers mean different things to different people. Traits r .35/.45.
Faults are counts: rate per three months per fault (irritated 20, talks about
others 25, queue 6, phone 8, interrupts 15, white lie 3, swears 15, unhealthy
food 10) x lognormal(person .9, fault .7), recalled with probability U(.5, 1);
0 = Never, 1–2 Rarely, 3–8 Sometimes, 9–30 Often, more Almost always. No style
classes; instead 10 % "2–4 only" (each end answer moved inwards with
probability .8), 20 % uneven profiles, 8 % healthy sellers, 8 % role NA,
lapses 8 %, misread negations 4 %. Timing: per item lognormal around a person
pace (median 5 s, person SD .40, item SD .5), summed per page, speeding up
U(0, 8 %) per page; 10 % paper.

Usage:
  .venv/bin/python bench/investigations/independent_respondents.py \
      --variant A --n 5000 --seeds 1 2 3 --out /tmp/indep26
prints the tables (any note and per note, per subpopulation, overlay and
reader, and the answer patterns behind each note) for the rules of the
worktree's questions/v3; --save FILE keeps every respondent with its notes.
Results: bench/investigations/independent-respondents.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import yaml
from scipy.stats import norm

ROOT = Path(__file__).resolve().parents[2]
V3 = ROOT / "questions" / "v3"

SCALES = ("postponing_contact", "weak_close", "abandoned_follow_up", "fear_of_pushiness")
IM = "impression_management"
# Items phrased with a negation ("without …", "do not …"), easy to answer the other way round.
NEGATED = ("pc7", "wc1", "wc2", "wc4", "wc6", "af2", "af4", "af5", "af6", "af7", "af8")
FAULTS = ("im1", "im2", "im3", "im4", "im5", "im6", "im7", "im8")
# Variant A: continuous-part share of "Never" and structural-zero share, per fault.
NEVER_A = {"im1": .03, "im2": .04, "im3": .06, "im4": .10, "im5": .05, "im6": .08, "im7": .07, "im8": .10}
ZERO_A = {"im1": 0, "im2": 0, "im3": 0, "im4": .06, "im5": 0, "im6": .05, "im7": .10, "im8": .10}
# Variant B: occurrences per three months (median person).
RATE_B = {"im1": 20, "im2": 25, "im3": 6, "im4": 8, "im5": 15, "im6": 3, "im7": 15, "im8": 10}


def load_bank():
    inst = yaml.safe_load((V3 / "instrument.yaml").read_text(encoding="utf-8"))
    items = yaml.safe_load((V3 / "items.yaml").read_text(encoding="utf-8"))["items"]
    scales = yaml.safe_load((V3 / "scales.yaml").read_text(encoding="utf-8"))["scales"]
    no_na = {s["id"] for s in scales if s.get("not_applicable") is False}
    by_id = {i["id"]: i for i in items}
    order = inst["item_order"]
    page = inst["page_size"]
    pages = [order[k:k + page] for k in range(0, len(order), page)]
    return {
        "order": order,
        "pages": pages,
        "scale": {i: by_id[i]["scale"] for i in order},
        "reverse": {i: bool(by_id[i].get("reverse")) for i in order},
        "offers_na": {i: by_id[i]["scale"] not in no_na for i in order},
    }


# ---------------------------------------------------------------- variant A

SUBPOPS_A = {
    "plain": .30, "extreme": .07, "midpoint": .07, "acquiescent": .06, "naysayer": .06,
    "only_2_to_4": .07, "uneven": .15, "low_faults": .07, "healthy_seller": .05, "role_na": .05,
}


def traits(rng, mean, r_beh, r_drv):
    cov = np.full((4, 4), r_beh)
    cov[3, :3] = cov[:3, 3] = r_drv
    np.fill_diagonal(cov, 1.0)
    return rng.multivariate_normal(np.full(4, mean), cov)


def person_a(rng, bank, items, sub):
    theta = traits(rng, -0.3, .45, .50)
    width, shift, phi = 1.0, 0.0, rng.normal()
    if sub == "extreme":
        width = .45
    elif sub == "midpoint":
        width = 1.8
    elif sub == "acquiescent":
        shift = .5
    elif sub == "naysayer":
        shift = -.5
    elif sub == "uneven":
        high = rng.integers(3)
        theta = np.array([1.4 if k == high else -1.0 for k in range(3)] + [1.0]) + rng.normal(0, .4, 4)
    elif sub == "low_faults":
        phi -= 1.2
    elif sub == "healthy_seller":
        theta = np.array([-2.0, -2.0, -2.0, -1.5]) + rng.normal(0, .3, 4)
    answers = {}
    for item in bank["order"]:
        scale = bank["scale"][item]
        if scale == IM:
            continue
        a, delta, offsets = items[item]
        t = theta[SCALES.index(scale)]
        p_ge = 1 / (1 + np.exp(-a * (t + shift - delta - width * offsets)))  # P(X >= 2..5)
        u = rng.random()
        answers[item] = 1 + int(np.sum(u < p_ge))
    for f in FAULTS:
        if rng.random() < ZERO_A[f]:
            answers[f] = 1
            continue
        never = NEVER_A[f]
        rest = 1 - never
        cum = np.array([never, never + .35 * rest, never + .70 * rest, never + .90 * rest])
        cuts = norm.ppf(cum) * width  # the person's own category widths
        z = .5 * phi + np.sqrt(.75) * rng.normal() + shift
        answers[f] = 1 + int(np.sum(z > cuts))
    if sub == "only_2_to_4":
        answers = {k: min(4, max(2, v)) for k, v in answers.items()}
    return answers, float(np.mean(theta[:3])), phi


def item_params_a(rng, bank):
    params = {}
    for item in bank["order"]:
        gap = rng.uniform(.8, 1.25)
        params[item] = (rng.uniform(1.0, 2.2), rng.normal(0, .35), np.array([-1.5, -.5, .5, 1.5]) * gap)
    return params


def timings_a(rng, bank):
    if rng.random() < .10:
        return None, "paper"
    u = rng.random()
    if u < .15:
        pace, reader = rng.uniform(2.5, 3.5), "fast"
    elif u < .85:
        pace, reader = 5.0 * np.exp(rng.normal(0, .25)), "normal"
    else:
        pace, reader = rng.uniform(8, 10), "slow"
    speedup = rng.uniform(0, .10)
    seconds = []
    for k, page in enumerate(bank["pages"]):
        per_item = pace * (1.2 if k == 0 else 1.0) * (1 - speedup) ** k * np.exp(rng.normal(0, .15))
        seconds.append(round(per_item * len(page), 1))
    return seconds, reader


# ---------------------------------------------------------------- variant B

SUBPOPS_B = {"plain": .54, "only_2_to_4": .10, "uneven": .20, "healthy_seller": .08, "role_na": .08}


def person_b(rng, bank, items, sub):
    theta = traits(rng, -0.4, .35, .45)
    if sub == "uneven":
        high = rng.integers(3)
        theta = np.array([1.3 if k == high else -1.1 for k in range(3)] + [0.9]) + rng.normal(0, .5, 4)
    elif sub == "healthy_seller":
        theta = np.array([-2.2, -2.2, -2.2, -1.7]) + rng.normal(0, .35, 4)
    cuts = (np.array([-1.2, -.2, .7, 1.6]) * np.exp(rng.normal(0, .25))) + rng.normal(0, .3)
    facet = defaultdict(lambda: rng.normal(0, .45))
    answers = {}
    for item in bank["order"]:
        scale = bank["scale"][item]
        if scale == IM:
            continue
        loc = items[item]
        y = theta[SCALES.index(scale)] - loc + facet[items["facet"][item]] + rng.normal(0, .45) + rng.normal(0, .5)
        answers[item] = 1 + int(np.sum(y > cuts))
    person_rate = np.exp(rng.normal(0, .9))
    recall = rng.uniform(.5, 1.0)
    for f in FAULTS:
        count = rng.poisson(RATE_B[f] * person_rate * np.exp(rng.normal(0, .7)) * recall)
        answers[f] = 1 if count == 0 else 2 if count <= 2 else 3 if count <= 8 else 4 if count <= 30 else 5
    if sub == "only_2_to_4":
        answers = {k: (min(4, max(2, v)) if rng.random() < .8 else v) for k, v in answers.items()}
    return answers, float(np.mean(theta[:3])), float(np.log(person_rate))


def item_params_b(rng, bank):
    facets = yaml.safe_load((V3 / "items.yaml").read_text(encoding="utf-8"))["items"]
    params = {i["id"]: rng.normal(0, .35) for i in facets}
    params["facet"] = {i["id"]: i.get("facet", i["id"]) for i in facets}
    return params


def timings_b(rng, bank):
    if rng.random() < .10:
        return None, "paper"
    pace = 5.0 * np.exp(rng.normal(0, .40))
    speedup = rng.uniform(0, .08)
    seconds = []
    for k, page in enumerate(bank["pages"]):
        seconds.append(round(float(np.sum(pace * (1 - speedup) ** k * np.exp(rng.normal(0, .5, len(page))))), 1))
    reader = "fast" if pace < 3.5 else "slow" if pace > 8 else "normal"
    return seconds, reader


# ---------------------------------------------------------------- both

def overlays(rng, bank, answers, sub, variant):
    tags = []
    order = bank["order"]
    if sub == "role_na":
        if rng.random() < .5:
            drop = [i for i in order if bank["scale"][i] == "abandoned_follow_up"] + ["pc6", "fp6"]
        else:
            drop = [i for i in order if bank["scale"][i] == "weak_close"] + ["fp2"]
        for i in drop:
            answers[i] = "na"
    if rng.random() < (.05 if variant == "A" else .04):
        candidates = [i for i in NEGATED if isinstance(answers.get(i), int)]
        for i in rng.choice(candidates, size=min(len(candidates), rng.integers(1, 3)), replace=False):
            answers[i] = 6 - answers[i]
        tags.append("misread_negation")
    if rng.random() < (.10 if variant == "A" else .08):
        candidates = [i for i in order if isinstance(answers.get(i), int)]
        for i in rng.choice(candidates, size=rng.integers(1, 3), replace=False):
            answers[i] = int(rng.integers(1, 6))
        tags.append("lapse")
    if variant == "A" and rng.random() < .10:
        for i in order:
            if bank["offers_na"][i] and isinstance(answers.get(i), int) and rng.random() < .04:
                answers[i] = "na"
        tags.append("scattered_na")
    if rng.random() < .04:
        for i in rng.choice(order, size=rng.integers(1, 4), replace=False):
            answers.pop(i, None)
        tags.append("blanks")
    return tags


def generate(variant, n, seed, bank):
    rng = np.random.default_rng([seed, ord(variant)])
    subpops = SUBPOPS_A if variant == "A" else SUBPOPS_B
    names, weights = list(subpops), np.array(list(subpops.values()))
    items = item_params_a(rng, bank) if variant == "A" else item_params_b(rng, bank)
    people = []
    for k in range(n):
        sub = names[rng.choice(len(names), p=weights / weights.sum())]
        if variant == "A":
            answers, reluctance, faultiness = person_a(rng, bank, items, sub)
            seconds, reader = timings_a(rng, bank)
        else:
            answers, reluctance, faultiness = person_b(rng, bank, items, sub)
            seconds, reader = timings_b(rng, bank)
        tags = overlays(rng, bank, answers, sub, variant)
        record = {"language": "en", "respondent": f"{variant}-{seed}-{k}", "answers": answers}
        if seconds is not None:
            record["seconds_per_page"] = seconds
        people.append({"record": record, "sub": sub, "tags": tags, "reader": reader, "reluctance": reluctance})
    return people


def article_fixtures(bank):
    """The article's three pure personas and a healthy seller, exactly, at 5.5 s per item."""
    out = []
    for name, high in (("persona_postponing", "postponing_contact"), ("persona_weak_close", "weak_close"),
                       ("persona_follow_up", "abandoned_follow_up"), ("healthy_seller", None)):
        answers = {}
        for i in bank["order"]:
            scale = bank["scale"][i]
            if scale == IM:
                answers[i] = 3
            elif high is None:
                answers[i] = 1
            else:
                answers[i] = 4 if scale in (high, "fear_of_pushiness") else 2
        out.append({"record": {"language": "en", "respondent": name, "answers": answers, "seconds_per_item": 5.5},
                    "sub": name, "tags": [], "reader": "fixed", "reluctance": 0.0})
    return out


def score(people, path):
    with open(path, "w", encoding="utf-8") as fh:
        for p in people:
            fh.write(json.dumps(p["record"]) + "\n")
    env = dict(os.environ, FLASK_DEBUG="1")
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "score", "--jsonl", str(path)],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    profiles = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(profiles) == len(people)
    for p, prof in zip(people, profiles):
        p["flags"] = {f["id"]: f["detail"] for f in prof["flags"]}
    return people


NOTES = ("straight_lining", "too_fast", "impression_management_high", "inconsistent")


def pct(k, n):
    return f"{100 * k / n:.1f} %" if n else "–"


def table(people, key, title):
    groups = defaultdict(list)
    for p in people:
        for g in key(p):
            groups[g].append(p)
    print(f"\n{title}\n")
    print("| group | n | any note | " + " | ".join(NOTES) + " |")
    print("|---|---|---|" + "---|" * len(NOTES))
    for g in sorted(groups, key=lambda g: (g != "all", g)):
        ps = groups[g]
        row = [pct(sum(bool(p["flags"]) for p in ps), len(ps))]
        row += [pct(sum(n in p["flags"] for p in ps), len(ps)) for n in NOTES]
        print(f"| {g} | {len(ps)} | " + " | ".join(row) + " |")


def patterns(people, bank):
    print("\nWhat triggers each note (honest respondents)\n")
    for note in NOTES:
        hit = [p for p in people if note in p["flags"]]
        if not hit:
            print(f"- {note}: none")
            continue
        c = Counter()
        for p in hit:
            d, ans = p["flags"][note], p["record"]["answers"]
            if note == "straight_lining":
                vals = [v for v in ans.values() if isinstance(v, int)]
                dom, cnt = Counter(vals).most_common(1)[0]
                faults = sum(ans.get(f) == dom for f in FAULTS)
                why = "run" if d["longest_run"] >= d["run_threshold"] else "share"
                c[f"answer {dom} on {cnt}/{len(vals)}, faults {faults}/8, by {why}, {p['sub']}"] += 1
            elif note == "impression_management_high":
                nev = "".join(f[-1] for f in FAULTS if ans.get(f) == 1)
                c[f"{d['flawless']}/{d['answered']} Never, {p['sub']}"] += 1
                c[f"  faults denied: {nev}"] += 1
            elif note == "inconsistent":
                why = "spread" if (d["within_scale_sd"] or 0) >= d["threshold"] else "late pages"
                c[f"by {why}, {p['sub']}{' + ' + '+'.join(p['tags']) if p['tags'] else ''}"] += 1
            else:
                why = "median" if d["median_seconds_per_item"] < d["threshold"] else "pages"
                c[f"by {why}, reader {p['reader']}"] += 1
        print(f"- {note} ({len(hit)}):")
        for k, v in c.most_common(12):
            print(f"    {v:5d}  {k}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", choices=("A", "B"), default="A")
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--out", default="/tmp/indep26")
    parser.add_argument("--save", help="write the scored people (JSON lines) here")
    args = parser.parse_args()
    bank = load_bank()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    everyone = []
    for seed in args.seeds:
        people = score(generate(args.variant, args.n, seed, bank), Path(args.out) / f"honest_{args.variant}_{seed}.jsonl")
        n = len(people)
        print(f"seed {seed}: any note {pct(sum(bool(p['flags']) for p in people), n)}; "
              + ", ".join(f"{k} {pct(sum(k in p['flags'] for p in people), n)}" for k in NOTES))
        everyone += people
    q = np.quantile([p["reluctance"] for p in everyone], .25)
    least = [p for p in everyone if p["reluctance"] <= q]
    print(f"\nVariant {args.variant}, seeds {args.seeds}, N = {len(everyone)}: IM note in the least reluctant "
          f"quarter (true mean behaviour trait) {pct(sum('impression_management_high' in p['flags'] for p in least), len(least))}")
    table(everyone, lambda p: ["all"], "Overall")
    table(everyone, lambda p: [p["sub"]], "Per subpopulation")
    table(everyone, lambda p: p["tags"] or ["(no overlay)"], "Per overlay")
    table(everyone, lambda p: [p["reader"]], "Per reader")
    patterns(everyone, bank)
    fixtures = score(article_fixtures(bank), Path(args.out) / "fixtures.jsonl")
    print("\nArticle personas and the healthy seller: "
          + ", ".join(f"{p['sub']}: {sorted(p['flags']) or 'no note'}" for p in fixtures))
    if args.save:
        with open(args.save, "w", encoding="utf-8") as fh:
            for p in everyone:
                fh.write(json.dumps(p) + "\n")


if __name__ == "__main__":
    sys.exit(main())
