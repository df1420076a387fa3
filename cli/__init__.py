"""Every `flask --app app <command>`, registered in one place, one module per
group: responses (instrument, score), reports (report), purge, research (import-responses,
item-analysis, freeze-norms, accept-evidence), simulate, accounts (create-coach), workshops
(demo-workshop), followup (send-reminders), database (db: Flask-Migrate's). The command
modules import no views and do not import each other's registration. A command stops on an
error with cli/errors.py's `fail(message, status)`: one "Error: ..." line on standard error,
status 2 for bad input, 1 when the work itself failed.

A command's module is imported when that command runs or shows its own help, not when the
app is built: every `flask` command and every web process builds the app, and importing all
the modules behind all the commands cost each of them what only some commands use (numpy and
the evidence services, password strength, the report queue, PDF layout, Alembic: 0.6 s of
`flask score`'s 1.4 s, issue 29). `flask --help` lists them from the table below."""

from __future__ import annotations

import importlib
from typing import Callable

import click
from flask import Flask


class DeferredCommand(click.Command):
    """A command known by its name and the start of its help; its module is imported when it
    runs: make_context hands the parsing, and so the command's own options and help, to it."""

    def __init__(self, name: str, load: Callable[[click.Context | None], click.Command], help: str):
        super().__init__(name, help=help)
        self.load = load

    def make_context(self, info_name, args, parent=None, **extra):
        return self.load(parent).make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context):
        return ctx.command.invoke(ctx) if ctx.command is not self else self.load(ctx.parent).invoke(ctx)


# Each command's module is imported when the command runs (importlib: one loader for all), and
# waits for a reason of its own: responses – the answers files' commands; reports – the PDF batch
# (plotly, the report server's client, multiprocessing); purge – the personal-data services and the
# report queue (Redis, rq); research – numpy and the evidence services; simulate – the respondent
# models; accounts – e-mail validation, argon2, zxcvbn; workshops – the workshop and response
# services; followup – the mail and reminder services; database – Alembic, Mako and Pygments.
def _command(module: str, attribute: str) -> Callable[[click.Context | None], click.Command]:
    return lambda parent: getattr(importlib.import_module(f"cli.{module}"), attribute)


def _database(parent: click.Context | None) -> click.Command:
    return importlib.import_module("cli.database").db_command(parent)


# name -> (the command, the first paragraph of its help, which `flask --help` shortens to one line;
# tests/test_cli.py checks that each is the command's own).
COMMANDS: dict[str, tuple[Callable[[click.Context | None], click.Command], str]] = {
    "instrument": (_command("responses", "instrument_command"),
                   "Print the current instrument (items, scales, options) as JSON."),
    "score": (_command("responses", "score_command"), "Score an answers file and print the profile as JSON."),
    "report": (_command("reports", "report_command"), "Render PDF profile reports from answers files."),
    "purge": (_command("purge", "purge_command"),
              "Delete responses older than RETENTION_DAYS, ZIPs older than ZIP_RETENTION_HOURS and stored "
              "files of deleted responses (run daily from cron)."),
    "create-coach": (_command("accounts", "create_coach_command"),
                     "Create a coach account (the password is prompted for)."),
    "demo-workshop": (_command("workshops", "demo_workshop_command"),
                      "Create a demo coach, a named workshop and completed synthetic responses."),
    "send-reminders": (_command("followup", "send_reminders_command"),
                       "Send every due follow-up reminder e-mail, each exactly once."),
    "simulate": (_command("simulate", "simulate_command"),
                 "Simulate honest and careless respondents, score them with the real engine, print note rates, "
                 "reliability and band agreement."),
    "import-responses": (_command("research", "import_responses_command"),
                         'Import completed responses from a JSON Lines file (one answers file per line, plus '
                         'optional "research_consent", "completed_at", "external_id" and "simulated").'),
    "item-analysis": (_command("research", "item_analysis_command"),
                      "Reliability and item statistics from consenting, completed responses; the result is also "
                      "cached for the measurement page and the score intervals."),
    "freeze-norms": (_command("research", "freeze_norms_command"),
                     "Freeze a dated norm table (percentiles per scale) for one version and language."),
    "accept-evidence": (_command("research", "accept_evidence_command"),
                        "Publish a candidate item analysis or norm table, after showing its provenance and what it "
                        "changes: from then on pages, intervals and percentiles use it."),
    "db": (_database, "Perform database migrations."),
}


def register(app: Flask) -> None:
    for name, (load, help) in COMMANDS.items():
        app.cli.add_command(DeferredCommand(name, load, help))
