"""Instrument version 2: the item bank's rules (validated here beyond what the
loader enforces), the lie-scale rule on the real items, "does not apply", and
the article's three personas coming out high on their own behaviour only."""

import json
import random
import re
import shutil

import numpy as np
import pytest
import yaml

from assessment import (
    AnswersError,
    AnswerSet,
    load_instrument,
    parse_answers,
    score_answers,
)
from assessment.bank import InstrumentBank
from assessment.completion_time import completion_seconds, typical_minutes
from assessment.instrument import InstrumentError

from ..support.answers import edit_yaml
from ..support.paths import QUESTIONS

BEHAVIOURS = ("postponing_contact", "weak_close", "abandoned_follow_up")
# Motive clauses, judging or leading words found in v1 (INSTRUMENT-REVIEW.md).
FORBIDDEN = {
    "en": [r"so as not to", r"\bshould\b", r"tell myself", r"just as well", r"settle for", r"\bnag", r"clingy",
           r"disturb", r"don't want to", r"do not want to", r"\bbecause I\b"],
    "sv": [r"för att inte", r"\bborde\b", r"intalar", r"lika gärna", r"nöjer mig", r"tjat", r"klängig", r"störa",
           r"vill inte", r"eftersom jag"],
}
PHONE_WORDS = {"en": r"\bcall(s|ing)?\b|\bphone\b", "sv": r"\bring(a|er|t)?\b|telefon|\bmobil"}
# af4 quotes the article's own channel contrast ("I sent an e-mail, they have my number").
CHANNEL_BY_DESIGN = {"af4"}


@pytest.fixture(scope="module")
def v2():
    return load_instrument(QUESTIONS / "v2")


def test_v2_and_v1_stay_loadable_after_v3():
    bank = InstrumentBank.load(QUESTIONS)
    assert bank.current.version == "3" and bank.get("tripwire", "2").version == "2"
    assert bank.get("tripwire", "1").version == "1" and len(bank.get("tripwire", "1").items) == 30


def test_v2_size_and_scale_lengths(v2):
    assert len(v2.items) <= 36
    for scale_id in BEHAVIOURS:
        assert 6 <= len(v2.scale(scale_id).items) <= 8
    assert len(v2.scale("fear_of_pushiness").items) == 6
    im = v2.scale("impression_management")
    assert 5 <= len(im.items) <= 6 and im.scoring == "extreme" and all(i.reverse for i in im.items)
    assert not any(i.reverse for s in v2.scales_of_kind("behaviour", "driver") for i in s.items)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_items_have_no_motive_clauses_or_judging_words(v2, language):
    for item in v2.items:
        for pattern in FORBIDDEN[language]:
            assert not re.search(pattern, item.text[language], re.IGNORECASE), (item.id, pattern)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_behaviour_and_driver_items_are_channel_neutral(v2, language):
    for scale in v2.scales_of_kind("behaviour", "driver"):
        for item in scale.items:
            if item.id not in CHANNEL_BY_DESIGN:
                assert not re.search(PHONE_WORDS[language], item.text[language], re.IGNORECASE), item.id


def test_no_two_items_of_a_scale_stand_side_by_side(v2):
    scales = [item.scale_id for item in v2.items]
    assert all(a != b for a, b in zip(scales, scales[1:]))
    assert len({item.text["en"] for item in v2.items}) == len(v2.items)


def test_reference_period_and_not_applicable_are_stated(v2):
    assert "tre månader" in v2.instructions["sv"] and "three months" in v2.instructions["en"]
    assert "tre månader" in v2.page_hint["sv"] and "three months" in v2.page_hint["en"]
    assert v2.not_applicable_label == {"sv": "Inte aktuellt för mig", "en": "Does not apply to me"}
    assert "Inte aktuellt för mig" in v2.instructions["sv"] and "Does not apply to me" in v2.instructions["en"]


def test_every_v2_item_is_in_the_readme_construct_map(v2):
    readme = (QUESTIONS / "README.md").read_text(encoding="utf-8")
    v2_part = readme[readme.index("## Version 2"):readme.index("## Version 1")]
    for item in v2.items:
        assert re.search(rf"\b{item.id}\b", v2_part), item.id


def _answers(v2, levels, rng, faults=3):
    """Answers around a level per scale (1–5), with seeded noise of one step."""
    answers = {}
    for item in v2.items:
        base = faults if item.scale_id == "impression_management" else levels[item.scale_id]
        answers[item.id] = min(5, max(1, base + rng.choice((-1, 0, 0, 1))))
    return answers


PERSONAS = {
    # the article's three behaviours, each with the fear behind them
    "classic postponer": {"postponing_contact": 4, "weak_close": 2, "abandoned_follow_up": 2, "fear_of_pushiness": 4},
    "weak closer": {"postponing_contact": 2, "weak_close": 4, "abandoned_follow_up": 2, "fear_of_pushiness": 4},
    "follow-up abandoner": {"postponing_contact": 2, "weak_close": 2, "abandoned_follow_up": 4, "fear_of_pushiness": 4},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_personas_are_high_on_their_own_behaviour_only(v2, persona):
    own = max(BEHAVIOURS, key=lambda s: PERSONAS[persona][s])
    others = [s for s in BEHAVIOURS if s != own]
    # The persona answered exactly as described: high on its own behaviour, low elsewhere.
    exact = score_answers(v2, AnswerSet("en", _answers(v2, PERSONAS[persona], random.Random(0), faults=3) | {
        i.id: PERSONAS[persona][i.scale_id] for s in v2.scales_of_kind("behaviour", "driver") for i in s.items}))
    assert exact.scales[own].band == "high" and {exact.scales[o].band for o in others} == {"low"}
    # 200 people like the persona, each answer one step off at random half the time.
    rng = random.Random(f"persona {persona}")
    profiles = [score_answers(v2, AnswerSet("en", _answers(v2, PERSONAS[persona], rng))) for _ in range(200)]
    own_high = sum(p.scales[own].band == "high" for p in profiles) / len(profiles)
    assert own_high >= 0.9, own_high
    assert not any(p.scales[o].band == "high" for p in profiles for o in others)
    assert not any("impression_management_high" in p.flag_ids for p in profiles)


def test_lie_scale_counts_only_the_flawless_answer_on_the_real_items(v2):
    im_ids = [i.id for i in v2.scale("impression_management").items]
    answers = {i.id: 3 for i in v2.items}
    answers.update({im_ids[0]: 1, im_ids[1]: 1, im_ids[2]: 1, im_ids[3]: 1, im_ids[4]: 2, im_ids[5]: 3})
    im = score_answers(v2, AnswerSet("en", answers)).scales["impression_management"]
    assert (im.score, im.band) == (67, "high")  # 4 of 6 flawless
    answers[im_ids[3]] = 2  # "Rarely" admits the fault: no longer counts
    im = score_answers(v2, AnswerSet("en", answers)).scales["impression_management"]
    assert (im.score, im.band) == (50, "moderate")


def test_good_sales_habits_alone_do_not_raise_impression_management(v2):
    """The v1 flag fired for the least reluctant; a v2 seller who never shows any
    of the behaviours, but admits ordinary faults, is not flagged."""
    answers = {i.id: 1 for i in v2.items}
    for item in v2.scale("impression_management").items:
        answers[item.id] = 3
    profile = score_answers(v2, AnswerSet("en", answers))
    assert profile.scales["impression_management"].score == 0
    assert "impression_management_high" not in profile.flag_ids


def test_an_answers_file_with_na_is_scored_without_it(v2):
    answers = {i.id: 2 for i in v2.items}
    af = [i.id for i in v2.scale("abandoned_follow_up").items]
    answers.update({af[0]: "na", af[1]: "na", af[2]: 4, af[3]: 4})
    parsed = parse_answers(v2, json.dumps({"language": "sv", "answers": answers}))
    result = score_answers(v2, parsed).scales["abandoned_follow_up"]
    # six answers: 4, 4, 2, 2, 2, 2 → mean 8/3 → 41.67 → 42
    assert (result.score, result.exact, result.answered, result.not_applicable) == (42, 41.67, 6, 2)
    answers[af[4]] = "na"
    parsed = parse_answers(v2, json.dumps({"language": "sv", "answers": answers}))
    result = score_answers(v2, parsed).scales["abandoned_follow_up"]
    assert (result.score, result.reason, result.answered, result.needed) == (None, "too_many_not_applicable", 5, 6)


def test_median_completion_time_is_under_eight_minutes():
    """The reading-time model (assessment/completion_time.py) over the current version's real texts."""
    bank = InstrumentBank.load(QUESTIONS)
    for language in ("sv", "en"):
        v2 = np.median(completion_seconds(bank.current, language, 2000, seed=7))
        v1 = np.median(completion_seconds(bank.get("tripwire", "1"), language, 2000, seed=7))
        assert v1 < v2 < 8 * 60, (language, v1, v2)


def test_the_pages_promise_the_models_median_in_whole_minutes(v2):
    medians = [np.median(completion_seconds(v2, language, 4000)) / 60 for language in v2.languages]
    assert typical_minutes(v2) == round(max(medians)) == 6  # the README says "about six minutes"


def test_the_promised_minutes_follow_the_texts_also_within_a_version(v2, tmp_path):
    # The figure was cached by (id, version): a bank reloaded with longer texts under the
    # same version kept promising the old one. It now follows the texts the model reads.
    folder = tmp_path / "v2"
    shutil.copytree(QUESTIONS / "v2", folder)

    def longer(data):
        for item in data["items"]:
            item["text"] = {language: " ".join([text] * 3) for language, text in item["text"].items()}

    edit_yaml(folder / "items.yaml", longer)
    edited = load_instrument(folder)
    assert (edited.id, edited.version) == (v2.id, v2.version)
    assert typical_minutes(v2) == 6
    assert typical_minutes(edited) > typical_minutes(v2)
    assert typical_minutes(load_instrument(QUESTIONS / "v2")) == 6  # a fresh copy of the same texts


def test_does_not_apply_is_offered_on_every_item_but_the_everyday_faults(v2):
    """Everyday faults always apply, so the item bank (scales.yaml `not_applicable: false`)
    takes "does not apply" off them; every form and check reads it from the item."""
    without = {i.id for i in v2.items if not i.offers_not_applicable}
    assert without == {i.id for i in v2.scale("impression_management").items}
    assert v2.items_without_not_applicable == tuple(i for i in v2.items if i.id in without)
    v1 = InstrumentBank.load(QUESTIONS).get("tripwire", "1")
    assert not any(i.offers_not_applicable for i in v1.items) and v1.items_without_not_applicable == ()


def test_a_new_answers_file_with_na_on_a_fault_is_refused_naming_the_item(v2):
    answers = {i.id: 2 for i in v2.items}
    answers["im3"] = "na"
    with pytest.raises(AnswersError, match="item 'im3': \"na\" \\(does not apply\\) is not offered for the items of "
                                           "scale 'impression_management'"):
        parse_answers(v2, json.dumps({"language": "en", "answers": answers}))


def test_a_stored_na_on_a_fault_still_scores(v2):
    """Responses stored before the change keep their meaning: the engine scores them."""
    answers = {i.id: 2 for i in v2.items}
    for item in v2.scale("impression_management").items[:4]:
        answers[item.id] = 1  # "Never": flawless
    answers.pop("im6")
    profile = score_answers(v2, AnswerSet("en", answers, not_applicable=frozenset({"im6"})))
    im = profile.scales["impression_management"]
    # 4 of the 5 answered are the flawless answer: 80, high
    assert (im.score, im.answered, im.not_applicable, im.band) == (80, 5, 1, "high")
    assert "impression_management_high" in profile.flag_ids


def test_the_loader_refuses_a_not_applicable_setting_it_cannot_honour(tmp_path):
    for folder in ("v1", "v2"):
        shutil.copytree(QUESTIONS / folder, tmp_path / folder)
    for folder, value, problem in (("v2", "no", "'not_applicable' must be true or false, not 'no'"),
                                   ("v1", False, "'not_applicable' is set but instrument.yaml offers no")):
        path = tmp_path / folder / "scales.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["scales"][0]["not_applicable"] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(InstrumentError, match=problem):
            load_instrument(tmp_path / folder)
