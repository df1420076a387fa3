"""Every `flask --app app <command>`, registered in one place. The command
modules import no views and do not import each other's registration."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import cli
    from .coach.accounts.cli import create_coach_command
    from .coach.workshops.cli import demo_workshop_command
    from .followup.cli import send_reminders_command
    from .research_cli import COMMANDS as research_commands
    from .simulate import simulate_command

    for command in (*cli.COMMANDS, create_coach_command, demo_workshop_command, send_reminders_command,
                    simulate_command, *research_commands):
        app.cli.add_command(command)
