"""`flask --app app simulate`: the simulation harness of assessment/simulation.py
on an instrument of the item bank. Prints the table the validity thresholds
are calibrated from (questions/README.md)."""

from __future__ import annotations

import json

import click
import yaml
from flask.cli import with_appcontext

from assessment.instrument import InstrumentError
from assessment.simulation import (
    MODELS,
    calibrate,
    expected_answers,
    format_calibration,
    format_im_roc,
    format_report,
    impression_management_roc,
    simulate,
)

from .extensions import instrument_bank


@click.command("simulate")
@click.option("--n", "n", type=click.IntRange(min=50), default=2500, show_default=True,
              help="Simulated respondents per respondent type.")
@click.option("--seed", type=int, default=12, show_default=True, help="Seed of the random numbers.")
@click.option("--version", "version", help="Instrument version (default: the current one), e.g. 1 or v1.")
@click.option("--model", "model", type=click.Choice(sorted(MODELS)), default="main", show_default=True,
              help="The simulation model (questions/README.md describes each).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--expected-answers", "expected", is_flag=True,
              help="Print the model's expected answers for the instrument file's validity rules instead.")
@click.option("--calibrate", "calibration", is_flag=True,
              help="Print each validity index's rate per respondent type at candidate thresholds instead.")
@click.option("--im-roc", "im_roc", is_flag=True,
              help="Print candidate impression-management flag rules side by side (honest vs faking good) instead.")
@with_appcontext
def simulate_command(n: int, seed: int, version: str | None, model: str, as_json: bool, expected: bool,
                     calibration: bool, im_roc: bool):
    """Simulate honest and careless respondents, score them with the real engine, print flag rates,
    reliability and band agreement."""
    bank = instrument_bank()
    instrument = bank.current
    if version:
        try:
            instrument = bank.get(instrument.id, version.removeprefix("v"))
        except InstrumentError as exc:
            raise click.UsageError(f"{exc}; versions: {', '.join(v for _, v in bank.instruments)}") from None
    if expected:
        data = expected_answers(instrument, MODELS[model], seed=seed)
        click.echo(yaml.safe_dump({"expected_answers": data}, default_flow_style=None, sort_keys=False, width=120))
        return
    if im_roc:
        try:
            data = impression_management_roc(instrument, n=n, seed=seed, model=MODELS[model])
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(json.dumps(data, indent=2) if as_json else format_im_roc(data))
        return
    if calibration:
        data = calibrate(instrument, n=n, seed=seed, model=MODELS[model])
        click.echo(json.dumps(data, indent=2) if as_json else format_calibration(data))
        return
    report = simulate(instrument, n=n, seed=seed, model=MODELS[model])
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else format_report(report))
