"""Issue 25, F3: nothing a visitor does changes what other people are shown. One client's
many consenting self-tests count at most MAX_PER_CLIENT times, duplicates and flagged
responses are left out, and a new item analysis or norm table is a candidate that changes
nothing until an operator accepts it after seeing its provenance. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

from sqlalchemy import select, update

from assessment import score_answers
from services import research
from services.db import db
from services.evidence import MAX_PER_CLIENT, client_bucket
from services.models import PageTiming, Response
from services.personal_data import delete_responses
from services.research import PUBLISH_STEP, latest_item_analysis

from .support.forms import Respondent
from .support.research import jsonl, write
from .support.simulated import simulated_answers, unflagged_answers


def published_n(app, instrument, language=None):
    with app.app_context():
        analysis = latest_item_analysis(instrument, language)
        return None if analysis is None else analysis["n"]


def analyse(runner):
    result = runner.invoke(args=["item-analysis", "--json", "--resamples", "0"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def self_tests_from_one_client(app, client, instrument, n, seed=7):
    """As the attacker did: consenting self-tests from one address, paced like people."""
    for answers in simulated_answers(instrument, n, seed=seed, honest=True):
        person = Respondent(client, instrument)
        person.start(data={"research_consent": "y"})
        person.complete(dict(answers.answers))
    with app.app_context():
        db.session.execute(update(PageTiming).values(seconds=60.0))  # no "too fast" flag
        db.session.commit()


def test_one_client_cannot_move_the_published_reliability(app, client, runner, instrument, tmp_path):
    people = unflagged_answers(instrument, 40, seed=1)
    assert runner.invoke(args=["import-responses", write(tmp_path, jsonl(people), "a.jsonl")]).exit_code == 0
    first = analyse(runner)
    assert runner.invoke(args=["accept-evidence", "item-analysis", str(first["candidate_id"])]).exit_code == 0
    published = published_n(app, instrument)
    assert published == first["n"] == 40
    # PUBLISH_STEP more people arrive meanwhile, so that a new publication may be accepted (see F9 below)
    more = unflagged_answers(instrument, PUBLISH_STEP, seed=2)
    assert runner.invoke(args=["import-responses", write(tmp_path, jsonl(more, prefix="m"), "b.jsonl")]).exit_code == 0

    self_tests_from_one_client(app, client, instrument, 12)
    with app.app_context():
        buckets = {r.client_bucket for r in db.session.scalars(select(Response).where(Response.source == "web"))}
        assert buckets == {client_bucket("127.0.0.1", app.config["SECRET_KEY"])} and len(next(iter(buckets))) == 4

    report = runner.invoke(args=["item-analysis", "--resamples", "0"])
    assert report.exit_code == 0, report.output
    assert "Provenance: N = " in report.output and f"self-test {MAX_PER_CLIENT}" in report.output
    assert "over the client cap 9" in report.output
    assert "by client bucket:" in report.output and "by day:" in report.output
    assert "nothing people see has changed" in report.output and f"N: {published} → " in report.output
    assert published_n(app, instrument) == published, "a new analysis changes nothing until accepted"

    candidate_id = int(report.output.split("accept-evidence item-analysis ")[1].split()[0])
    accepted = runner.invoke(args=["accept-evidence", "item-analysis", str(candidate_id)])
    assert accepted.exit_code == 0 and f"Published item-analysis #{candidate_id}" in accepted.output
    assert published_n(app, instrument) == published + PUBLISH_STEP + MAX_PER_CLIENT, "the client counts at most three times"


def test_duplicates_and_flagged_responses_are_left_out(app, runner, instrument, tmp_path):
    people = simulated_answers(instrument, 35, seed=2, honest=True)
    unflagged = [p for p in people if not score_answers(instrument, p).flags]
    copies = [unflagged[0]] * 6  # the same answers six more times
    lines = jsonl(people) + jsonl(copies, prefix="copy")
    # near-duplicates: one answer changed
    near = []
    for base in unflagged[1:5]:
        answers = dict(base.answers)
        first_item = sorted(answers)[0]
        answers[first_item] = 1 if answers[first_item] != 1 else 2
        near.append(type(base)(base.language, answers, None, base.item_seconds, not_applicable=base.not_applicable))
    lines += jsonl(near, prefix="near")
    # a straight-liner: flagged
    flat = type(people[0])("en", {i.id: 3 for i in instrument.items}, None, (6.0,))
    lines += jsonl([flat], prefix="flat")
    assert runner.invoke(args=["import-responses", write(tmp_path, lines)]).exit_code == 0
    result = analyse(runner)
    left_out = result["provenance"]["left_out"]
    # every copy and every one-answer variant of a counted response is left out (a variant may
    # also carry a flag, and is then left out as flagged), and so is the straight-liner
    assert left_out["near-duplicate"] >= 6 and left_out["flagged"] >= 1
    assert sum(left_out.values()) == 11 + (len(people) - len(unflagged))
    assert result["n"] == len(unflagged)
    assert result["provenance"]["by_source"]["import"] == result["n"]


def test_a_norm_table_is_a_candidate_until_accepted(app, runner, instrument, tmp_path, monkeypatch):
    monkeypatch.setattr(research, "NORMS_MIN_N", 30)
    people = simulated_answers(instrument, 45, seed=3, honest=True)
    assert runner.invoke(args=["import-responses", write(tmp_path, jsonl(people))]).exit_code == 0
    frozen = runner.invoke(args=["freeze-norms", "--version", instrument.version, "--language", "en"])
    assert frozen.exit_code == 0, frozen.output
    assert "Provenance: N = " in frozen.output and "this would be the first" in frozen.output
    with app.app_context():
        assert research.norm_table(instrument.id, instrument.version, "en") is None, "not used before it is accepted"
    candidate_id = int(frozen.output.split("accept-evidence norms ")[1].split()[0])
    assert runner.invoke(args=["accept-evidence", "norms", str(candidate_id)]).exit_code == 0
    with app.app_context():
        assert research.norm_table(instrument.id, instrument.version, "en").id == candidate_id
    missing = runner.invoke(args=["accept-evidence", "norms", "999999"])
    assert missing.exit_code == 2 and "there is no norms #999999" in missing.output


def _page(client):
    return re.sub(r'nonce="[^"]*"', "", client.get("/about/measurement?lang=en").text)


def test_one_addition_or_deletion_cannot_be_diffed_out_of_the_measurement_page(app, client, runner, instrument, tmp_path):
    """Issue 25, F9: the page was republished at every item-analysis run, so the difference
    between N = 100 and N = 101 gave back the 101st person's answers (or a deleted one's)."""
    people = simulated_answers(instrument, 100, seed=5, honest=True)
    assert runner.invoke(args=["import-responses", write(tmp_path, jsonl(people), "a.jsonl")]).exit_code == 0
    first = analyse(runner)
    assert runner.invoke(args=["accept-evidence", "item-analysis", str(first["candidate_id"])]).exit_code == 0
    before = _page(client)
    assert f"changed by at least {PUBLISH_STEP} since the last publication" in before

    one_more = simulated_answers(instrument, 1, seed=99, honest=True)
    assert runner.invoke(args=["import-responses", write(tmp_path, jsonl(one_more, prefix="x"), "b.jsonl")]).exit_code == 0
    added = analyse(runner)
    assert added["n"] == first["n"] + 1
    refused = runner.invoke(args=["accept-evidence", "item-analysis", str(added["candidate_id"])])
    assert refused.exit_code == 2 and f"at least {PUBLISH_STEP}" in refused.output
    assert _page(client) == before

    with app.app_context():
        delete_responses([db.session.scalars(select(Response).order_by(Response.id)).first()])
    removed = analyse(runner)
    assert removed["n"] == first["n"]
    assert runner.invoke(args=["accept-evidence", "item-analysis", str(removed["candidate_id"])]).exit_code == 2
    assert _page(client) == before

    many = simulated_answers(instrument, PUBLISH_STEP + 15, seed=100, honest=True)  # a few may carry a flag
    assert runner.invoke(args=["import-responses", write(tmp_path, jsonl(many, prefix="y"), "c.jsonl")]).exit_code == 0
    grown = analyse(runner)
    assert grown["n"] - first["n"] >= PUBLISH_STEP
    assert runner.invoke(args=["accept-evidence", "item-analysis", str(grown["candidate_id"])]).exit_code == 0
    assert _page(client) != before
