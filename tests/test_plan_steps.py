"""The plan in good Swedish and English (issue 27 §4): suggestions are stored as
the two halves of "When …, I will …", so "… ska jag Gå aldrig …" cannot be
written – not by a suggestion, and not by a person's own capitalised words."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from assessment.plan_steps import (
    PlanStepsError,
    as_completion,
    load_plan_steps,
    plan_steps,
)
from reports.i18n import translations

from .support.answers import varied_answers
from .support.followup import NOW, THEN, answers_for, make_plan, retake
from .support.forms import Respondent

CAPITAL_AFTER_SKA_JAG = re.compile(r"ska jag [A-ZÅÄÖ]")


def test_every_suggestion_completes_the_plan_sentence_in_both_languages(instrument):
    steps = plan_steps()
    assert set(steps) == {s.id for s in instrument.scales if s.kind in ("behaviour", "driver")}
    for scale_steps in steps.values():
        assert len(scale_steps) >= 3
        for step in scale_steps:
            sv = translations("sv").gettext("When %(situation)s, I will %(step)s.") % {
                "situation": step.situation["sv"], "step": step.step["sv"]}
            assert sv.startswith("När ") and " ska jag " in sv and not CAPITAL_AFTER_SKA_JAG.search(sv), sv
            en = "When %(situation)s, I will %(step)s." % {"situation": step.situation["en"], "step": step.step["en"]}
            assert not re.search(r"I will [A-Z]", en), en


def test_a_capitalised_or_full_stopped_step_in_the_file_is_refused(tmp_path):
    bad = tmp_path / "plan_steps.yaml"
    bad.write_text('weak_close:\n  - situation: {en: "a meeting ends", sv: "ett möte slutar"}\n'
                   '    step: {en: "never leave without a date", sv: "Gå aldrig från ett möte"}\n', encoding="utf-8")
    with pytest.raises(PlanStepsError, match="weak_close step 1: the step in sv"):
        load_plan_steps(bad)


@pytest.mark.parametrize("typed,stored", [
    ("Ring kunden samma dag.", "ring kunden samma dag"),
    ("  Gå  aldrig från ett möte ", "gå aldrig från ett möte"),
    ("CRM-kortet fylls i", "CRM-kortet fylls i"),
    ("I'm sending the quote", "I'm sending the quote"),
    ("call back", "call back"),
])
def test_a_persons_own_words_become_a_completion(typed, stored):
    assert as_completion(typed) == stored


def test_no_capital_after_ska_jag_on_the_page_in_the_ics_and_in_the_pdf(app, client, instrument):
    person = Respondent(client, instrument)
    person.start(name="Karin", language="sv")
    person.complete(varied_answers(instrument))
    page = client.get(person.url("/plan?lang=sv")).text
    assert "ska jag" in page and not CAPITAL_AFTER_SKA_JAG.search(page)
    reply = make_plan(person, **{"actions-0-situation": "Ett kundmöte håller på att ta slut",
                                 "actions-0-step": "Gå aldrig från mötet utan ett datum."})
    assert reply.status_code == 302
    profile = client.get(person.url("/profile?lang=sv")).text
    assert "När ett kundmöte håller på att ta slut ska jag gå aldrig från mötet utan ett datum." in profile
    ics = client.get(person.url("/follow-up.ics?lang=sv")).data.decode()
    pdf = client.get(person.url("/profile.pdf?lang=sv"))
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for where, content in {"page": profile, "ics": ics.replace("\r\n ", ""), "pdf": text}.items():
        assert "ska jag" in content, where
        assert not CAPITAL_AFTER_SKA_JAG.search(content), (where, CAPITAL_AFTER_SKA_JAG.search(content))


def test_a_retake_offers_the_last_plan_to_keep_or_update(app, client, instrument):
    first = Respondent(client, instrument)
    first.start(language="en")
    first.complete(answers_for(instrument, THEN))
    make_plan(first)
    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    page = client.get(second.url("/plan?lang=en")).text
    assert "Your plan from last time is filled in below" in page
    assert 'value="a meeting is about to end without a next step"' in page
    assert 'value="propose a date before we hang up"' in page
    fresh = Respondent(client, instrument)
    fresh.start(language="en")
    fresh.complete(answers_for(instrument, THEN))
    assert "Your plan from last time" not in client.get(fresh.url("/plan?lang=en")).text
