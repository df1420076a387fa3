"""How every `flask` command stops on an error: `fail(message)` prints one line
"Error: <message>" on standard error and exits with the status given (2 for bad input, the
default; 1 when the input was fine but the work failed). Nothing is written after it."""

from __future__ import annotations

import sys
from typing import NoReturn

import click


def fail(message: str, status: int = 2) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)
