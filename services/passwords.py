"""Password hashing with argon2id. What a new password must be is in password_strength.py."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash() -> str:
    """A fixed hash to verify against when the e-mail is unknown, so that a wrong e-mail and a
    wrong password take the same time. Made on first use, not at import: an argon2 hash costs
    every process that imports this module (every `flask` command) 0.1–0.4 s of CPU here."""
    return _hasher.hash("not-a-real-password")
