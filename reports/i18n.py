"""Translations for reports, from the same compiled catalogs the web app uses,
without a request: reports are rendered by the CLI and background workers too."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class CatalogMissing(RuntimeError):
    pass


@lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()  # English is the source language of the catalogs
    catalog = Translations.load(str(TRANSLATIONS_DIR), [language])
    if not isinstance(catalog, Translations):
        # Babel falls back to English silently; a Swedish report in English is a bug.
        raise CatalogMissing(
            f"no compiled catalog for '{language}' in {TRANSLATIONS_DIR}; run 'make translations'"
        )
    return catalog
