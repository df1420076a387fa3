"""Research consent, import-responses, item-analysis and freeze-norms on a real
database: only consenting, completed responses count; deleted ones drop out."""

import json
import re
import subprocess
import sys
from datetime import date, datetime, timezone

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from services.db import db
from services.instruments import instrument_bank
from services.models import Answer, ItemAnalysis, PageTiming, Response, Retake
from services.personal_data import delete_response
from services.research import (
    answer_sets_of,
    counted_responses,
    data_reliabilities,
)

from .support.answers import varied_answers
from .support.app import make_app
from .support.coaches import create_workshop, login, make_coach
from .support.forms import Respondent, csrf_of
from .support.paths import MIGRATIONS, ROOT
from .support.research import jsonl, write
from .support.simulated import simulated_answers, straight_liner, unflagged_answers


def responses_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


def test_consent_box_is_unticked_and_stored_with_the_response(client, app, instrument):
    page = client.get("/").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="research_consent"[^>]*>', page).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    Respondent(client, instrument).start(language="en")
    Respondent(client, instrument).start(language="sv", data={"research_consent": "y"})
    with app.app_context():
        assert [r.research_consent for r in db.session.scalars(select(Response).order_by(Response.id))] == [False, True]


def test_joining_a_workshop_offers_the_same_box(client, app, instrument):
    make_coach(app)
    login(client, "coach@example.com", "correct horse battery")
    _, code = create_workshop(client)
    page = client.get(f"/join/{code}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="research_consent"[^>]*>', page).group(0)
    assert "checked" not in box
    client.post(f"/join/{code}", data={"csrf_token": csrf_of(page), "language": "en", "research_consent": "y"})
    with app.app_context():
        assert db.session.scalar(select(Response)).research_consent is True


def test_consent_is_changeable_on_the_profile_until_deletion(client, app, respondent, instrument):
    respondent.start()
    respondent.complete(varied_answers(instrument))
    profile = client.get(respondent.url("/profile")).get_data(as_text=True)
    assert "Helping improve the questionnaire" in profile
    reply = client.post(respondent.url("/research-consent"), data={"csrf_token": csrf_of(profile), "research_consent": "y"})
    assert reply.status_code == 302
    with app.app_context():
        assert Response.by_token(respondent.token).research_consent is True
        assert len(counted_responses(instrument_bank().current)) == 1
    client.post(respondent.url("/research-consent"), data={"csrf_token": csrf_of(profile)})
    with app.app_context():
        assert Response.by_token(respondent.token).research_consent is False
        assert len(counted_responses(instrument_bank().current)) == 0
    assert client.post(respondent.url("/research-consent"), data={"research_consent": "y"}).status_code == 400


def test_import_validates_every_line_before_writing(runner, app, instrument, tmp_path):
    good = jsonl(simulated_answers(instrument, 3)).splitlines()
    bad = json.loads(good[1])
    bad["answers"]["pc1"] = 9
    text = "\n".join([good[0], json.dumps(bad), good[2]])
    result = runner.invoke(args=["import-responses", write(tmp_path, text)])
    assert result.exit_code == 2
    assert "line 2: item 'pc1': answer 9 is outside 1–5" in result.output
    assert responses_count(app) == 0
    for line, problem in [
        ('{"language": "en", "answers": {"pc1": 3}, "research_consent": "yes"}', "'research_consent' must be true or false"),
        ('{"language": "en", "answers": {"pc1": 3}, "completed_at": "yesterday"}', "not an ISO 8601 date"),
        ('{"language": "en", "answers": {"pc1": 3}, "completed_at": "2999-01-01T00:00:00Z"}', "lies in the future"),
        ('{"language": "de", "answers": {"pc1": 3}}', "unknown language"),
        ('{"language": "en", "answers": {"pc1": 3}, "surprise": 1}', "unknown field(s): 'surprise'"),
        ("[1, 2]", "must be a JSON object"),
        ("{not json", "not valid JSON"),
    ]:
        result = runner.invoke(args=["import-responses", write(tmp_path, good[0] + "\n" + line + "\n")])
        assert result.exit_code == 2 and "line 2:" in result.output and problem in result.output, result.output
    duplicate = good[0] + "\n" + good[0] + "\n"
    result = runner.invoke(args=["import-responses", write(tmp_path, duplicate)])
    assert result.exit_code == 2 and "external_id 's0' already appears on line 1" in result.output
    assert responses_count(app) == 0


def test_import_is_idempotent_and_marks_imported_responses(runner, app, instrument, tmp_path):
    path = write(tmp_path, jsonl(simulated_answers(instrument, 5, seed=2)))
    first = runner.invoke(args=["import-responses", path])
    assert first.exit_code == 0 and "Imported 5 responses" in first.output
    again = runner.invoke(args=["import-responses", path])
    assert again.exit_code == 0 and "Imported 0 responses" in again.output and "5 already imported" in again.output
    with app.app_context():
        rows = db.session.scalars(select(Response)).all()
        assert len(rows) == 5 and {r.source for r in rows} == {"import"}
        assert all(r.research_consent and r.completed_at and r.respondent_name is None for r in rows)
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 5 * len(instrument.items)
        # "seconds_per_item": 6 becomes page times of 6 s per item on that page
        timings = db.session.scalars(select(PageTiming).where(PageTiming.response_id == rows[0].id)).all()
        assert [t.seconds for t in timings] == [6.0 * len(p) for p in instrument.pages]


def test_import_keeps_does_not_apply_and_page_times(runner, app, instrument, tmp_path):
    items = [i.id for i in instrument.items]
    answers = {i: 3 for i in items}
    answers[items[0]] = "na"
    line = {"language": "sv", "answers": answers, "seconds_per_page": [30.0] * len(instrument.pages),
            "research_consent": True, "external_id": "paper-1"}
    result = runner.invoke(args=["import-responses", write(tmp_path, json.dumps(line) + "\n")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        (answer_set,) = answer_sets_of(instrument, counted_responses(instrument))
        assert answer_set.not_applicable == {items[0]} and items[0] not in answer_set.answers
        assert [t.seconds for t in db.session.scalars(select(PageTiming))] == [30.0] * len(instrument.pages)


def test_only_consenting_completed_responses_count_and_deleted_ones_drop_out(runner, app, instrument, tmp_path):
    sets = unflagged_answers(instrument, 40, seed=3)
    runner.invoke(args=["import-responses", write(tmp_path, jsonl(sets[:31], prefix="yes"), "a.jsonl")])
    runner.invoke(args=["import-responses", write(tmp_path, jsonl(sets[31:], consent=False, prefix="no"), "b.jsonl")])
    with app.app_context():
        incomplete = Response(token_hash="x" * 64, instrument_id=instrument.id, instrument_version=instrument.version,
                              language="en", research_consent=True)
        db.session.add(incomplete)
        db.session.commit()
    result = runner.invoke(args=["item-analysis", "--json", "--resamples", "0"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["n"] == 31
    with app.app_context():
        delete_response(db.session.scalar(select(Response).where(Response.external_id == "yes0")))
    result = json.loads(runner.invoke(args=["item-analysis", "--json", "--resamples", "0"]).output)
    assert result["n"] == 30 and result["scales"][0]["n"] == 30
    with app.app_context():
        delete_response(db.session.scalar(select(Response).where(Response.external_id == "yes1")))
    text = runner.invoke(args=["item-analysis", "--resamples", "0"]).output
    assert "N = 29" in text and "Withheld: not enough data (N = 29)" in text


def test_item_analysis_report_and_language_filter(runner, instrument, tmp_path):
    sets = unflagged_answers(instrument, 40, seed=11, language="sv") + unflagged_answers(instrument, 35, seed=12)
    sets.append(straight_liner(instrument))  # flagged: left out of the evidence (services/evidence.py)
    runner.invoke(args=["import-responses", write(tmp_path, jsonl(sets))])
    text = runner.invoke(args=["item-analysis", "--resamples", "20"]).output
    assert "N = 75 consenting, completed responses" in text and "left out: flagged 1," in text
    assert re.search(r"weak_close\s+75\s+[\d.]+\s+[\d.]+\s+\.\d\d \[\.\d\d, \.\d\d\]", text), text
    assert "Scales, without flagged responses" in text and "Items of weak_close" in text
    assert "Item means by language (sv N = 40, en N = 35)" in text
    only = json.loads(runner.invoke(args=["item-analysis", "--json", "--language", "sv", "--resamples", "0"]).output)
    assert only["n"] == 40 and only["language"] == "sv"
    bad = runner.invoke(args=["item-analysis", "--version", "v9"])
    assert bad.exit_code == 2 and "no instrument version 'v9'" in bad.output


def test_freeze_norms_refuses_below_300_with_the_current_n(runner, instrument, tmp_path):
    runner.invoke(args=["import-responses", write(tmp_path, jsonl(simulated_answers(instrument, 12)))])
    result = runner.invoke(args=["freeze-norms", "--version", "v1", "--language", "en"])
    assert result.exit_code == 2
    assert "N = " in result.output and "300 are needed" in result.output


def test_import_reads_a_file_saved_with_a_byte_order_mark(runner, app, instrument, tmp_path):
    """Windows editors save UTF-8 with a BOM; read as plain UTF-8 it made line 1 'not valid JSON'
    (score-file, the other command that reads a file, accepts it)."""
    path = tmp_path / "bom.jsonl"
    path.write_text(jsonl(simulated_answers(instrument, 2, seed=3)), encoding="utf-8-sig")
    result = runner.invoke(args=["import-responses", str(path)])
    assert result.exit_code == 0 and "Imported 2 responses" in result.output, result.output
    assert responses_count(app) == 2


def simulated_jsonl(answer_sets, **kwargs):
    return "".join(json.dumps({**json.loads(line), "simulated": True}) + "\n"
                   for line in jsonl(answer_sets, **kwargs).splitlines())


def test_simulated_responses_count_in_nothing_people_are_shown(runner, app, instrument, tmp_path):
    # The README offers simulated data to try the evidence pages; counted, 200 of them would have
    # set the reliability behind real people's intervals, and 300 their percentiles.
    runner.invoke(args=["import-responses", write(tmp_path, jsonl(unflagged_answers(instrument, 3, seed=4), prefix="p"),
                                                  "people.jsonl")])
    imported = runner.invoke(args=["import-responses", write(tmp_path, simulated_jsonl(
        simulated_answers(instrument, 40, seed=5), prefix="sim-1-"), "sim.jsonl")])
    assert imported.exit_code == 0 and "Imported 40 responses" in imported.output, imported.output
    with app.app_context():
        assert {s: n for s, n in db.session.execute(select(Response.source, func.count()).group_by(Response.source))} \
            == {"import": 3, "simulated": 40}
        assert len(counted_responses(instrument)) == 3
    counted = json.loads(runner.invoke(args=["item-analysis", "--json", "--resamples", "0"]).output)
    assert counted["n"] == 3 and counted["simulated"] is False
    trial = runner.invoke(args=["item-analysis", "--simulated", "--resamples", "0"])
    assert trial.exit_code == 0 and "N = 40 SIMULATED responses, not stored and used for nothing" in trial.output
    assert "Items of weak_close" in trial.output  # the whole analysis, to try it on
    with app.app_context():
        # Only the analysis of people was kept for the measurement page and the intervals.
        assert [a.n for a in db.session.scalars(select(ItemAnalysis))] == [3]
    norms = runner.invoke(args=["freeze-norms", "--version", instrument.version, "--language", "en"])
    assert norms.exit_code == 2 and int(re.search(r"N = (\d+)", norms.output).group(1)) <= 3, norms.output
    wrong = runner.invoke(args=["import-responses", write(tmp_path, jsonl(simulated_answers(instrument, 1))
                                                          .replace('"seconds_per_item"', '"simulated": "yes", "seconds_per_item"'),
                                                          "wrong.jsonl")])
    assert wrong.exit_code == 2 and "line 1: 'simulated' must be true or false" in wrong.output


def test_the_simulation_script_marks_what_it_writes(runner, app, tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "simulated_responses.py"), "--n", "6", "--seed", "3"],
                         capture_output=True, text=True, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 6 and all(line["simulated"] is True for line in lines)
    imported = runner.invoke(args=["import-responses", write(tmp_path, out)])
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        assert set(db.session.scalars(select(Response.source))) == {"simulated"}
        assert len(counted_responses(instrument_bank().current)) == 0


def test_simulated_responses_are_tried_whether_or_not_their_lines_say_consent(runner, instrument, tmp_path):
    # No person stands behind a simulated answer set: a line without consent is tried all the same.
    runner.invoke(args=["import-responses", write(tmp_path, simulated_jsonl(
        simulated_answers(instrument, 6, seed=8), consent=False, prefix="sim-2-"), "sim.jsonl")])
    trial = runner.invoke(args=["item-analysis", "--simulated", "--resamples", "0"])
    assert trial.exit_code == 0 and "N = 6 SIMULATED responses" in trial.output, trial.output


def test_migration_marks_simulated_imports_made_before_and_drops_what_was_computed_from_them(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'before.sqlite'}")
    with app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="0007")
        instrument_id, version = instrument_bank().current.id, instrument_bank().current.version
        other = "0" if version != "0" else "9"  # a version with no simulated responses
        for n, (external_id, v) in enumerate([("sim-7-0", version), ("sim-7-12", version), ("sim-office", version),
                                              ("paper-3", version), ("sim-9-1-x", version)]):
            db.session.execute(text(
                "INSERT INTO responses (token_hash, instrument_id, instrument_version, language, source, created_at, "
                "updated_at, share_with_coach, research_consent, external_id) VALUES "
                "(:h, :i, :v, 'en', 'import', :t, :t, false, true, :e)"),
                {"h": f"{n:064d}", "i": instrument_id, "v": v, "t": "2026-11-02 10:00:00", "e": external_id})
        for v in (version, other):
            db.session.execute(text("INSERT INTO item_analyses (instrument_id, instrument_version, n, computed_at, result) "
                                    "VALUES (:i, :v, 250, '2026-11-03 10:00:00', '{}')"), {"i": instrument_id, "v": v})
            db.session.execute(text("INSERT INTO norm_tables (instrument_id, instrument_version, language, n, frozen_on, "
                                    "created_at, \"table\") VALUES (:i, :v, 'en', 300, :d, :d, '{}')"),
                               {"i": instrument_id, "v": v, "d": date(2026, 11, 3)})
        db.session.commit()
        upgrade(directory=str(MIGRATIONS))
        sources = dict(db.session.execute(text("SELECT external_id, source FROM responses")).all())
        assert sources == {"sim-7-0": "simulated", "sim-7-12": "simulated", "sim-office": "import",
                           "paper-3": "import", "sim-9-1-x": "import"}
        for table in ("item_analyses", "norm_tables"):
            assert [v for (v,) in db.session.execute(text(f"SELECT instrument_version FROM {table}"))] == [other]


# --- issue #26: one take per person; the data-based SEM without flagged responses


def test_a_chain_of_retakes_counts_once_with_its_latest_take(runner, app, instrument, tmp_path):
    # unflagged: the item analysis also leaves flagged responses out (services/evidence.py), and this is about retakes
    sets = unflagged_answers(instrument, 32, seed=4)
    runner.invoke(args=["import-responses", write(tmp_path, jsonl(sets, prefix="p"))])
    with app.app_context():
        by_external = {r.external_id: r.id for r in db.session.scalars(select(Response))}
        # p1 retakes p0, p2 retakes p1: one person, three takes; p3 is retaken by an unfinished take
        db.session.add_all([Retake(response_id=by_external["p1"], previous_id=by_external["p0"]),
                            Retake(response_id=by_external["p2"], previous_id=by_external["p1"])])
        unfinished = Response(token_hash="u" * 64, instrument_id=instrument.id, instrument_version=instrument.version,
                              language="en", research_consent=True)
        db.session.add(unfinished)
        db.session.flush()
        db.session.add(Retake(response_id=unfinished.id, previous_id=by_external["p3"]))
        db.session.commit()
        counted = {r.external_id for r in counted_responses(instrument)}
    assert "p0" not in counted and "p1" not in counted and {"p2", "p3"} <= counted and len(counted) == 30
    result = json.loads(runner.invoke(args=["item-analysis", "--json", "--resamples", "0"]).output)
    assert result["n"] == 30


def test_the_data_based_sem_leaves_flagged_responses_out(app, instrument):
    def scale(scale_id, alpha, sd, n):
        return {"id": scale_id, "n": n, "alpha": {"value": alpha}, "sd": sd}

    ids = [s.id for s in instrument.scales]
    result = {"n": 260, "computed_at": "2026-12-01T10:00:00+00:00",
              "scales": [scale(s, 0.80, 18.1, 260) for s in ids],  # careless answers widen the SD
              "excluding_flagged": {"n": 230, "scales": [scale(s, 0.82, 16.5, 230) for s in ids]}}
    with app.app_context():
        # accepted by an operator: only accepted runs are used (issue 25, flask accept-evidence)
        db.session.add(ItemAnalysis(instrument_id=instrument.id, instrument_version=instrument.version, language=None,
                                    n=260, computed_at=datetime.now(timezone.utc), result=json.dumps(result),
                                    accepted_at=datetime.now(timezone.utc)))
        db.session.commit()
        found = data_reliabilities(instrument)
    assert found["weak_close"].sd == 16.5 and found["weak_close"].value == 0.82 and found["weak_close"].n == 230
