"""Translations for reports, from the same compiled catalogs the web app uses,
without a request: reports are rendered by the CLI and report workers too."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.dates import format_date
from babel.numbers import format_decimal
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


# English dates and numbers follow British conventions ("27 November 2026"):
# the product is made in Europe, and day-month order reads the same as in Swedish.
FORMAT_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def long_date(day, language: str) -> str:
    """A date as people write it in `language`: "27 november 2026", "27 November 2026"."""
    return format_date(day, format="long", locale=FORMAT_LOCALES.get(language, language))


def short_date(day, language: str) -> str:
    """A date in words, its month short: "28 sep. 2026", "28 Sept 2026"; for a take's label in a
    chart or a table heading, where four takes side by side must fit a phone's width."""
    return format_date(day, format="medium", locale=FORMAT_LOCALES.get(language, language))


# A negative number is typeset with the minus sign (U+2212), as both languages print it: Babel
# gives the hyphen-minus, which is shorter than a plus and breaks a line after it.
MINUS = "\u2212"


def _typeset(number: str) -> str:
    """The minus sign for a negative number; none for one that rounds to zero ("-0,00")."""
    if not number.startswith("-"):
        return number
    return number[1:] if not any(digit in "123456789" for digit in number) else MINUS + number[1:]


def decimal(value: float, language: str) -> str:
    """A number with the language's decimal mark: "37,5" in Swedish, "37.5" in English."""
    return _typeset(format_decimal(value, format="#,##0.##", locale=FORMAT_LOCALES.get(language, language)))


def fixed(value: float, language: str, places: int = 2) -> str:
    """A number with exactly `places` decimals and the language's decimal mark and minus sign."""
    return _typeset(format_decimal(value, format="0." + "0" * places, locale=FORMAT_LOCALES.get(language, language)))


def signed(value: float | None) -> str:
    """A difference in whole points with its sign: "+12", "−50", and "0" for one that rounds
    to nothing (half away from zero, so -0.4 is "0", never "-0"); "–" for none."""
    if value is None:
        return "–"
    points = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return "0" if points == 0 else f"+{points}" if points > 0 else f"{MINUS}{-points}"


def format_filters(language: Callable[[], str]) -> dict[str, Callable]:
    """The template filters for dates and numbers, the same in pages and PDFs:
    `long_date`, `short_date`, `decimal`, `fixed2`, `fixed` (with places), `signed`, each in the language `language()` names."""
    return {
        "long_date": lambda day: long_date(day, language()),
        "short_date": lambda day: short_date(day, language()),
        "decimal": lambda value: decimal(value, language()),
        "fixed2": lambda value: fixed(value, language()),
        "fixed": lambda value, places=2: fixed(value, language(), places),
        "signed": signed,
    }
