"""Retake and compare: a retake is a new response linked to the previous one;
its profile and PDF show then and now with the reliable change index, computed
here by hand from the answers and the instrument's reliabilities."""

from __future__ import annotations

import io
import math
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from assessment import AnswerSet, score_answers
from assessment.followup import Take, compare_results, history, reliable_change
from assessment.profile import ScaleResult
from web.extensions import db
from web.models import PlanAction, Response, Retake

from .support import Respondent, csrf_of
from .test_followup_plan import make_plan

BEHAVIOUR_VALUES = {"postponing_contact": 5, "weak_close": 5, "abandoned_follow_up": 5}


def answers_for(instrument, keyed: dict[str, list[int] | int], default: int = 2) -> dict[str, int]:
    """Answers giving each scale's items these keyed values (before reverse keying)."""
    answers = {}
    for scale in instrument.scales:
        wanted = keyed.get(scale.id, default)
        values = wanted if isinstance(wanted, list) else [wanted] * len(scale.items)
        for item, value in zip(scale.items, values):
            answers[item.id] = 6 - value if item.reverse else value
    return answers


def by_hand(instrument, keyed_then, keyed_now, scale_id):
    """Score each take and the RCI the slow way: mean → 0–100, SEM = SD·√(1 − r)."""
    scale = instrument.scale(scale_id)

    def score(keyed):
        wanted = keyed.get(scale_id, 2)
        values = wanted[:len(scale.items)] if isinstance(wanted, list) else [wanted] * len(scale.items)
        return (sum(values) / len(values) - 1) / 4 * 100

    sem = scale.reliability.sd * math.sqrt(1 - scale.reliability.value)
    then, now = score(keyed_then), score(keyed_now)
    return then, now, (now - then) / (math.sqrt(2) * sem)


# --- the pure domain ---------------------------------------------------------------


def result(scale_id="weak_close", exact=50.0, sem=8.0):
    return ScaleResult(scale_id, "behaviour", "Weak close", round(exact), "moderate", 6, 6, (37.5, 62.5),
                       exact=exact, sem=sem)


def test_rci_with_one_sem_is_the_difference_over_root_two_sem():
    change = compare_results(result(exact=50.0), result(exact=25.0))
    assert change.difference == -25.0
    assert change.rci == pytest.approx(-25 / (1.4142135623730951 * 8.0))  # −2.2097
    assert change.real and change.direction == "lower" and not change.sems_differ
    small = compare_results(result(exact=50.0), result(exact=40.0))
    assert small.rci == pytest.approx(-0.8839, abs=1e-4) and not small.real and small.direction is None


def test_rci_with_different_sems_uses_the_root_of_their_squares():
    change = compare_results(result(exact=40.0, sem=6.0), result(exact=65.0, sem=8.0))
    assert change.sems_differ and change.se_difference == pytest.approx(10.0)  # √(36 + 64)
    assert change.rci == pytest.approx(2.5) and change.direction == "higher"


def test_rci_exactly_at_the_threshold_is_real_and_just_below_is_noise():
    sem = 10.0
    at = compare_results(result(exact=50.0, sem=sem), result(exact=50.0 + 1.96 * math.sqrt(2) * sem, sem=sem))
    below = compare_results(result(exact=50.0, sem=sem), result(exact=50.0 + 1.95 * math.sqrt(2) * sem, sem=sem))
    assert at.real and not below.real


def test_no_verdict_without_a_score_or_a_sem():
    unscored = replace(result(), score=None, exact=None)
    assert compare_results(unscored, result()).rci is None
    assert compare_results(replace(result(), sem=None), result()).rci is None
    with pytest.raises(ValueError):
        reliable_change(1, 0, 2, 0)


def test_history_across_instrument_versions_keeps_only_shared_scales(instrument):
    answers = answers_for(instrument, BEHAVIOUR_VALUES)
    then = score_answers(instrument, AnswerSet("en", answers))
    shrunk = replace(instrument, version="99", scales=tuple(s for s in instrument.scales if s.id != "weak_close"))
    now = replace(score_answers(shrunk, AnswerSet("en", answers)), instrument_version="99")
    found = history([Take(date(2026, 1, 1), then), Take(date(2026, 2, 1), now)])
    assert found.questions_changed
    assert "weak_close" not in found.scale_ids and "postponing_contact" in found.scale_ids
    assert found.dropped_scales == (then.scales["weak_close"].name,)
    same = history([Take(date(2026, 1, 1), then), Take(date(2026, 2, 1), then)])
    assert not same.questions_changed and same.dropped_scales == ()


# --- through the web ---------------------------------------------------------------------


def retake(client, previous: Respondent) -> Respondent:
    page = client.get(previous.url("/retake"))
    assert page.status_code == 200
    reply = client.post(previous.url("/retake"), data={"csrf_token": csrf_of(page.text)})
    assert reply.status_code == 302 and "/page/1" in reply.location
    new = Respondent(client, previous.instrument)
    new.token = reply.location.split("/response/")[1].split("/")[0]
    return new


THEN = {"postponing_contact": 5, "weak_close": 5, "abandoned_follow_up": 4, "fear_of_pushiness": 3}
NOW = {"postponing_contact": 2, "weak_close": 4, "abandoned_follow_up": 4, "fear_of_pushiness": [4] + [3] * 20}


def rci_cells(html):
    return {m[0]: m[1] for m in re.findall(r'data-rci="([a-z_]+)">([^<]+)<', html)}


def test_retake_shows_then_and_now_with_the_rci_computed_by_hand(app, client, instrument):
    first = Respondent(client, instrument)
    first.start(name="Åsa", language="sv")
    first.complete(answers_for(instrument, THEN))
    make_plan(first)
    second = retake(client, first)
    with app.app_context():
        old, new = Response.by_token(first.token), Response.by_token(second.token)
        assert (new.language, new.respondent_name) == ("sv", "Åsa")
        assert db.session.get(Retake, new.id).previous_id == old.id
    second.complete(answers_for(instrument, NOW))

    html = client.get(second.url("/profile?lang=en")).text
    assert "Then and now" in html
    cells = rci_cells(html)
    verdicts = set()
    for scale_id in ("postponing_contact", "weak_close", "abandoned_follow_up", "fear_of_pushiness"):
        then, now, rci = by_hand(instrument, THEN, NOW, scale_id)
        assert cells[scale_id] == f"{rci:.2f}", scale_id
        row = html.split(f'data-change="{scale_id}"')[1].split("</tr>")[0]
        expected = ("clearly lower than last time" if rci <= -1.96 else
                    "clearly higher than last time" if rci >= 1.96 else "within measurement noise")
        assert expected in row, (scale_id, rci)
        verdicts.add(expected)
    assert verdicts == {"clearly lower than last time", "within measurement noise"}, "both verdicts are exercised"
    assert "Your whole history" not in html

    # the old take stays as it was
    old_profile = client.get(first.url("/profile?lang=en")).text
    assert "Then and now" not in old_profile and "Your profile" in old_profile


def test_plan_ticks_from_last_time_are_stored(app, client, instrument):
    first = Respondent(client, instrument)
    first.start()
    first.complete(answers_for(instrument, THEN))
    make_plan(first, **{"actions-1-situation": "I send a quote", "actions-1-step": "book the next call"})
    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    html = client.get(second.url("/profile")).text
    assert "did you do it?" in html
    reply = client.post(second.url("/ticks"), data={"csrf_token": csrf_of(html), "done-1": "yes", "done-2": "no"})
    assert reply.status_code == 302
    with app.app_context():
        ticks = db.session.scalars(db.select(PlanAction).order_by(PlanAction.position)).all()
        assert [(a.response_id, a.done) for a in ticks] == [(Response.by_token(first.token).id, True)] * 1 + [
            (Response.by_token(first.token).id, False)]
    html = client.get(second.url("/profile")).text
    assert re.search(r'id="done-1-yes"[^>]*checked', html) and re.search(r'id="done-2-no"[^>]*checked', html)
    bad = client.post(second.url("/ticks"), data={"csrf_token": csrf_of(html), "done-1": "maybe"})
    assert bad.status_code == 400


def test_a_chain_of_three_shows_the_whole_history(app, client, instrument):
    first = Respondent(client, instrument)
    first.start()
    first.complete(answers_for(instrument, THEN))
    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    third = retake(client, second)
    third.complete(answers_for(instrument, {"postponing_contact": 1, "weak_close": 2}))
    html = client.get(third.url("/profile")).text
    assert "Your whole history" in html
    history_table = html.split('class="scores history')[1].split("</table>")[0]
    assert history_table.count("<th scope=\"col\">") == 4  # scale + three takes
    postponing = history_table.split("</tr>")[1]
    assert [int(s) for s in re.findall(r"<td[^>]*>(\d+)", postponing)] == [100, 25, 0]
    _, _, rci = by_hand(instrument, NOW, {"postponing_contact": 1, "weak_close": 2}, "postponing_contact")
    assert rci_cells(html)["postponing_contact"] == f"{rci:.2f}", "the latest change is against the take before"


def test_retake_of_an_unfinished_response_or_unknown_link_is_refused(client, instrument):
    unfinished = Respondent(client, instrument)
    unfinished.start()
    assert client.get(unfinished.url("/retake")).status_code == 302
    assert client.get("/retake/not-a-link").status_code == 404


def test_the_pdfs_show_the_plan_and_the_comparison_page(app, client, instrument):
    first = Respondent(client, instrument)
    first.start(name="Karin")
    first.complete(answers_for(instrument, THEN))
    make_plan(first)
    first_pdf = client.get(first.url("/profile.pdf?lang=en"))
    assert first_pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(first_pdf.data)).pages)
    assert "My plan" in text and "When a meeting is about to end without a next step, I will propose a date" in text
    assert "Then and now" not in text

    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    pdf = client.get(second.url("/profile.pdf?lang=en"))
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages]
    start = next(n for n, p in enumerate(pages) if "Then and now" in p)
    comparison = " ".join(pages[start:start + 2])  # the chart and table may run onto a second page
    _, _, rci = by_hand(instrument, THEN, NOW, "postponing_contact")
    assert f"{rci:.2f}" in comparison and "clearly lower than last time" in comparison
    assert "within measurement noise" in comparison and "did you do it?" in comparison


def test_retake_across_instrument_versions_says_the_questions_changed(app, client, instrument):
    bank = app.extensions["instrument_bank"]
    old = next(i for i in bank.instruments.values() if i.version != instrument.version)
    first = Respondent(client, old)
    first.start()
    with app.app_context():
        response = Response.by_token(first.token)
        response.instrument_version = old.version  # taken before the item bank changed
        db.session.commit()
    first.complete(answers_for(old, THEN))
    second = retake(client, first)
    second.instrument = instrument  # a retake is on the current item bank
    second.complete(answers_for(instrument, NOW))
    with app.app_context():
        assert Response.by_token(second.token).instrument_version == instrument.version
    html = client.get(second.url("/profile?lang=en")).text
    assert "The questions changed between your takes" in html
    shared = {s.id for s in old.scales} & {s.id for s in instrument.scales}
    cells = rci_cells(html)
    assert set(cells) == shared - {"impression_management"}
    # by hand: 100 then (all keyed 5), 25 now (all keyed 2); each take's SEM from its own version
    sem_then = old.scale("postponing_contact").reliability.sd * math.sqrt(1 - old.scale("postponing_contact").reliability.value)
    sem_now = instrument.scale("postponing_contact").reliability.sd * math.sqrt(1 - instrument.scale("postponing_contact").reliability.value)
    differ = not math.isclose(sem_then, sem_now)
    expected = (25 - 100) / (math.sqrt(sem_then**2 + sem_now**2) if differ else math.sqrt(2) * sem_then)
    assert cells["postponing_contact"] == f"{expected:.2f}"
    assert ("different standard errors of measurement" in html) == differ


def test_ticks_on_a_first_take_say_there_is_no_earlier_plan(client, instrument):
    first = Respondent(client, instrument)
    first.start()
    first.complete(answers_for(instrument, THEN))
    html = client.get(first.url("/profile")).text
    reply = client.post(first.url("/ticks"), data={"csrf_token": csrf_of(html), "done-1": "yes"})
    assert reply.status_code == 404 and "no earlier take" in reply.text
