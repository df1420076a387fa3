"""Commands for the instrument's own evidence: import-responses, item-analysis,
freeze-norms. Bad input exits with status 2 and one line naming the problem."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from assessment import InstrumentError
from cli.errors import fail
from cli.responses import checked_language, read_text
from services.imports import ImportError_, import_rows, read_import
from services.instruments import instrument_bank
from services.research import (
    NormsRefused,
    NoSuchCandidate,
    StepTooSmall,
    accept,
    candidate,
    change_from_published,
    freeze_norms,
    provenance_of,
)


def _instrument(version: str | None):
    """The current instrument, or the named version ("2" or "v2")."""
    bank = instrument_bank()
    if version is None:
        return bank.current
    try:
        return bank.get(bank.current.id, version.removeprefix("v"))
    except InstrumentError:
        known = ", ".join(f"v{v}" for _, v in bank.instruments)
        fail(f"there is no instrument version {version!r}; known: {known}")


@click.command("import-responses")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--version", help="Instrument version the answers belong to (default: the current one).")
@with_appcontext
def import_responses_command(file: str, version: str | None):
    """Import completed responses from a JSON Lines file (one answers file per line,
    plus optional "research_consent", "completed_at", "external_id" and "simulated")."""
    instrument = _instrument(version)
    text = read_text(file)
    try:
        rows = read_import(instrument, text)
        imported, skipped = import_rows(instrument, rows)
    except ImportError_ as exc:
        # One line on any terminal: nothing in it that stdout cannot encode (a lone surrogate).
        fail(f"{file}: {exc} (nothing was imported)".encode("utf-8", "backslashreplace").decode("utf-8"))
    consenting = sum(1 for r in rows if r.research_consent)
    click.echo(
        f"Imported {imported} response{'s' if imported != 1 else ''} into {instrument.id} {instrument.version}"
        f" ({consenting} of {len(rows)} lines consent to research use); "
        f"{skipped} already imported (same external_id), skipped."
    )


def _fmt(value, digits=2):
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("0.") else text.replace("-0.", "-.")


def _ci(block):
    if block["value"] is None:
        return "–"
    ci = block.get("ci")
    return f"{_fmt(block['value'])} [{_fmt(ci[0])}, {_fmt(ci[1])}]" if ci else _fmt(block["value"])


def _print_scales(title: str, section: dict):
    click.echo(f"\n{title}")
    click.echo(f"{'scale':<24}{'N':>5}{'mean':>7}{'SD':>6}  {'alpha [95 % CI]':<19}{'omega [95 % CI]':<19}{'SEM':>5}")
    for s in section["scales"]:
        if s["withheld"]:
            click.echo(f"{s['id']:<24}{s['n']:>5}  {s['withheld']}")
            continue
        click.echo(
            f"{s['id']:<24}{s['n']:>5}{s['mean']:>7.1f}{s['sd']:>6.1f}  {_ci(s['alpha']):<19}{_ci(s['omega']):<19}"
            f"{_fmt(s['sem'], 1):>5}"
        )


def print_report(result: dict) -> None:
    lang = result["language"] or "all languages"
    click.echo(
        f"Item analysis of {result['instrument']['id']} {result['instrument']['version']} ({lang}): "
        + (f"N = {result['n']} SIMULATED responses, not stored and used for nothing; "
           if result.get("simulated") else f"N = {result['n']} consenting, completed responses; ")
        + f"computed {result['computed_at']}"
    )
    if result["withheld"]:
        click.echo(f"Withheld: {result['withheld']}; nothing is reported about fewer than {result['min_n']} people.")
        return
    _print_scales("Scales, all responses", result)
    _print_scales(f"Scales, without flagged responses (N = {result['excluding_flagged']['n']})",
                  result["excluding_flagged"])
    for s in result["scales"]:
        if s["withheld"]:
            continue
        click.echo(f"\nItems of {s['id']}")
        click.echo(f"{'item':<7}{'N':>5}{'mean':>6}{'SD':>6}{'n/a':>6}{'floor':>7}{'ceil':>6}{'r_it':>6}{'a-del':>7}")
        for i in s["items"]:
            click.echo(
                f"{i['id']:<7}{i['n']:>5}{i['mean']:>6.2f}{i['sd']:>6.2f}{i['not_applicable'] * 100:>5.0f}%"
                f"{i['floor'] * 100:>6.0f}%{i['ceiling'] * 100:>5.0f}%{_fmt(i['item_total_r']):>6}"
                f"{_fmt(i['alpha_if_deleted']):>7}"
            )
    corr = result["correlations"]
    if corr["pearson"]:
        ids = corr["scales"]
        click.echo(f"\nCorrelations of the 0–100 scale scores (N = {corr['n']})")
        click.echo(" " * 24 + "".join(f"{k[:6]:>7}" for k in ids))
        for a in ids:
            click.echo(f"{a:<24}" + "".join(f"{_fmt(corr['pearson'][a][b]):>7}" for b in ids))
    rates = result["flag_rates"]
    if rates["flags"]:
        click.echo(f"\nValidity flags (N = {rates['n']}): any {rates['any'] * 100:.1f} %; "
                   + ", ".join(f"{k} {v * 100:.1f} %" for k, v in rates["flags"].items()))
    side = result["item_means_by_language"]
    if side["items"]:
        langs = side["languages"]
        click.echo("\nItem means by language (" + ", ".join(f"{lang} N = {side['n'][lang]}" for lang in langs) + ")")
        for row in side["items"]:
            values = [row[lang] for lang in langs]
            diff = values[0] - values[1] if None not in values else None
            click.echo(f"{row['id']:<7}" + "".join(f"{_fmt(v):>7}" for v in values) + f"   diff {_fmt(diff):>6}")
    elif result["language"] is None:
        click.echo(f"\nItem means by language: {side['withheld']}")
    norms = result.get("norms") or {}
    click.echo("\nNorms: " + "; ".join(
        f"{lang}: N = {v['n']}, frozen {v['frozen_on']}" if v else f"{lang}: none" for lang, v in norms.items()))


@click.command("item-analysis")
@click.option("--version", help="Instrument version (default: the current one).")
@click.option("--language", help="Only responses in this language (one of the item bank's).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--resamples", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Bootstrap resamples for omega's interval (0: no interval).")
@click.option("--simulated", is_flag=True,
              help='Analyse the simulated responses (imported with "simulated": true) instead; nothing is stored.')
@with_appcontext
def item_analysis_command(version: str | None, language: str | None, as_json: bool, resamples: int, simulated: bool):
    """Reliability and item statistics from consenting, completed responses; the
    result is also cached for the measurement page and the score intervals."""
    # scipy (through services.item_analysis: ~0.7 s of start-up, ~30 MiB) only for this command:
    # import-responses, freeze-norms and accept-evidence live in this module too.
    from services.item_analysis import run_item_analysis

    instrument = _instrument(version)
    result = run_item_analysis(instrument, checked_language(instrument, language, "--language"), resamples=resamples,
                               simulated=simulated)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_report(result)
        print_provenance(result["provenance"])
        if "candidate_id" in result:
            _print_candidate("item-analysis", result["candidate_id"])


def print_provenance(provenance: dict) -> None:
    """Where the responses behind a computation came from, and what was left out."""
    click.echo(f"\nProvenance: N = {provenance['n']}; by source: "
               + ", ".join(f"{source} {n}" for source, n in provenance["by_source"].items()))
    days = provenance["by_day"]
    busiest = sorted(days.items(), key=lambda kv: -kv[1])[:5]
    click.echo(f"  by day: {len(days)} days, the busiest " + ", ".join(f"{day} {n}" for day, n in busiest))
    click.echo(f"  by client bucket: {provenance['client_buckets']} buckets, the largest "
               + ", ".join(f"{bucket} {n}" for bucket, n in provenance["largest_buckets"]))
    click.echo("  left out: " + ", ".join(f"{why} {n}" for why, n in provenance["left_out"].items()))


def _print_candidate(kind: str, candidate_id: int) -> None:
    click.echo(f"\nStored as candidate {kind} #{candidate_id}; nothing people see has changed. If accepted:")
    for line in change_from_published(kind, candidate(kind, candidate_id)):
        click.echo(f"  {line}")
    click.echo(f"Publish it with: flask --app app accept-evidence {kind} {candidate_id}")


@click.command("accept-evidence")
@click.argument("kind", type=click.Choice(["item-analysis", "norms"]))
@click.argument("candidate_id", type=int)
@with_appcontext
def accept_evidence_command(kind: str, candidate_id: int):
    """Publish a candidate item analysis or norm table, after showing its provenance and
    what it changes: from then on pages, intervals and percentiles use it."""
    try:
        row = candidate(kind, candidate_id)
    except NoSuchCandidate as exc:
        fail(str(exc))
    if row.accepted_at is not None:
        click.echo(f"{kind} #{candidate_id} is published already (accepted {row.accepted_at:%Y-%m-%d %H:%M} UTC).")
        return
    provenance = provenance_of(kind, row)
    if provenance:
        print_provenance(provenance)
    changes = change_from_published(kind, row)
    try:
        accept(kind, candidate_id)
    except StepTooSmall as exc:
        fail(f"not published: {exc}")
    click.echo(f"Published {kind} #{candidate_id}:")
    for line in changes:
        click.echo(f"  {line}")


@click.command("freeze-norms")
@click.option("--version", required=True, help="Instrument version, e.g. v2.")
@click.option("--language", required=True, help="One of the item bank's languages, e.g. sv.")
@with_appcontext
def freeze_norms_command(version: str, language: str):
    """Freeze a dated norm table (percentiles per scale) for one version and language."""
    instrument = _instrument(version)
    checked_language(instrument, language, "--language")
    try:
        table = freeze_norms(instrument, language)
    except NormsRefused as exc:
        fail(
            f"not enough data for norms of {instrument.version} in {language}: N = {exc.n} consenting, completed "
            f"responses without validity flags; {exc.needed} are needed"
        )
    click.echo(
        f"Froze norms for {instrument.id} {instrument.version} in {language}: N = {table.n}, dated {table.frozen_on}."
    )
    print_provenance(provenance_of("norms", table))
    _print_candidate("norms", table.id)
