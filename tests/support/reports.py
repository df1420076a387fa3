"""Profile reports made from answers, and the text read back from a PDF (test_reports, test_report_server)."""

from __future__ import annotations

import unicodedata
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from assessment import AnswerSet, score_answers
from reports.report_model import ProfileReport

from .answers import varied_answers

HOSTILE = 'Åsa "Ö" <script>alert(1)</script> & Co'


def report_for(bank, language, name=HOSTILE, answers=None, seconds=()):
    answers = answers or varied_answers(bank)
    profile = score_answers(bank, AnswerSet(language, answers, name, seconds))
    return ProfileReport(profile, bank, answers, name, date(2026, 11, 27))


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(BytesIO(data))
    return reader, [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
