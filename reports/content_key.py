"""A stable digest of what a report shows, for its cache key: derived from the report's
data, not from a hand-kept list of its fields, so a field added to a report can never
serve a stale PDF. A value of a type it does not know is refused, not guessed at."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Mapping, Set
from datetime import date, datetime, time
from decimal import Decimal


def content_key(value: object) -> str:
    """The SHA-256 hex digest of `value`'s content: dataclasses field by field (their
    properties are derived from the fields), mappings and sets in sorted order."""
    digest = hashlib.sha256()
    _feed(value, digest)
    return digest.hexdigest()


def _feed(value: object, digest) -> None:
    write = digest.update
    if value is None or isinstance(value, (bool, int, float, str, Decimal)):
        write(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, (datetime, date, time)):
        write(f"{type(value).__name__}:{value.isoformat()};".encode())
    elif isinstance(value, enum.Enum):
        write(f"enum:{type(value).__name__}.{value.name};".encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        write(f"{type(value).__qualname__}(".encode())
        for f in dataclasses.fields(value):
            write(f"{f.name}=".encode())
            _feed(getattr(value, f.name), digest)
        write(b")")
    elif isinstance(value, Mapping):
        write(b"{")
        for key in sorted(value, key=repr):
            _feed(key, digest)
            _feed(value[key], digest)
        write(b"}")
    elif isinstance(value, Set):
        write(b"set[")
        for member in sorted(value, key=repr):
            _feed(member, digest)
        write(b"]")
    elif isinstance(value, (list, tuple)):
        write(b"[")
        for member in value:
            _feed(member, digest)
        write(b"]")
    else:
        raise TypeError(f"content_key does not know how to read a {type(value).__name__}; add it here")
