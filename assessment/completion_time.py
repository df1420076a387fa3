"""How long the questionnaire takes: a reading-time model over an instrument's own
texts. The start and join pages say "about N minutes" from it, so the figure follows
the items when they change; bench/completion_time.py prints it per version.

Model (per simulated respondent, seeded):
- reading speed, log-normal across people: median 180 words/min (slow, careful
  reading of short statements; fluent adults read 200–260), log-SD 0.30;
- per item, after reading it: choosing an answer, log-normal, median 2.5 s,
  log-SD 0.40 (about the 2 s floor of Huang et al. 2012 plus deliberation);
- per page: reading the page hint, plus 4 s to look over the page, press Next and
  wait for the next page;
- once: the start page (name, language) 30 s, and the instructions on page 1.
A model, not a measurement: no one's time on the pages is used."""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

import numpy as np


class _Item(Protocol):
    text: Mapping[str, str]


class Texts(Protocol):
    """What the model reads of an instrument (assessment.instrument.Instrument has it all).
    Named here rather than imported, so that this module stays a leaf of assessment/."""

    items: Sequence[_Item]
    pages: Sequence
    languages: Sequence[str]
    page_hint: Mapping[str, str] | None
    instructions: Mapping[str, str] | None

WORDS_PER_MINUTE = 180.0
READING_LOG_SD = 0.30
ANSWER_SECONDS = 2.5
ANSWER_LOG_SD = 0.40
PAGE_SECONDS = 4.0
START_SECONDS = 30.0
# v1 had no hint of its own in the item bank; its page showed this sentence.
V1_HINT = {"en": "How often does this happen in your work? Think of the last few months.",
           "sv": "Hur ofta händer det här i ditt arbete? Tänk på de senaste månaderna."}


def words(text: str) -> int:
    return len(text.split())


def completion_seconds(instrument: Texts, language: str, n: int = 20000, seed: int = 1) -> np.ndarray:
    """n simulated respondents' times (s) for the whole questionnaire in this language."""
    rng = np.random.default_rng(seed)
    item_words = np.array([words(item.text[language]) for item in instrument.items])
    hint = instrument.page_hint[language] if instrument.page_hint else V1_HINT[language]
    once_words = words(instrument.instructions[language]) if instrument.instructions else 0
    pages = len(instrument.pages)
    read_words = item_words.sum() + once_words + pages * words(hint)
    words_per_second = np.exp(rng.normal(np.log(WORDS_PER_MINUTE / 60), READING_LOG_SD, n))
    answering = np.exp(rng.normal(np.log(ANSWER_SECONDS), ANSWER_LOG_SD, (n, len(item_words)))).sum(axis=1)
    return START_SECONDS + read_words / words_per_second + answering + pages * PAGE_SECONDS


def typical_minutes(instrument: Texts) -> int:
    """The model's median over the instrument's languages, in whole minutes: what the
    pages promise ("about N minutes"). About 50 ms, so computed once per set of texts:
    an edited instrument (other texts) gets its own figure.

    Not a property of Instrument, so that loading and scoring an instrument does not import
    numpy (0.1 s of every `flask` command's start, issue 29): the start and join pages and
    the reminder e-mail, which say the figure, import this module."""
    key = _texts(instrument)
    minutes = _MINUTES.get(key)
    if minutes is None:
        medians = [float(np.median(completion_seconds(instrument, language, n=4000)))
                   for language in instrument.languages]
        minutes = _MINUTES[key] = max(1, round(max(medians) / 60))
    return minutes


# Every text the model reads -> its figure (a few instruments per process).
_MINUTES: dict[tuple, int] = {}


def _texts(instrument: Texts) -> tuple:
    return (tuple(instrument.languages), tuple(tuple(sorted(item.text.items())) for item in instrument.items),
            len(instrument.pages), tuple(sorted(instrument.page_hint.items())) if instrument.page_hint else None,
            tuple(sorted(instrument.instructions.items())) if instrument.instructions else None)
