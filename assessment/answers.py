"""An answer set: what one respondent answered, checked against the instrument.

The same checks serve the answers files of the CLI and the stored responses of
the web app, so a value outside 1–5 or an unknown item is refused the same way
everywhere."""

from __future__ import annotations

import json
import math
import reprlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .instrument import Instrument

# "Does not apply to me": an answer of its own, outside the 1–5 scale. Kept
# apart from the 1–5 answers so that nothing can average it in by mistake.
NOT_APPLICABLE = "na"

# The longest name a respondent may give, in characters: the one limit of the web's forms (the
# questionnaire's start, a workshop's join, a coach's participant), of the answers files the
# command line reads and imports, and of the database column that stores it.
MAX_RESPONDENT_NAME = 120


class AnswersError(ValueError):
    """Answers that cannot be scored; the message names the problem."""


_shown = reprlib.Repr()
_shown.maxstring = _shown.maxother = _shown.maxlong = 40


def _short(value: Any) -> str:
    """A value as it may appear in a one-line message: quoted, escaped, shortened."""
    return _shown.repr(value)


@dataclass(frozen=True)
class AnswerSet:
    language: str
    answers: Mapping[str, int]
    respondent: str | None = None
    # Per-item timing estimates in seconds (one per page, or a single figure).
    item_seconds: Sequence[float] = field(default_factory=tuple)
    # Items answered "does not apply to me"; never in `answers`.
    not_applicable: frozenset[str] = frozenset()

    def __post_init__(self):
        both = self.not_applicable & set(self.answers)
        if both:
            raise AnswersError(f"item '{sorted(both)[0]}' is both answered and 'does not apply'")


def split_answers(
    instrument: Instrument, answers: Mapping[str, Any]
) -> tuple[dict[str, int], frozenset[str]]:
    """Check raw answers (1–5 or "na") and return ({item id: 1–5}, {item ids answered "na"})."""
    scale_answers = {k: v for k, v in answers.items() if v != NOT_APPLICABLE}
    not_applicable = frozenset(k for k, v in answers.items() if v == NOT_APPLICABLE)
    for item_id in sorted(not_applicable):
        if item_id not in instrument.item_ids:
            raise AnswersError(f"unknown item id {_short(item_id)}")
        if not instrument.offers_not_applicable:
            raise AnswersError(
                f"item '{item_id}': \"na\" (does not apply) is not an answer in version {instrument.version}"
            )
        item = _item(instrument, item_id)
        if not item.offers_not_applicable:
            raise AnswersError(
                f"item '{item_id}': \"na\" (does not apply) is not offered for the items of scale "
                f"'{item.scale_id}' – they apply to everyone; answer 1–5"
            )
    return check_answers(instrument, scale_answers), not_applicable


def _item(instrument: Instrument, item_id: str):
    return next(item for item in instrument.items if item.id == item_id)


def check_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int]:
    """Return the answers as {item id: int}, or raise AnswersError naming the first problem."""
    checked: dict[str, int] = {}
    for item_id, value in answers.items():
        if item_id not in instrument.item_ids:
            raise AnswersError(f"unknown item id {_short(item_id)}")
        if isinstance(value, bool) or not isinstance(value, int):
            also = ' or "na"' if instrument.offers_not_applicable else ""
            raise AnswersError(f"item '{item_id}': answer {_short(value)} is not an integer 1–5{also}")
        if not 1 <= value <= 5:
            raise AnswersError(f"item '{item_id}': answer {_short(value)} is outside 1–5")
        checked[item_id] = value
    return checked


def check_language(instrument: Instrument, language: Any) -> str:
    if language not in instrument.languages:
        raise AnswersError(
            f"unknown language {_short(language)}; use one of {', '.join(instrument.languages)}"
        )
    return language


def parse_answers(instrument: Instrument, text: str) -> AnswerSet:
    """Parse an answers file:
    {"language": "sv"|"en", "respondent": optional, "answers": {id: 1..5 or "na"},
     "seconds_per_item": optional number, or "seconds_per_page": optional list, one per page}.
    """
    data = _load_json(text)
    if not isinstance(data, dict):
        raise AnswersError("the top level must be a JSON object")
    unknown = set(data) - {"language", "respondent", "answers", "seconds_per_item", "seconds_per_page"}
    if unknown:
        raise AnswersError(f"unknown field(s): {', '.join(_short(k) for k in sorted(unknown))}")
    if "language" not in data:
        raise AnswersError("'language' is missing")
    language = check_language(instrument, data["language"])
    respondent = data.get("respondent")
    if respondent is not None and not isinstance(respondent, str):
        raise AnswersError("'respondent' must be text")
    if respondent is not None and len(respondent.strip()) > MAX_RESPONDENT_NAME:  # counted as the web's forms count
        raise AnswersError(f"'respondent' is longer than {MAX_RESPONDENT_NAME} characters")
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise AnswersError("'answers' must be an object of item id to answer 1–5 (or \"na\")")
    item_seconds = _item_seconds(instrument, data)
    scale_answers, not_applicable = split_answers(instrument, answers)
    return AnswerSet(
        language=language,
        answers=scale_answers,
        not_applicable=not_applicable,
        respondent=(respondent.strip() or None) if respondent else None,
        item_seconds=item_seconds,
    )


def _load_json(text: str) -> Any:
    """JSON as a file may really hold it: a leading BOM is fine; nesting too
    deep for Python, numbers of thousands of digits, NaN/Infinity and text that
    is not Unicode (a lone surrogate) are answered with one clear line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except AnswersError:
        raise
    except json.JSONDecodeError as exc:
        raise AnswersError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise AnswersError("not valid answers: the JSON is nested far too deeply") from None
    except ValueError:  # Python refuses to read integers of more than 4300 digits
        raise AnswersError("not valid answers: a number has far too many digits") from None
    _check_text(data)
    return data


def _no_constant(name: str):
    raise AnswersError(f"not valid answers: {name} is not a number JSON allows")


def _check_text(data: Any) -> None:
    # Walked without recursion: nesting json accepted may still be deep.
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise AnswersError("not valid answers: the text holds a lone surrogate (\\ud800–\\udfff), "
                                   "which is not a character") from None


def _is_seconds(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value)) and value >= 0
    except OverflowError:  # an integer beyond any float
        return False


def _item_seconds(instrument: Instrument, data: Mapping[str, Any]) -> tuple[float, ...]:
    """Seconds per item: the one figure of "seconds_per_item", or one estimate per page
    from "seconds_per_page" (a page's seconds over its number of items, as the web app times)."""
    if "seconds_per_item" in data and "seconds_per_page" in data:
        raise AnswersError("give 'seconds_per_item' or 'seconds_per_page', not both")
    seconds = data.get("seconds_per_item")
    if seconds is not None:
        if not _is_seconds(seconds):
            raise AnswersError("'seconds_per_item' must be a number of seconds, 0 or more")
        return (float(seconds),)
    pages = data.get("seconds_per_page")
    if pages is None:
        return ()
    if not isinstance(pages, list) or not all(_is_seconds(s) for s in pages):
        raise AnswersError("'seconds_per_page' must be a list of seconds, 0 or more, one per page")
    if len(pages) != len(instrument.pages):
        raise AnswersError(
            f"'seconds_per_page' has {len(pages)} entries; the questionnaire has {len(instrument.pages)} pages"
        )
    return seconds_per_item(instrument, enumerate(pages, 1))


def seconds_per_item(instrument: Instrument, page_seconds: Iterable[tuple[int, float]]) -> tuple[float, ...]:
    """One estimate per timed page, in page order whatever order the pairs come in (a database
    returns stored rows in no set order; the late-pages rule reads the last ones): (page number
    from 1, seconds on it) -> the page's seconds over its number of items. Pages the instrument
    does not have are ignored."""
    pages = instrument.pages
    return tuple(float(seconds) / len(pages[page - 1])
                 for page, seconds in sorted(page_seconds) if 1 <= page <= len(pages))


# The hardened reader above, for other readers of answers in JSON (bulk imports).
load_json = _load_json
