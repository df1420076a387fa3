"""Command-line interface: flask --app app <command>. Bad input exits with
status 2 and one line naming the problem; nothing is written then."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from assessment import AnswersError, parse_answers, score_answers
from reports.chart_error import ChartExportError
from reports.report_model import ProfileReport
from services.followup.confirmations import CONFIRM_DAYS
from services.instruments import instrument_bank
from services.personal_data import purge


def fail(message: str, status: int = 2):
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


def checked_language(instrument, language: str | None, option: str) -> str | None:
    """A language option's value, if the item bank has that language (the one list of languages)."""
    if language is not None and language not in instrument.languages:
        fail(f"{option} must be one of {', '.join(instrument.languages)}, not {language!r}")
    return language


def read_text(path: str) -> str:
    """A UTF-8 text file the user named, or exit 2 with one line saying why not."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")  # a BOM (Windows editors) is fine
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except OSError as exc:
        fail(f"{path}: cannot be read ({exc.strerror})")


def _read_answers(path: str):
    instrument = instrument_bank().current
    text = read_text(path)
    try:
        return parse_answers(instrument, text)
    except AnswersError as exc:
        fail(f"{path}: {exc}")


@click.command("instrument")
@with_appcontext
def instrument_command():
    """Print the current instrument (items, scales, options) as JSON."""
    click.echo(json.dumps(instrument_bank().current.to_dict(), ensure_ascii=False, indent=2))


@click.command("score")
@click.argument("answers_file", type=click.Path(dir_okay=False))
@click.option("--jsonl", is_flag=True,
              help="The file holds one answers object per line; print one profile per line, in input order.")
@with_appcontext
def score_command(answers_file: str, jsonl: bool):
    """Score an answers file and print the profile as JSON."""
    instrument = instrument_bank().current
    if not jsonl:
        profile = score_answers(instrument, _read_answers(answers_file))
        click.echo(json.dumps(profile.to_dict(), ensure_ascii=False, indent=2))
        return
    # Every line is checked before anything is printed, so a bad line never
    # leaves a half-written output behind.
    answer_sets = []
    for number, line in enumerate(read_text(answers_file).splitlines(), 1):
        if not line.strip():
            continue
        try:
            answer_sets.append(parse_answers(instrument, line))
        except AnswersError as exc:
            fail(f"{answers_file}: line {number}: {exc}")
    if not answer_sets:
        fail(f"{answers_file}: no answers (one JSON object per line expected)")
    for answer_set in answer_sets:
        click.echo(json.dumps(score_answers(instrument, answer_set).to_dict(), ensure_ascii=False))


@click.command("report")
@click.argument("answers_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", required=True, type=click.Path(), help="PDF file (one input) or folder (several).")
@click.option("--lang", help="Report language, one of the item bank's (default: each file's own).")
@click.option("--processes", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Processes laying out pages when there are several answers files.")
@with_appcontext
def report_command(answers_files: tuple[str, ...], output: str, lang: str | None, processes: int):
    """Render PDF profile reports from answers files."""
    instrument = instrument_bank().current
    checked_language(instrument, lang, "--lang")
    # Read and check every input before writing anything.
    answer_sets = [(path, _read_answers(path)) for path in answers_files]
    out = Path(output)
    if len(answer_sets) == 1:
        if out.is_dir():
            fail(f"{output} is a folder; with one answers file, -o names the PDF file")
        targets = [out]
    else:
        if out.exists() and not out.is_dir():
            fail(f"{output} is a file; with several answers files, -o names a folder")
        stems = [Path(p).stem for p, _ in answer_sets]
        if len(set(stems)) != len(stems):
            fail("two answers files have the same name; their PDFs would overwrite each other")
        targets = [out / f"{stem}.pdf" for stem in stems]

    jobs = []
    for (path, answer_set), target in zip(answer_sets, targets):
        if lang:
            answer_set = replace(answer_set, language=lang)
        profile = score_answers(instrument, answer_set)
        jobs.append((target, ProfileReport(profile, instrument, answer_set.answers, answer_set.respondent, date.today())))

    if len(targets) > 1:
        out.mkdir(parents=True, exist_ok=True)
    # WeasyPrint, kaleido and Chromium (reports/pdf.py) only in the command that makes PDFs.
    from reports.batch import render_profile_pdfs

    try:
        pdfs = render_profile_pdfs((report for _, report in jobs), processes=min(processes, len(jobs)))
        if len(jobs) == 1:
            _write_atomically(jobs[0][0], next(pdfs))
        else:
            with click.progressbar(length=len(jobs), label="Rendering reports", file=sys.stderr, show_pos=True) as bar:
                for (target, _), pdf in zip(jobs, pdfs):
                    _write_atomically(target, pdf)
                    bar.update(1)
    except ChartExportError as exc:
        fail(str(exc), status=1)
    click.echo(f"Wrote {len(jobs)} report{'s' if len(jobs) > 1 else ''} to {output}", err=True)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("purge")
@with_appcontext
def purge_command():
    """Delete responses older than RETENTION_DAYS, ZIPs older than
    ZIP_RETENTION_HOURS and stored files of deleted responses (run daily from cron)."""
    result = purge()
    count = result.responses
    orphans = sum(result.orphans.values())
    click.echo(f"Deleted {count} expired response{'s' if count != 1 else ''}, {result.zips} ZIP"
               f"{'s' if result.zips != 1 else ''}, {result.retake_links} expired retake link"
               f"{'s' if result.retake_links != 1 else ''} and {orphans} leftover{'s' if orphans != 1 else ''} of deleted responses.")
    unconfirmed = result.unconfirmed_addresses
    click.echo(f"Deleted {unconfirmed} reminder address{'es' if unconfirmed != 1 else ''} not confirmed within "
               f"{CONFIRM_DAYS} days.")
    links = result.unconfirmed_link_addresses
    click.echo(f"Deleted {links} “e-mail me my link” address{'es' if links != 1 else ''} not confirmed within "
               f"{CONFIRM_DAYS} days.")


COMMANDS = (instrument_command, score_command, report_command, purge_command)
