"""`flask --app app simulate`: the simulation harness of assessment/simulation/ on an
instrument of the item bank, and the printing of its figures (the domain returns
numbers; the tables are this command's job). Prints the tables the validity
thresholds are chosen from (questions/README.md)."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from assessment.instrument import InstrumentError
from assessment.simulation.models import CALIBRATION_MODELS, HELD_OUT_MODELS, MODELS
from cli.errors import fail
from services.instruments import instrument_bank


def _pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f} %"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def format_report(report) -> str:
    lines = [
        f"Simulation of {report.instrument}, model '{report.model.name}': {report.model.description}",
        f"N = {report.n_per_type} per respondent type (+ {report.n_per_type} honest retests), seed {report.seed}, "
        f"{report.seconds:.1f} s",
        "",
    ]
    flags = list(report.flag_ids)
    head = ["respondent type", *flags, "any note", "any without timings", "score bias"]
    rows = [
        [t, *(_pct(r[f]) for f in flags), _pct(r["any"]), _pct(r["any_untimed"]), f"{r['score_bias']:+.1f}"]
        for t, r in report.types.items()
    ]
    lines += _table(head, rows)
    if report.honest:
        lines += ["", *_honest_lines({k: {"mean": v} for k, v in report.honest.items()}), ""]
        lines += _scale_table({s: {k: {"mean": v} for k, v in row.items() if isinstance(v, (int, float))}
                               for s, row in report.scales.items()})
    lines += ["", "score bias: mean observed − true score over the substantive scales, in 0–100 points."]
    return "\n".join(lines)


def _honest_lines(h: dict[str, dict[str, float]]) -> list[str]:
    return [
        f"Honest, impression_management_high: least reluctant quarter "
        f"{_pct(h['impression_management_least_reluctant_quarter']['mean'])}, most reluctant quarter "
        f"{_pct(h['impression_management_most_reluctant_quarter']['mean'])}",
        f"Honest, a near-boundary note on at least one behaviour or driver scale: "
        f"{_pct(h['near_boundary_any_substantive']['mean'])}",
        f"Honest retest, every substantive scale in the same band: {_pct(h['retest_same_band_all_substantive']['mean'])}; "
        f"an unchanged person told of a clear change on any of the four scales: "
        f"{_pct(h['unchanged_any_clear_change']['mean'])}",
    ]


def _scale_table(scales: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    head = ["scale", "items", "alpha", "score SD", "SEM", "retest r", "band = true band", "… within 5 of a cut",
            "same band on retest", "near-boundary note"]
    rows = [
        [s, f"{v['items']['mean']:.0f}", f"{v['alpha']['mean']:.2f}", f"{v['sd']['mean']:.1f}", f"{v['sem']['mean']:.1f}",
         f"{v['retest_r']['mean']:.2f}", _pct(v["band_equals_true"]["mean"]), _pct(v["band_equals_true_near_cut"]["mean"]),
         _pct(v["same_band_on_retest"]["mean"]), _pct(v["near_boundary_shown"]["mean"])]
        for s, v in scales.items()
    ]
    return _table(head, rows)


def format_seeds(data: dict[str, Any]) -> str:
    held = " (HELD OUT: no threshold was chosen under it)" if data["held_out"] else ""
    lines = [
        f"{data['instrument']}, model '{data['model']}'{held}: {data['description']}",
        f"N = {data['n_per_type']} per respondent type, seeds {', '.join(map(str, data['seeds']))}: "
        "mean over the seeds (lowest–highest seed in brackets for the any-note rate)",
        "",
    ]
    flags = data["flags"]
    head = ["respondent type", *flags, "any note", "any without timings", "score bias"]
    rows = [
        [t, *(_pct(r[f]["mean"]) for f in flags),
         f"{_pct(r['any']['mean'])} ({_pct(r['any']['min'])}–{_pct(r['any']['max'])})",
         _pct(r["any_untimed"]["mean"]), f"{r['score_bias']['mean']:+.1f}"]
        for t, r in data["types"].items()
    ]
    lines += _table(head, rows)
    lines += ["", *_honest_lines(data["honest"]), ""]
    lines += _scale_table(data["scales"])
    return "\n".join(lines)


def format_calibration(data: dict[str, Any]) -> str:
    lines = [
        f"Calibration of {data['instrument']}, model '{data['model']}', N = {data['n_per_type']} per type, "
        f"seed {data['seed']}: share of each type at or beyond each candidate threshold.",
    ]
    notes = {
        "inconsistent_spread": "pooled within-scale SD of the keyed answers ≥ threshold (or the file's late-pages rule; never an extreme responder)",
        "inconsistent_late_spread": "late pages' RMS deviation from the scale's earlier answers ≥ threshold (or the file's spread rule; never an extreme responder)",
        "straight_lining_midpoint_share": "share needed when the dominant answer is \"Sometimes\" (other rules: the file's)",
        "straight_lining_share": "share of identical answers ≥ threshold (and the file's reverse-keyed share)",
        "straight_lining_reverse_share": "that answer on ≥ this share of the reverse-keyed items "
                                         "(file's share; the run: the file's reverse-keyed share)",
        "too_fast_page_seconds_per_item": f"{data['too_fast_pages']} or more pages below the threshold (s/item)",
        "too_fast_seconds_per_item": "median s/item below the threshold",
        "impression_management_flawless": "≥ k of m flawless answers, proportional to the answered faults "
                                          "(the file's minimum answered)",
    }
    for key, table in data["tables"].items():
        if not table:
            continue
        types = list(next(iter(table.values())))
        lines += ["", f"{key}: {notes[key]}"]
        lines += _table([key, *types], [[c, *(_pct(row.get(t, float("nan"))) for t in types)] for c, row in table.items()])
    return "\n".join(lines)


def format_im_roc(data: dict[str, Any]) -> str:
    seeds = data["seeds"]
    where = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}–{seeds[-1]}, mean over the seeds"
    weights = ", ".join(f"{label} {data['weights'][value]:+.1f}" for value, label in
                        ((5, "Never"), (4, "Rarely"), (3, "Sometimes"), (2, "Often"), (1, "Almost always")))
    lines = [
        f"Impression-management flag rules on {data['instrument']}, model '{data['model']}', "
        f"N = {data['n_per_type']} per type, {where} (Never = the flawless answer to an everyday fault).",
        f"Weighted answers: the sum over the faults of {weights} (scaled to all faults when some are blank; "
        "pooled log-likelihood ratios of the five choosing models). The note itself: the high band.",
        "",
    ]
    head = ["rule", "honest IM", "least reluctant quarter", "faking 2 SD (IM)", "faking 2 SD (any)",
            "faking 3 SD (IM)", "faking 3 SD (any)", "honest any note"]
    keys = ["honest_im", "honest_im_least_reluctant_quarter", "faking_good_im", "faking_good_any",
            "faking_good_3sd_im", "faking_good_3sd_any", "honest_any"]
    lines += _table(head, [[r["rule"], *(_pct(r[k]) for k in keys)] for r in data["rows"]])
    return "\n".join(lines)


@click.command("simulate")
@click.option("--n", "n", type=click.IntRange(min=50), default=2500, show_default=True,
              help="Simulated respondents per respondent type.")
@click.option("--seed", type=int, default=12, show_default=True, help="Seed of the random numbers.")
@click.option("--seeds", "seeds", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run this many seeds (seed, seed+1, …) and print the means per model.")
@click.option("--version", "version", help="Instrument version (default: the current one), e.g. 1 or v1.")
@click.option("--model", "model", type=click.Choice(sorted(MODELS)), default="main", show_default=True,
              help="The respondent model (questions/README.md describes each).")
@click.option("--all-models", "all_models", is_flag=True,
              help=f"Every calibration model ({', '.join(CALIBRATION_MODELS)}) and then the held-out one "
                   f"({', '.join(HELD_OUT_MODELS)}), each over --seeds seeds.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--calibrate", "calibration", is_flag=True,
              help="Print each validity index's rate per respondent type at candidate thresholds instead.")
@click.option("--im-roc", "im_roc", is_flag=True,
              help="Print candidate impression-management flag rules side by side (honest vs faking good) instead; "
                   "with --seeds the means over the seeds, with --all-models every model.")
@with_appcontext
def simulate_command(n: int, seed: int, seeds: int, version: str | None, model: str, all_models: bool,
                     as_json: bool, calibration: bool, im_roc: bool):
    """Simulate honest and careless respondents, score them with the real engine, print note rates,
    reliability and band agreement."""
    # The simulation (numpy draws, and scipy through assessment/psychometrics.py: ~0.7 s and ~30 MiB)
    # only when it runs: `flask simulate --help` imports this module too (cli/__init__.py).
    from assessment.simulation.calibration import calibrate, impression_management_roc
    from assessment.simulation.run import simulate
    from assessment.simulation.seeds import over_seeds

    bank = instrument_bank()
    instrument = bank.current
    if version:
        try:
            instrument = bank.get(instrument.id, version.removeprefix("v"))
        except InstrumentError as exc:
            fail(f"{exc}; versions: {', '.join(v for _, v in bank.instruments)}")
    if im_roc:
        names = [*CALIBRATION_MODELS, *HELD_OUT_MODELS] if all_models else [model]
        try:
            results = [impression_management_roc(instrument, n=n, seed=seed, seeds=seeds, model=MODELS[m]) for m in names]
        except ValueError as exc:
            fail(str(exc))
        if as_json:
            click.echo(json.dumps(results[0] if len(results) == 1 else results, indent=2))
        else:
            click.echo("\n\n".join(format_im_roc(r) for r in results))
        return
    if calibration:
        data = calibrate(instrument, n=n, seed=seed, model=MODELS[model])
        click.echo(json.dumps(data, indent=2) if as_json else format_calibration(data))
        return
    if all_models or seeds > 1:
        names = [*CALIBRATION_MODELS, *HELD_OUT_MODELS] if all_models else [model]
        results = [over_seeds(instrument, MODELS[m], n=n, seeds=range(seed, seed + seeds)) for m in names]
        click.echo(json.dumps(results, indent=2) if as_json else "\n\n".join(format_seeds(r) for r in results))
        return
    report = simulate(instrument, n=n, seed=seed, model=MODELS[model])
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else format_report(report))
