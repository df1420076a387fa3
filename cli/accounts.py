from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from cli.errors import fail
from services.accounts import checked_email, create_coach, find_coach
from services.password_strength import password_problem


@click.command("create-coach")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_coach_command(email: str, password_stdin: bool):
    """Create a coach account (the password is prompted for)."""
    try:
        email = checked_email(email)
    except ValueError as exc:
        fail(f"{email!r} is not an e-mail address: {exc}")
    if find_coach(email):
        fail(f"a coach with e-mail {email} exists already")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email=email)  # the shared messages, in English
    if problem:
        fail(f"{problem}")
    create_coach(email, password)
    click.echo(f"Created coach {email}")
