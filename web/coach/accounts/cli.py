from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from .passwords import MIN_LENGTH
from .coaches import create_coach, find_coach


@click.command("create-coach")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_coach_command(email: str, password_stdin: bool):
    """Create a coach account (the password is prompted for)."""
    if "@" not in email or len(email) > 254:
        click.echo(f"Error: '{email}' is not an e-mail address", err=True)
        sys.exit(2)
    if find_coach(email):
        click.echo(f"Error: a coach with e-mail {email} exists already", err=True)
        sys.exit(2)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        click.echo(f"Error: the password must have at least {MIN_LENGTH} characters", err=True)
        sys.exit(2)
    create_coach(email, password)
    click.echo(f"Created coach {email.strip().lower()}")
