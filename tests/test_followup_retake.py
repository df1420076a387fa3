"""Retake and compare: a retake is a new response linked to the previous one;
its profile and PDF show then and now with the change score (standardised
regression-based change), computed here by hand from the answers and the
instrument's provisional retest reliabilities; takes of different versions are
never compared."""

from __future__ import annotations

import io
import math
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from assessment import AnswerSet, score_answers
from assessment.followup import (
    CLEAR_CHANGE_Z,
    Take,
    compare_results,
    history,
    regression_based_change,
)
from assessment.profile import ScaleResult
from assessment.reliability import RetestReliability
from services.db import db
from services.models import PlanActionRow, Response, Retake

from .support.followup import NOW, THEN, answers_for, by_hand, make_plan, retake
from .support.forms import Respondent, csrf_of

BEHAVIOUR_VALUES = {"postponing_contact": 5, "weak_close": 5, "abandoned_follow_up": 5}






# --- the pure domain ---------------------------------------------------------------

RETEST = RetestReliability(value=0.8, mean=40.0, sd=15.0, source="provisional", basis="a test")


def result(scale_id="weak_close", exact=50.0, sem=8.0, retest=RETEST):
    return ScaleResult(scale_id, "behaviour", "Weak close", round(exact), "moderate", 6, 6, (37.5, 62.5),
                       exact=exact, sem=sem, retest=retest)


def test_the_regression_based_change_on_dudeks_worked_example():
    """Dudek (1979), Psychological Bulletin 86, 335–337: a test with mean 500, SD 100 and
    reliability .90; a person scoring 700. The retest score expected of that person is
    500 + .9 × (700 − 500) = 680 (regression to the mean), and the standard error of that
    prediction is 100 × √(1 − .9²) = 43.6 (Dudek's SE of prediction). A retest of 700 is then
    z = (700 − 680) / 43.6 = 0.46: no change, although the score did not come down."""
    retest = RetestReliability(value=0.9, mean=500.0, sd=100.0, source="provisional", basis="Dudek 1979")
    z, expected, se = regression_based_change(700.0, 700.0, retest)
    assert expected == pytest.approx(680.0)
    assert se == pytest.approx(43.589, abs=0.001)
    assert z == pytest.approx(0.4588, abs=1e-4)
    # the plain difference would be 0: the SRB score sees that staying at 700 is slightly above expectation
    z_low, expected_low, _ = regression_based_change(400.0, 400.0, retest)
    assert expected_low == pytest.approx(410.0) and z_low == pytest.approx(-0.2294, abs=1e-4)


def test_a_high_first_score_coming_down_by_regression_alone_is_no_clear_change():
    """Jacobson–Truax with an SEM of 4 would call 85 → 70 a real change (15 / (√2 × 4) = 2.65);
    the SRB expectation for a first score of 85 is already 40 + .8 × 45 = 76, so 70 is
    z = (70 − 76) / (15 × √(1 − .64)) = −0.67: no clear change."""
    change = compare_results(result(exact=85.0, sem=4.0), result(exact=70.0, sem=4.0))
    assert change.expected == pytest.approx(76.0) and change.se_difference == pytest.approx(9.0)
    assert change.rci == pytest.approx(-6 / 9) and change.direction is None and not change.real


def test_a_clear_change_is_at_the_threshold_and_not_just_below():
    expected, se = 40 + 0.8 * (50 - 40), 15 * math.sqrt(1 - 0.64)  # 48, 9
    at = compare_results(result(exact=50.0), result(exact=expected - CLEAR_CHANGE_Z * se))
    below = compare_results(result(exact=50.0), result(exact=expected - (CLEAR_CHANGE_Z - 0.01) * se))
    assert at.real and at.direction == "lower" and not below.real and below.direction is None
    up = compare_results(result(exact=50.0), result(exact=expected + CLEAR_CHANGE_Z * se))
    assert up.direction == "higher"


def test_no_verdict_without_a_score_or_a_retest_reliability():
    unscored = replace(result(), score=None, exact=None)
    assert compare_results(unscored, result()).rci is None
    assert compare_results(result(retest=None), result(retest=None)).rci is None
    assert compare_results(result(), result(), comparable=False).rci is None


def test_history_across_instrument_versions_judges_no_change(instrument):
    answers = answers_for(instrument, BEHAVIOUR_VALUES)
    then = score_answers(instrument, AnswerSet("en", answers))
    shrunk = replace(instrument, version="99", scales=tuple(s for s in instrument.scales if s.id != "weak_close"))
    now = replace(score_answers(shrunk, AnswerSet("en", answers)), instrument_version="99")
    found = history([Take(date(2026, 1, 1), then), Take(date(2026, 2, 1), now)])
    assert found.questions_changed
    assert "weak_close" not in found.scale_ids and "postponing_contact" in found.scale_ids
    assert found.dropped_scales == (then.scales["weak_close"].name,)
    assert all(not c.comparable and c.rci is None and c.direction is None for c in found.changes)
    same = history([Take(date(2026, 1, 1), then), Take(date(2026, 2, 1), then)])
    assert not same.questions_changed and same.dropped_scales == ()
    assert all(c.comparable and c.rci is not None for c in same.changes)


# --- through the web ---------------------------------------------------------------------






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
    assert "data-change-summary" in html
    cells = rci_cells(html)
    verdicts = set()
    for scale_id in ("postponing_contact", "weak_close", "abandoned_follow_up", "fear_of_pushiness"):
        then, now, rci = by_hand(instrument, THEN, NOW, scale_id)
        assert cells[scale_id] == f"{rci:.2f}".replace("-", "\u2212"), scale_id  # typeset minus
        row = html.split(f'data-change="{scale_id}"')[1].split("</li>")[0]
        expected = ("clearly lower than on" if rci <= -CLEAR_CHANGE_Z else
                    "clearly higher than on" if rci >= CLEAR_CHANGE_Z else "no clear change: ")
        assert expected in row, (scale_id, rci)
        verdicts.add(expected)
    assert verdicts == {"clearly lower than on", "no clear change: "}, "both verdicts are exercised"
    # The change, with its direction, comes before any index (issue 27 §5).
    assert html.index("a real improvement") < html.index("data-rci=") and html.index("data-change-summary") < html.index("scale-section")
    assert "Your whole history" not in html

    # the old take stays as it was
    old_profile = client.get(first.url("/profile?lang=en")).text
    assert "data-change-summary" not in old_profile and "Your profile" in old_profile


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
        ticks = db.session.scalars(db.select(PlanActionRow).order_by(PlanActionRow.position)).all()
        assert [(a.response_id, a.done) for a in ticks] == [(Response.by_token(first.token).id, True)] * 1 + [
            (Response.by_token(first.token).id, False)]
    html = client.get(second.url("/profile")).text
    assert re.search(r'id="done-1-yes"[^>]*checked', html) and re.search(r'id="done-2-no"[^>]*checked', html)
    bad = client.post(second.url("/ticks"), data={"csrf_token": csrf_of(html), "done-1": "maybe"})
    assert bad.status_code == 400
    # Positions a browser never sends: a digit that is not ASCII, a number int() refuses.
    for position in ("²", "9" * 5000, "1000"):
        odd = client.post(second.url("/ticks"), data={"csrf_token": csrf_of(html), f"done-{position}": "yes"})
        assert odd.status_code == 400 and "wasn&#39;t one of the options" in odd.text, position


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
    # Three takes on one day (this test makes them all today): each column and each cell's
    # label on a phone names its take's number, as the chart above does, not just the date.
    headers = re.findall(r'<th scope="col">(.*?)</th>', history_table)[1:]
    labels = re.findall(r'<td data-label="([^"]*)"', history_table.split("</tr>")[1])
    assert [h.split("<br>")[0] for h in headers] == ["1.", "2.", "3."] and len(set(headers)) == 3
    assert [label.split(" ")[0] for label in labels] == ["1.", "2.", "3."] and len(set(labels)) == 3
    postponing = history_table.split("</tr>")[1]
    assert [int(s) for s in re.findall(r"<td[^>]*>(\d+)", postponing)] == [100, 25, 0]
    _, _, rci = by_hand(instrument, NOW, {"postponing_contact": 1, "weak_close": 2}, "postponing_contact")
    assert rci_cells(html)["postponing_contact"] == f"{rci:.2f}".replace("-", "\u2212"), "the latest change is against the take before"


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
    assert f"{rci:.2f}".replace("-", "\u2212") in comparison and "clearly lower than on" in comparison and "a real improvement" in comparison
    assert not re.search(r"-\d", comparison), "a negative number is typeset with the minus sign, a date in words"
    assert "no clear change" in comparison and "did you do it?" in comparison


# A big drop just short of the cut, and no change at all, as a salesperson walking the product
# met them: 86 → 50 on the driver (7 questions) is z −2.46, and 25 → 25 is no change. The rule
# (|z| ≥ CLEAR_CHANGE_Z) stays; only its words changed: never "noise", never "can't tell yet".
SHORT_THEN = {"postponing_contact": 5, "weak_close": 2, "abandoned_follow_up": 4, "fear_of_pushiness": [5, 5, 5, 4, 4, 4, 4]}
SHORT_NOW = {"postponing_contact": 2, "weak_close": 2, "abandoned_follow_up": 4, "fear_of_pushiness": 3}
NO_CLEAR_CHANGE = {
    "en": ("no clear change: the difference is not large enough on this scale to be sure it is real",
           "no clear change: the score is about the same as on 7 December 2026", "no clear change"),
    "sv": ("ingen tydlig förändring: skillnaden är inte tillräckligt stor på den här skalan för att vi ska "
           "kunna vara säkra på att den är verklig",
           "ingen tydlig förändring: poängen är ungefär densamma som den 7 december 2026", "ingen tydlig förändring"),
}
# 86 (73–98) → 50 (38–62): the intervals do not overlap, yet no clear change; "How we count" and the
# PDF say why, in words, without a second rule.
NO_OVERLAP = {"en": "Two likely ranges that do not overlap are not enough on their own",
              "sv": "Att två troliga spann inte överlappar räcker inte ensamt"}
NOT_SAID = ("noise", "can't tell", "can&#39;t tell", "brus", "kan inte säga")


def test_the_shown_difference_is_the_shown_scores_apart():
    """A walk saw "88 → 78" beside "−9": the difference came from the unrounded 87.5 and 78.1. The
    difference shown is now the shown scores' (−10); the verdict keeps the unrounded scores."""
    change = compare_results(result(exact=87.5), result(exact=78.125))
    assert (change.then.score, change.now.score) == (88, 78)
    assert change.shown_difference == -10 and round(change.difference, 3) == -9.375
    assert compare_results(result(exact=50.0), replace(result(exact=60.0), score=None)).shown_difference is None


def test_about_the_same_is_at_most_one_answer_one_step_and_never_the_verdict():
    """25 / answered points is one answer moved one step: about the same; more is not. Neither
    touches the verdict, which is the z alone."""
    step = 25 / 6
    same = compare_results(result(exact=50.0), result(exact=50.0 + step))
    apart = compare_results(result(exact=50.0), result(exact=50.0 + 2 * step))
    assert same.about_the_same and not apart.about_the_same
    assert same.verdict == apart.verdict == "unclear"
    expected, se = 40 + 0.8 * (50 - 40), 15 * math.sqrt(1 - 0.64)
    just_short = compare_results(result(exact=50.0), result(exact=expected - (CLEAR_CHANGE_Z - 0.01) * se))
    assert just_short.verdict == "unclear" and not just_short.about_the_same
    assert compare_results(result(exact=50.0), result(exact=expected - CLEAR_CHANGE_Z * se)).verdict == "better"
    assert compare_results(result(), result(), comparable=False).verdict == "not_comparable"
    assert compare_results(result(retest=None), result(retest=None)).verdict == "none"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_clear_change_says_not_large_enough_or_about_the_same_never_noise(app, client, instrument, language):
    first = Respondent(client, instrument)
    first.start(name="Anna", language=language)
    first.complete(answers_for(instrument, SHORT_THEN))
    second = retake(client, first)
    second.complete(answers_for(instrument, SHORT_NOW))
    then, now, z = by_hand(instrument, SHORT_THEN, SHORT_NOW, "fear_of_pushiness")
    assert now - then < -35 and -CLEAR_CHANGE_Z < z < -2.4, "a big drop just short of the cut"
    assert by_hand(instrument, SHORT_THEN, SHORT_NOW, "weak_close")[:2] == (25.0, 25.0)
    short, same, concept = NO_CLEAR_CHANGE[language]

    html = client.get(second.url(f"/profile?lang={language}")).text
    summary = html.split("data-change-summary")[1].split("data-how-we-count")[0]
    row = {s: summary.split(f'data-change="{s}"')[1].split("</li>")[0] for s in ("fear_of_pushiness", "weak_close")}
    assert 'data-verdict="unclear"' in row["fear_of_pushiness"] and short in row["fear_of_pushiness"]
    assert 'data-verdict="unclear"' in row["weak_close"] and same in row["weak_close"]
    assert NO_OVERLAP[language] in html.split("data-how-we-count")[1]
    assert not [word for word in NOT_SAID if word in html]

    pdf = client.get(second.url(f"/profile.pdf?lang={language}"))
    assert pdf.status_code == 200
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages]
    start = next(n for n, p in enumerate(pages) if ("Då och nu" if language == "sv" else "Then and now") in p)
    comparison = " ".join(pages[start:start + 2])
    assert f"{z:.2f}".replace(".", "," if language == "sv" else ".").replace("-", "\u2212") in comparison
    assert short in comparison and same in comparison and concept in comparison and NO_OVERLAP[language] in comparison
    assert not [word for word in NOT_SAID if word in " ".join(pages)]


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
    assert "the scores are not comparable" in html
    shared = {s.id for s in old.scales} & {s.id for s in instrument.scales}
    cells = rci_cells(html)
    assert set(cells) == shared - {"impression_management"}
    assert set(cells.values()) == {"–"}  # no change score across versions
    assert html.count("not comparable: the questions changed") == len(cells)
    assert "clearly lower" not in html and "no clear change" not in html


def test_ticks_on_a_first_take_say_there_is_no_earlier_plan(client, instrument):
    first = Respondent(client, instrument)
    first.start()
    first.complete(answers_for(instrument, THEN))
    html = client.get(first.url("/profile")).text
    reply = client.post(first.url("/ticks"), data={"csrf_token": csrf_of(html), "done-1": "yes"})
    assert reply.status_code == 404 and "no earlier take" in reply.text
