"""The profile PDF's cache key is derived from the report's content (reports/content_key.py):
every field of ProfileReport, now and any added later, changes the key."""

import dataclasses
from datetime import date

import pytest

from assessment import AnswerSet, load_instrument, score_answers
from assessment.followup import Plan, PlanAction, Take, history
from reports.content_key import content_key
from reports.report_model import ProfileReport

from ..support.answers import varied_answers
from ..support.paths import QUESTIONS


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(QUESTIONS / "v3")


def report(instrument, shift=0, **changes):
    answers = {item: (value - 1 + shift) % 5 + 1 for item, value in varied_answers(instrument).items()}
    profile = score_answers(instrument, AnswerSet("sv", answers, "Åsa"))
    return dataclasses.replace(ProfileReport(profile, instrument, answers, "Åsa", date(2026, 11, 27)), **changes)


def test_the_same_content_gives_the_same_key_in_a_new_object(instrument):
    assert content_key(report(instrument)) == content_key(report(instrument))


def test_every_field_of_the_report_is_in_the_key(instrument):
    base = report(instrument)
    other = report(instrument, shift=2)
    plan = Plan(actions=(PlanAction("När ett möte närmar sig sitt slut", "fråga om nästa steg"),), follow_up_on=date(2027, 3, 1))
    takes = history([Take(date(2026, 8, 1), other.profile), Take(date(2026, 11, 27), base.profile)])
    changed = {
        "profile": other.profile, "answers": other.answers, "name": "Bo", "taken_on": date(2026, 11, 28),
        "plan": plan, "previous_plan": plan, "norms": {"weak_close": "12 % below"},
        "measurement_url": "https://example.org/about/measurement", "history": takes,
        "instrument": load_instrument(QUESTIONS / "v2"),
    }
    # A field without an entry here is a field the test would not check: the test fails until one is added.
    assert {f.name for f in dataclasses.fields(ProfileReport)} == set(changed)
    for name, value in changed.items():
        assert content_key(dataclasses.replace(base, **{name: value})) != content_key(base), name


def test_a_value_it_cannot_read_is_refused_not_guessed(instrument):
    with pytest.raises(TypeError, match="object"):
        content_key(dataclasses.replace(report(instrument), norms={"weak_close": object()}))
