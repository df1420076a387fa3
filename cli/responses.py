"""`flask --app app instrument` and `score`, and what the commands that read answers files
share. Bad input exits with status 2 and one line naming the problem; nothing is written then.
`report` is in reports.py and `purge` in purge.py: the PDF layout and the report queue are
theirs alone."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from assessment import AnswersError, parse_answers, score_answers
from cli.errors import fail
from services.instruments import instrument_bank


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


def read_answers(path: str):
    """An answers file the user named, checked against the current instrument, or exit 2."""
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
        profile = score_answers(instrument, read_answers(answers_file))
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
