"""Password hashing with argon2id, and what a new password must be."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's score 3: about 10^8 guesses or more. It knows the common-password
# lists, keyboard walks, dates, l33t and repeats; "aaaaaaaaaaaa",
# "Password1234!" and "qwertyuiopas" score 0–1.
MIN_STRENGTH = 3


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


ZXCVBN_MAX_LENGTH = 72


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why this password may not be used (in the user's language), or None."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)s characters.", n=MAX_LENGTH)
    # zxcvbn's cost grows with length and it refuses more than 72 characters (a ValueError, a
    # 500 for a long passphrase): the first 72 decide, and a longer one only adds to them.
    hints = [part for part in email.lower().replace("@", " ").replace(".", " ").split() if part]
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=hints)["score"] < MIN_STRENGTH:
        return _("This password is too easy to guess: it's a common one, or made from a pattern or "
                 "your e-mail address. A few unrelated words make a strong one.")
    return None


@cache
def dummy_hash() -> str:
    """A fixed hash to verify against when the e-mail is unknown, so that a wrong e-mail and a
    wrong password take the same time. Made on first use, not at import: an argon2 hash costs
    every process that imports this module (every `flask` command) 0.1–0.4 s of CPU here."""
    return _hasher.hash("not-a-real-password")
