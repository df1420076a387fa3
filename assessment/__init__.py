"""The pure domain of the Tripwire self-assessment: instrument, scoring, bands,
validity flags, interpretation and team summaries. No web framework in here."""

from .answers import (
    MAX_RESPONDENT_NAME,
    AnswersError,
    AnswerSet,
    check_answers,
    parse_answers,
)
from .instrument import Instrument, InstrumentError
from .loader import load_instrument
from .profile import Flag, Profile, ScaleResult
from .scoring import score_answers

__all__ = [
    "MAX_RESPONDENT_NAME",
    "AnswerSet",
    "AnswersError",
    "Flag",
    "Instrument",
    "InstrumentError",
    "Profile",
    "ScaleResult",
    "check_answers",
    "load_instrument",
    "parse_answers",
    "score_answers",
]
