"""Anonymous workshops: each attack that once let a coach learn one person's
scores, replayed through the app's own pages, and the rules that stop it."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import datetime
from statistics import median

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from app import create_app
from assessment import AnswerSet, load_instrument, score_answers
from assessment.team import Count, checked_min_group, release_of, summarise_team
from config import ROOT
from services import completion
from services.db import db
from services.models import Answer, PageTiming, Response, Workshop
from services.responses import ResponseCompleted, profile_of, save_page
from services.workshops import _current_release
from web.questionnaire import views
from web.questionnaire.views import _shown_signer

from .support.answers import varied_answers
from .support.app import make_app
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of, page_fields
from .support.workshops import key_in_paper, level_answers


def participant(app, instrument, code, answers):
    person = join_and_complete(app.test_client(), instrument, code, complete=False)
    person.complete(answers)
    return person


def team(coach, workshop_id):
    return coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()


def figures(seen: dict) -> tuple:
    """All the coach sees of the scores and completions (joining and leaving show, and may)."""
    summary = {k: v for k, v in seen["summary"].items() if k not in ("joined", "in_progress")}
    return summary, seen["chart"]


def exact_scores(app, tokens) -> list[dict[str, float]]:
    with app.app_context():
        return [{s.scale_id: s.score for s in profile_of(Response.by_token(t)).of_kind("behaviour", "driver")} for t in tokens]


def test_paper_extremes_and_one_participant_show_nothing(app, coach, instrument):
    workshop_id, code = create_workshop(coach)
    for level in (1, 1, 5, 5):
        key_in_paper(coach, workshop_id, level_answers(instrument, level))
    participant(app, instrument, code, level_answers(instrument, 3))
    seen = team(coach, workshop_id)
    # Before: the median of {1,1,x,5,5} was the participant's exact score on every scale.
    assert seen["summary"]["withheld"] is True and seen["summary"]["scales"] == [] and seen["chart"] is None
    assert seen["summary"]["completed"] == {"low": 0, "high": 0} and seen["summary"]["paper"] == 4
    rows = list(csv.reader(io.StringIO(coach.get(f"/coach/workshops/{workshop_id}/scores.csv").data.decode("utf-8-sig"))))
    assert len(rows) == 1
    page = coach.get(f"/coach/workshops/{workshop_id}").text
    assert "Paper questionnaires keyed in here, not in the anonymous totals: 4." in page
    assert "counted in the team totals" in coach.get(f"/coach/workshops/{workshop_id}/paper").text


def test_paper_forms_never_enter_the_anonymous_totals(app, coach, instrument):
    workshop_id, code = create_workshop(coach)
    for level in (1, 1, 5, 5):
        key_in_paper(coach, workshop_id, level_answers(instrument, level))
    people = [participant(app, instrument, code, level_answers(instrument, 2 + k % 3, wobble=k)) for k in range(5)]
    summary = team(coach, workshop_id)["summary"]
    assert summary["included"] == 5 and summary["withheld"] is False
    scores = exact_scores(app, [p.token for p in people])
    for scale in summary["scales"]:
        assert sum(scale["band_counts"].values()) == 5
        # To the nearest 10, half up (65 is 70), as every median is shown (not Python's half to even).
        assert scale["median"] == 10 * math.floor(median(s[scale["id"]] for s in scores) / 10 + 0.5)


@pytest.mark.parametrize("privacy", ["anonymous", "named"])
def test_a_paper_form_stores_the_typed_name_only_in_a_named_workshop(app, coach, instrument, privacy):
    """Joining an anonymous workshop online asks no name; keying in a paper form there prints the
    typed name on the person's slip and stores it nowhere."""
    workshop_id, _code = create_workshop(coach, privacy=privacy)
    page = coach.get(f"/coach/workshops/{workshop_id}/paper?lang=en")
    assert ("an anonymous workshop stores no names" in page.text) == (privacy == "anonymous")
    reply = coach.post(f"/coach/workshops/{workshop_id}/paper", data={
        "csrf_token": csrf_of(page.text), "name": "Åsa Öberg", "language": "en",
        **{k: str(v) for k, v in level_answers(instrument, 2).items()}})
    assert reply.status_code == 200
    slip = reply.text.split("data-paper-slip")[1]
    assert "Åsa Öberg" in slip and "Saved: Åsa Öberg" in reply.text
    with app.app_context():
        newest = db.session.scalar(select(Response).order_by(Response.id.desc()))
        assert newest.source == "paper" and newest.workshop_id == workshop_id
        assert newest.respondent_name == (None if privacy == "anonymous" else "Åsa Öberg")


def test_completed_responses_cannot_be_changed(app, coach, instrument, client):
    workshop_id, code = create_workshop(coach)
    paper_token = key_in_paper(coach, workshop_id, level_answers(instrument, 1))
    person = participant(app, instrument, code, level_answers(instrument, 3))
    solo = join_and_complete(app.test_client(), instrument, code, complete=False)
    solo.complete(level_answers(instrument, 4))

    def stored(token):
        with app.app_context():
            response = Response.by_token(token)
            answers = dict(db.session.execute(select(Answer.item_id, Answer.value).where(Answer.response_id == response.id)).all())
            timings = dict(db.session.execute(select(PageTiming.page, PageTiming.seconds).where(PageTiming.response_id == response.id)).all())
            return answers, timings, response.language

    for token in (paper_token, person.token, solo.token):
        before = stored(token)
        browser = app.test_client()
        # The page itself now leads to the profile; a form kept from before completion is refused.
        assert browser.get(f"/response/{token}/page/1").status_code == 302
        with app.test_request_context():
            with app.app_context():
                response_id = Response.by_token(token).id
            shown = _shown_signer().dumps([response_id, 1])
        csrf = csrf_of(browser.get("/").text)
        for action in ("next", "back", "later", "lang:sv"):
            reply = browser.post(f"/response/{token}/page/1", data={
                "csrf_token": csrf, "shown": shown, "action": action, **{i.id: "5" for i in instrument.pages[0]}})
            assert reply.status_code == 409 and "be changed any more" in reply.text
        assert stored(token) == before


def test_a_self_test_is_final_once_completed_too(app, respondent, instrument):
    respondent.start()
    page = respondent.client.get(respondent.url("/page/1"))
    fields = page_fields(page.text)
    respondent.complete({i.id: 3 for i in instrument.items})
    reply = respondent.client.post(respondent.url("/page/1"), data={**fields, "action": "next", **{i.id: "1" for i in instrument.pages[0]}})
    assert reply.status_code == 409
    with app.app_context():
        response = Response.by_token(respondent.token)
        assert {a.value for a in response.answers} == {3}


def test_of_two_finishes_at_the_same_moment_only_one_completes_the_response(app, respondent, instrument, monkeypatch):
    # Another tab's finish stamps the response between this request's read and its write:
    # this one must neither move the stamp nor queue the PDF a second time.
    respondent.start()
    queued = []
    monkeypatch.setattr(completion, "prepare_profile_pdf", lambda response, language: queued.append(response.id))
    with app.test_request_context():
        response = Response.by_token(respondent.token)
        assert response.completed_at is None
        with db.engine.begin() as other_tab:
            other_tab.execute(update(Response).where(Response.id == response.id).values(completed_at=datetime(2026, 1, 2)))
        assert completion.complete(response, "en") is False
        assert queued == [] and response.completed_at.replace(tzinfo=None) == datetime(2026, 1, 2)
    with app.test_request_context():
        fresh = Response.by_token(respondent.token)
        fresh.completed_at = None
        db.session.commit()
        assert completion.complete(fresh, "en") is True and queued == [fresh.id]
        assert completion.complete(fresh, "en") is False and queued == [fresh.id]


def test_finish_sent_twice_shows_the_profile_and_other_answers_after_completion_are_refused(app, respondent, instrument):
    # A double click on Finish: the second request finds the response complete with the same
    # answers stored, so nothing is lost and the person sees the profile, not an error page.
    answers = varied_answers(instrument, 2)
    respondent.start()
    pages = instrument.pages
    for number, items in enumerate(pages[:-1], 1):
        assert respondent.answer_page(number, {i.id: answers[i.id] for i in items}).status_code == 302
    last = respondent.client.get(respondent.url(f"/page/{len(pages)}"))
    data = {**page_fields(last.text), "action": "next", **{i.id: str(answers[i.id]) for i in pages[-1]}}
    first = respondent.client.post(respondent.url(f"/page/{len(pages)}"), data=data)
    again = respondent.client.post(respondent.url(f"/page/{len(pages)}"), data=data)
    assert first.status_code == again.status_code == 302 and again.location.endswith(f"/response/{respondent.token}/profile")
    first_item = pages[-1][0].id
    changed = {**data, first_item: "1" if answers[first_item] != 1 else "5"}
    refused = respondent.client.post(respondent.url(f"/page/{len(pages)}"), data=changed)
    assert refused.status_code == 409 and "can&#39;t be changed any more" in refused.text
    with app.app_context():
        response = Response.by_token(respondent.token)
        assert response.completed_at is not None
        assert {a.item_id: a.value for a in response.answers}[pages[-1][0].id] == answers[pages[-1][0].id]


def test_a_page_that_arrives_after_another_tab_completed_the_response_changes_nothing(app, respondent, instrument):
    # One tab finishes the questionnaire while another tab's page is on its way: that request
    # read an open response, so the check in Python passes; the write itself must refuse.
    respondent.start()
    with app.test_request_context():
        response = Response.by_token(respondent.token)
        assert response.completed_at is None
        with db.engine.begin() as other_tab:
            other_tab.execute(update(Response).where(Response.id == response.id).values(completed_at=func.now()))
        with pytest.raises(ResponseCompleted):
            save_page(response, 1, {i.id: 5 for i in instrument.pages[0]}, 30.0, switch_to="sv")
    with app.app_context():
        response = Response.by_token(respondent.token)
        assert response.answers == [] and response.language == "en"
        assert db.session.scalar(select(func.count()).select_from(PageTiming).where(PageTiming.response_id == response.id)) == 0


def test_the_page_view_answers_409_when_another_tab_completes_the_response_meanwhile(app, respondent, instrument,
                                                                                  monkeypatch):
    respondent.start()
    fields = page_fields(respondent.client.get(respondent.url("/page/1")).text)

    def completed_by_the_other_tab_first(response, *args, **kwargs):
        with db.engine.begin() as other_tab:
            other_tab.execute(update(Response).where(Response.id == response.id).values(completed_at=func.now()))
        return real_save_page(response, *args, **kwargs)

    real_save_page = views.save_page
    monkeypatch.setattr(views, "save_page", completed_by_the_other_tab_first)
    reply = respondent.client.post(respondent.url("/page/1"), data={
        **fields, "action": "lang:sv", **{i.id: "5" for i in instrument.pages[0]}})
    assert reply.status_code == 409 and "be changed any more" in reply.text
    with respondent.client.session_transaction() as session:
        assert session.get("lang") != "sv"
    with app.app_context():
        response = Response.by_token(respondent.token)
        assert response.answers == [] and response.language == "en" and response.completed_at is not None
        assert db.session.scalar(select(func.count()).select_from(PageTiming).where(PageTiming.response_id == response.id)) == 0


def test_one_more_completion_changes_nothing_the_coach_sees(app, coach, instrument):
    workshop_id, code = create_workshop(coach)
    people = [participant(app, instrument, code, level_answers(instrument, 2 + k % 3, wobble=k)) for k in range(5)]
    sixth = join_and_complete(app.test_client(), instrument, code, complete=False)
    first = team(coach, workshop_id)
    # The one size a coach sees is the release's: no live count, so no "in progress" beside it.
    assert first["summary"]["included"] == 5 and first["summary"]["completed"] == {"low": 5, "high": 5}
    assert first["summary"]["joined"] == 6 and first["summary"]["in_progress"] is None
    # Polling right before and right after one more person completes, then after
    # one deletes: every figure, count and chart stays as it was.
    sixth.complete(level_answers(instrument, 5))
    assert team(coach, workshop_id) == first
    leaver = app.test_client()
    page = leaver.get(people[0].url("/delete"))
    assert leaver.post(people[0].url("/delete"), data={"csrf_token": csrf_of(page.text)}).status_code == 302
    after_deletion = team(coach, workshop_id)
    assert after_deletion["summary"]["joined"] == 5  # that someone left shows; what they answered does not
    assert figures(after_deletion) == figures(first)
    html = coach.get(f"/coach/workshops/{workshop_id}").text
    assert 'data-count="completed">5<' in html and 'data-count="in_progress"' not in html
    # Closing (and reopening and closing again) releases no remainder smaller than the group.
    token = csrf_of(html)
    coach.post(f"/coach/workshops/{workshop_id}/close", data={"csrf_token": token})
    assert figures(team(coach, workshop_id)) == figures(first)
    coach.post(f"/coach/workshops/{workshop_id}/reopen", data={"csrf_token": token})
    for k in range(3):
        participant(app, instrument, code, level_answers(instrument, 1 + k))
    coach.post(f"/coach/workshops/{workshop_id}/close", data={"csrf_token": token})
    assert figures(team(coach, workshop_id)) == figures(first)
    coach.post(f"/coach/workshops/{workshop_id}/reopen", data={"csrf_token": token})
    # The fifth completion since the release brings the next one: five new
    # people (and one gone) in a single step.
    participant(app, instrument, code, level_answers(instrument, 4))
    released = team(coach, workshop_id)["summary"]
    assert released["included"] == 9 and released["completed"] == {"low": 9, "high": 9}
    assert all(sum(s["band_counts"].values()) == 9 for s in released["scales"])


def test_medians_are_rounded_and_no_scores_travel():
    instrument = load_instrument(ROOT / "questions" / "v1")
    profiles = [score_answers(instrument, AnswerSet("en", level_answers(instrument, level, wobble=level))) for level in (1, 2, 3, 4, 5)]
    release = release_of(instrument, profiles, anonymous=True)
    assert all(s.median % 10 == 0 for s in release.scales)
    assert "score" not in release.to_json().replace("not_scorable", "")
    summary = summarise_team(instrument, release, language="en", joined=7, completed=5, anonymous=True, min_group=5)
    assert str(summary.completed) == "5" and summary.in_progress is None  # the released size, not the live 7
    assert summarise_team(instrument, release, language="en", joined=5, completed=5, anonymous=True, min_group=6).withheld
    named = summarise_team(instrument, release_of(instrument, profiles, anonymous=False), language="en",
                           joined=5, completed=5, anonymous=False)
    assert named.completed == Count.exact(5) and not named.withheld


@pytest.mark.parametrize("value, problem", [("2", "at least 3"), ("abc", "whole number"), ("-5", "at least 3")])
def test_the_minimum_group_is_configurable_but_never_below_three(value, problem):
    with pytest.raises(ValueError, match=problem):
        checked_min_group(value)
    assert checked_min_group("3") == 3


def test_the_minimum_group_comes_from_configuration(tmp_path, instrument):
    app = make_app(tmp_path, ANONYMOUS_MIN_GROUP=7)
    client = app.test_client()
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, code = create_workshop(client)
    for k in range(6):
        participant(app, instrument, code, level_answers(instrument, 2 + k % 3, wobble=k))
    html = client.get(f"/coach/workshops/{workshop_id}").text
    assert "appear once at least 7 have completed" in html and 'data-count="completed">0<' in html
    assert team(client, workshop_id)["summary"]["withheld"] is True
    participant(app, instrument, code, level_answers(instrument, 3))
    assert team(client, workshop_id)["summary"]["included"] == 7
    assert "at least 7 have completed" in client.get("/privacy").text
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_setting_refuses_a_bad_value_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("ANONYMOUS_MIN_GROUP", "2")
    with pytest.raises(SystemExit, match="ANONYMOUS_MIN_GROUP must be at least 3"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_no_template_carries_the_threshold():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"at least \d|fewer than \d|minst \d|färre än \d", text), path


def test_of_two_simultaneous_polls_only_the_first_release_is_kept(app, coach, instrument):
    """A poll that started before another one stored a release must not replace
    it with its own: the coach would see two releases one person apart."""
    workshop_id, code = create_workshop(coach)
    for k in range(5):
        participant(app, instrument, code, level_answers(instrument, 2 + k % 3, wobble=k))
    with app.app_context():
        stale = db.session.get(Workshop, workshop_id)  # this poll has read the workshop: nothing released yet
        assert stale.team_released_through is None
        with app.app_context():  # meanwhile another poll (its own session) releases five ...
            assert _current_release(db.session.get(Workshop, workshop_id), 5).included == 5
            participant(app, instrument, code, level_answers(instrument, 4))  # ... and a sixth completes
        assert stale.team_released_through is None  # still the stale view
        kept = _current_release(stale, 5)
        assert kept.included == 5
    assert team(coach, workshop_id)["summary"]["included"] == 5


def test_the_team_pdf_and_csv_follow_the_same_rules(app, coach, instrument):
    def pdf_text():
        reply = coach.get(f"/coach/workshops/{workshop_id}/team.pdf?lang=en")
        assert reply.status_code == 200
        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(reply.data)).pages).split())

    workshop_id, code = create_workshop(coach)
    for level in (1, 5, 5, 1):
        key_in_paper(coach, workshop_id, level_answers(instrument, level))
    participant(app, instrument, code, level_answers(instrument, 3))
    text = pdf_text()
    assert "fewer than 5 participants have completed" in text and "On paper, not in the totals 4" in text
    assert "Median" not in text
    for k in range(4):
        participant(app, instrument, code, level_answers(instrument, 2 + k % 3, wobble=k))
    text = pdf_text()
    assert "In the results 5" in text and "rounded to the nearest 10" in text and "fewer than" not in text
    rows = list(csv.DictReader(io.StringIO(coach.get(f"/coach/workshops/{workshop_id}/scores.csv").data.decode("utf-8-sig"))))
    assert rows and all(row["completed"] == "5" and float(row["median"]) % 10 == 0 for row in rows)
