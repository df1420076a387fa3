"""Issue 25, F8: hostile lines in `flask import-responses` each end in exit 2 with one line
naming the line number and the problem, and nothing is imported; valid JSON holding U+2028
or U+0085 imports. Run on SQLite and (TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from services.db import db
from services.models import Answer, Response

from .support.answers import varied_answers


def good_line(instrument, n=0, **extra) -> str:
    return json.dumps({"language": "en", "answers": varied_answers(instrument, n), "research_consent": True,
                       "external_id": f"ok{n}", "completed_at": "2026-11-02T10:00:00Z", **extra}, ensure_ascii=False)


def counts(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id))), db.session.scalar(select(func.count()).select_from(Answer))


def hostile(instrument):
    good = json.loads(good_line(instrument, 9))
    answers = json.dumps(good["answers"])
    return {
        "deep nesting": '{"language": "en", "answers": ' + "[" * 40_000 + "]" * 40_000 + "}",
        "a 5,000-digit integer": '{"language": "en", "answers": {"pc1": ' + "9" * 5000 + "}}",
        "a lone surrogate": '{"language": "en", "respondent": "\\ud800", "answers": ' + answers + "}",
        "a lone surrogate in the id": '{"language": "en", "external_id": "x\\udc00", "answers": ' + answers + "}",
        "a year-1 date": '{"language": "en", "completed_at": "0001-01-01T00:00:00+01:00", "answers": ' + answers + "}",
        "a year-1 date in UTC": '{"language": "en", "completed_at": "0001-01-01T00:00:00Z", "answers": ' + answers + "}",
        "NUL in the id": '{"language": "en", "external_id": "a\\u0000b", "answers": ' + answers + "}",
        "NaN": '{"language": "en", "seconds_per_item": NaN, "answers": ' + answers + "}",
        "a float beyond range": '{"language": "en", "seconds_per_item": 1e999, "answers": ' + answers + "}",
        "a huge line": '{"language": "en", "respondent": "' + "x" * 200_000 + '", "answers": ' + answers + "}",
        # Longer than the web's forms and the database column allow (assessment.MAX_RESPONDENT_NAME).
        "a name of 121 letters": '{"language": "en", "respondent": "' + "x" * 121 + '", "answers": ' + answers + "}",
    }


@pytest.mark.parametrize("problem", [
    "deep nesting", "a 5,000-digit integer", "a lone surrogate", "a lone surrogate in the id", "a year-1 date",
    "a year-1 date in UTC", "NUL in the id", "NaN", "a float beyond range", "a huge line",
    "a name of 121 letters"])
def test_a_hostile_line_exits_2_naming_its_line_and_nothing_is_imported(app, runner, instrument, tmp_path, problem):
    line = hostile(instrument)[problem]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([good_line(instrument, 0), good_line(instrument, 1), line, good_line(instrument, 2)]) + "\n",
                    encoding="utf-8")
    before = counts(app)
    result = runner.invoke(args=["import-responses", str(path)])
    assert result.exit_code == 2, (problem, result.exit_code, result.output[-800:], repr(result.exception))
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert "line 3:" in lines[0] and "nothing was imported" in lines[0] and "Traceback" not in result.output
    assert counts(app) == before, "nothing half-imported"


def test_the_problems_are_named(app, runner, instrument, tmp_path):
    named = {"deep nesting": "nested far too deeply", "a 5,000-digit integer": "far too many digits",
             "a lone surrogate": "lone surrogate", "a year-1 date": "is before 2000-01-01",
             "NUL in the id": "control character", "a huge line": "longer than"}
    for problem, words in named.items():
        path = tmp_path / "r.jsonl"
        path.write_text(hostile(instrument)[problem] + "\n", encoding="utf-8")
        result = runner.invoke(args=["import-responses", str(path)])
        assert result.exit_code == 2 and words in result.output, (problem, result.output[-300:])


def test_valid_json_with_line_separators_inside_strings_imports(app, runner, instrument, tmp_path):
    """U+2028, U+2029 and U+0085 are characters inside a JSON string, not line ends (str.splitlines cut there)."""
    path = tmp_path / "r.jsonl"
    lines = [good_line(instrument, 0, respondent="Åsa\u2028Öst"), good_line(instrument, 1, respondent="Bo\u0085Berg"),
             good_line(instrument, 2, external_id="id\u2029x")]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = runner.invoke(args=["import-responses", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 responses" in result.output
    assert counts(app)[0] == 3
