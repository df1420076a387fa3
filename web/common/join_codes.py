"""Join codes: six characters from an alphabet without look-alikes
(no 0/O, 1/I/L, 2/Z, 5/S, 8/B), read aloud or off a projector without doubt."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import Workshop

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_join_code(text: str) -> str | None:
    """The code as stored, or None if it cannot be one. Case, spaces and dashes are ignored."""
    code = re.sub(r"[\s\-]+", "", text or "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def unused_join_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code
