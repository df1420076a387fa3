"""Research helpers: JSONL files of simulated answers, importing them, and running the analysis.

Import these from here (tests/support/research.py), never from another test module."""

from __future__ import annotations

import json

from .simulated import unflagged_answers


def jsonl(answer_sets, *, consent=True, prefix="s", start=0, completed_at="2026-11-02T10:00:00Z"):
    lines = []
    for k, a in enumerate(answer_sets, start):
        line = {"language": a.language, "answers": dict(a.answers), "seconds_per_item": 6.0}
        if consent is not None:
            line["research_consent"] = consent
        if prefix:
            line["external_id"] = f"{prefix}{k}"
        if completed_at:
            line["completed_at"] = completed_at
        lines.append(json.dumps(line))
    return "\n".join(lines) + "\n"

def write(tmp_path, text, name="responses.jsonl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)

def import_simulated(runner, instrument, tmp_path, n, *, language="en", seed=0, prefix="s", start=0, honest=False):
    sets = unflagged_answers(instrument, n, seed=seed, language=language, honest=honest)
    path = write(tmp_path, jsonl(sets, prefix=prefix, start=start), f"{prefix}{start}.jsonl")
    result = runner.invoke(args=["import-responses", path])
    assert result.exit_code == 0, result.output

def analyse(runner, accept=True):
    """Run the item analysis and, as an operator would after reading its provenance, publish it."""
    result = runner.invoke(args=["item-analysis", "--json", "--resamples", "0"])
    assert result.exit_code == 0, result.output
    analysis = json.loads(result.output)
    if accept:
        accepted = runner.invoke(args=["accept-evidence", "item-analysis", str(analysis["candidate_id"])])
        assert accepted.exit_code == 0, accepted.output
    return analysis
