"""Every `flask --app app <command>`, registered in one place, one module per
group: responses (instrument, score, report, purge), research (import-responses,
item-analysis, freeze-norms), simulate, accounts (create-coach), workshops
(demo-workshop), followup (send-reminders). The command modules import no views
and do not import each other's registration."""

from __future__ import annotations

from flask import Flask

from cli import accounts, followup, research, responses, simulate, workshops


def register(app: Flask) -> None:
    for command in (*responses.COMMANDS, accounts.create_coach_command, workshops.demo_workshop_command,
                    followup.send_reminders_command, simulate.simulate_command, *research.COMMANDS):
        app.cli.add_command(command)
