"""The action plan's suggestions come from what is actually high, driver
included, and page 1 of the PDF says where to start."""

import unicodedata
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from assessment import AnswerSet, score_answers
from assessment.bank import InstrumentBank
from assessment.plan_steps import plan_steps
from assessment.suggestions import plan_suggestions, suggested_steps
from reports.pdf import render_profile_pdf_in_process
from reports.report_model import ProfileReport

from ..support.paths import QUESTIONS


@pytest.fixture(scope="module")
def bank():
    return InstrumentBank.load(QUESTIONS).current


def profile_with(bank, levels, language="en"):
    """levels: scale id -> answer for all its items (IM answered mildly)."""
    answers = {item.id: levels.get(item.scale_id, 2 if item.scale_id == "impression_management" else 1)
               for item in bank.items}
    return answers, score_answers(bank, AnswerSet(language, answers))


def test_a_high_driver_gets_steps_and_a_low_behaviour_none(bank):
    _answers, profile = profile_with(bank, {"fear_of_pushiness": 5, "postponing_contact": 1})
    assert profile.scales["fear_of_pushiness"].band == "high"
    assert profile.scales["postponing_contact"].band == "low"
    steps = suggested_steps(profile)
    assert steps and {s.scale_id for s in steps} == {"fear_of_pushiness"}
    assert [(s.situation, s.step) for s in steps] == [(p.situation["en"], p.step["en"]) for p in plan_steps()["fear_of_pushiness"][:3]]


def test_high_scales_come_first_and_take_turns_then_moderate(bank):
    _answers, profile = profile_with(bank, {"weak_close": 5, "abandoned_follow_up": 4, "postponing_contact": 3})
    bands = {s: profile.scales[s].band for s in ("weak_close", "abandoned_follow_up", "postponing_contact")}
    assert bands == {"weak_close": "high", "abandoned_follow_up": "high", "postponing_contact": "moderate"}
    steps = suggested_steps(profile)
    assert [s.scale_id for s in steps] == ["weak_close", "abandoned_follow_up", "weak_close"]
    assert steps[0].step == plan_steps()["weak_close"][0].step["en"]
    assert steps[1].step == plan_steps()["abandoned_follow_up"][0].step["en"]
    assert all(s.band == "high" for s in steps)


def test_all_low_gives_no_suggestions(bank):
    _answers, profile = profile_with(bank, {})
    assert suggested_steps(profile) == ()
    # the plan page still offers ideas: the steps of the highest behaviours
    assert plan_suggestions(profile) and {s.kind for s in plan_suggestions(profile)} == {"behaviour"}


def test_the_plan_page_offers_the_profiles_steps_first_the_driver_included(bank):
    """The walk: "Where to start" named a driver step that the plan page (behaviours only) never offered."""
    _answers, profile = profile_with(bank, {"fear_of_pushiness": 5, "abandoned_follow_up": 3}, "sv")
    first = suggested_steps(profile)[0]
    assert first.scale_id == "fear_of_pushiness" and first.situation == plan_steps()["fear_of_pushiness"][0].situation["sv"]
    offered = plan_suggestions(profile)
    assert offered[:3] == suggested_steps(profile) and len(offered) > 3


def pdf_pages(bank, levels, language):
    answers, profile = profile_with(bank, levels, language)
    data = render_profile_pdf_in_process(ProfileReport(profile, bank, answers, "Kim", date(2026, 11, 27)))
    return profile, [unicodedata.normalize("NFKC", " ".join(p.extract_text().split())) for p in PdfReader(BytesIO(data)).pages]


def test_the_pdf_starts_with_where_to_start_and_plans_from_the_high_driver(bank):
    profile, pages = pdf_pages(bank, {"fear_of_pushiness": 5}, "en")
    assert profile.scales["fear_of_pushiness"].band == "high"
    first_action = "When " + plan_steps()["fear_of_pushiness"][0].situation["en"]
    assert "Where to start" in pages[0] and first_action[:50] in pages[0]
    plan_page = next(p for p in pages if "Start date" in p)
    plan = plan_page[plan_page.index("Your action plan Choose"):]
    assert first_action[:50] in plan
    low = profile.scales["postponing_contact"]
    assert all(p.step["en"][:40] not in plan for p in plan_steps()[low.scale_id])


def test_where_to_start_in_swedish_when_nothing_is_high(bank):
    _profile, pages = pdf_pages(bank, {}, "sv")
    assert "Var börja" in pages[0] or "Börja här" in pages[0]
