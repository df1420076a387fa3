"""Names of downloaded files: a word from the message catalog in the file's
language, then what people typed or chose (a name, a title, a date), in
lower-case ASCII. Never an internal id (database ids, instrument ids)."""

from __future__ import annotations

import re
import unicodedata

from reports.i18n import translations


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def _words(language: str) -> dict[str, str]:
    catalog = translations(language)
    return {
        "profile": catalog.pgettext("file name", "profile"),
        "profiles": catalog.pgettext("file name", "profiles"),
        "team": catalog.pgettext("file name", "team"),
        "scores": catalog.pgettext("file name", "scores"),
        "questionnaire": catalog.pgettext("file name", "questionnaire"),
        "follow-up": catalog.pgettext("file name", "follow-up"),
        "technical note": catalog.pgettext("file name", "technical note"),
        "coach edition": catalog.pgettext("file name", "coach edition"),
    }


def file_name(language: str, word: str, *parts: str, ext: str) -> str:
    """E.g. file_name("sv", "team", "Höstkickoff", "2026-11-27", ext="pdf") == "grupp-hostkickoff-2026-11-27.pdf"."""
    stems = [slug(_words(language)[word])] + [slug(part) for part in parts]
    return "-".join(stem for stem in stems if stem) + f".{ext}"


def numbered(name: str, taken: set[str]) -> str:
    """`name`, or name-2, name-3 … if a file of that name is already in `taken` (e.g. in one ZIP)."""
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{dot}{ext}"
    return candidate
