"""Instrument version 3 (issue #26): the item bank's rules beyond what the loader
enforces, every item the issue named revised, the construct map and change table
in questions/README.md, and the validity notes on concrete honest people: the
article's three personas and a healthy seller, at a reading pace, get no note."""

import dataclasses
import re
import shutil

import pytest

from assessment import AnswerSet, InstrumentError, load_instrument, score_answers
from assessment.bank import InstrumentBank

from .support.answers import edit_yaml
from .support.paths import QUESTIONS

BEHAVIOURS = ("postponing_contact", "weak_close", "abandoned_follow_up")
# Motive clauses, judging or leading words (INSTRUMENT-REVIEW.md). The article's own words for
# the feeling (tjatig, störa, påträngande, framfusig; nag, disturb) belong in the driver, whose
# items are feelings: only the behaviour items must stay free of them.
JUDGING = {
    "en": [r"so as not to", r"\bshould\b", r"tell myself", r"just as well", r"settle for", r"don't want to",
           r"do not want to", r"\bbecause\b", r"even when"],
    "sv": [r"för att inte", r"\bborde\b", r"intalar", r"lika gärna", r"nöjer mig", r"vill inte", r"eftersom",
           r"även när"],
}
FEELING_WORDS = {"en": [r"\bnag", r"clingy", r"disturb", r"pushy", r"forward"],
                 "sv": [r"tjat", r"klängig", r"störa", r"påträngande", r"framfusig"]}
PHONE_WORDS = {"en": r"\bcall(s|ing)?\b|\bphone\b", "sv": r"\bring(a|er|t)?\b|telefon|\bmobil"}
# Items the issue named (#26) and must differ from v2 in the language(s) it named.
REVISED = {"pc1": "sv", "pc2": "both", "pc3": "both", "pc4": "both", "pc6": "both", "wc1": "both", "wc5": "sv",
           "wc7": "both", "af4": "both", "af7": "both", "af8": "both", "fp6": "both", "im2": "sv", "im6": "both"}


@pytest.fixture(scope="module")
def instrument_bank():
    return InstrumentBank.load(QUESTIONS)


@pytest.fixture(scope="module")
def v3(instrument_bank):
    return instrument_bank.current


def test_v3_is_current_and_keeps_the_limits(v3):
    assert v3.version == "3" and len(v3.items) <= 40
    for scale_id in BEHAVIOURS:
        assert 6 <= len(v3.scale(scale_id).items) <= 8
    im = v3.scale("impression_management")
    assert 6 <= len(im.items) <= 8 and im.scoring == "extreme" and all(i.reverse for i in im.items)
    assert not any(i.reverse for s in v3.scales_of_kind("behaviour", "driver") for i in s.items)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_behaviour_items_have_no_motive_judging_or_feeling_words(v3, language):
    for scale in v3.scales_of_kind("behaviour"):
        for item in scale.items:
            for pattern in JUDGING[language] + FEELING_WORDS[language]:
                assert not re.search(pattern, item.text[language], re.IGNORECASE), (item.id, pattern)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_driver_may_use_the_articles_words_but_no_judging_ones(v3, language):
    driver = v3.scale("fear_of_pushiness").items
    for item in driver:
        for pattern in JUDGING[language]:
            assert not re.search(pattern, item.text[language], re.IGNORECASE), (item.id, pattern)
    used = {p for p in FEELING_WORDS[language] for i in driver if re.search(p, i.text[language], re.IGNORECASE)}
    assert len(used) >= 3, used  # the article's words are where they belong
    # not wanting to disturb at the wrong moment (the issue's coverage gap)
    assert any(re.search(r"störa.*fel tillfälle" if language == "sv" else r"disturb.*wrong moment", i.text[language])
               for i in driver)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_behaviour_and_driver_items_are_channel_neutral(v3, language):
    for scale in v3.scales_of_kind("behaviour", "driver"):
        for item in scale.items:
            assert not re.search(PHONE_WORDS[language], item.text[language], re.IGNORECASE), item.id


def test_no_two_items_of_a_scale_stand_side_by_side(v3):
    scales = [item.scale_id for item in v3.items]
    assert all(a != b for a, b in zip(scales, scales[1:]))
    assert len({item.text["en"] for item in v3.items}) == len({item.text["sv"] for item in v3.items}) == len(v3.items)


def test_every_item_the_issue_named_is_revised(instrument_bank, v3):
    v2 = {i.id: i for i in instrument_bank.get("tripwire", "2").items}
    now = {i.id: i for i in v3.items}
    for item_id, languages in REVISED.items():
        for language in ("sv", "en") if languages == "both" else (languages,):
            assert now[item_id].text[language] != v2[item_id].text[language], (item_id, language)
    # the items the issue read as ambiguous now carry their direction in the text
    assert "skjuter fram" not in now["pc6"].text["sv"]
    for item_id in ("pc3", "pc4"):
        assert "although I have time" in now[item_id].text["en"] and "fast jag h" in now[item_id].text["sv"]
    assert "between my follow-ups" not in now["af7"].text["en"]  # no longer assumes two follow-ups


def test_the_faults_are_everyday_ones_not_rare_events(v3):
    """Borrowing, presents and the last biscuit are rare within three months (#26): gone."""
    texts = " ".join(i.text["en"] for i in v3.scale("impression_management").items)
    for rare in ("borrowed", "present", "biscuit"):
        assert rare not in texts


def test_every_item_has_a_row_in_the_construct_map_and_the_change_table(v3):
    readme = (QUESTIONS / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## Version 3"):readme.index("## Version 2")]
    construct = part[part.index("### Construct map"):part.index("### Changes from v2 to v3")]
    changes = part[part.index("### Changes from v2 to v3"):]
    for item in v3.items:
        assert re.search(rf"^\| {item.id} \|", construct, re.MULTILINE), item.id
        assert re.search(rf"\| {item.id} \|", changes), item.id


def test_a_v3_item_without_its_swedish_text_stops_loading(tmp_path):
    folder = tmp_path / "v3"
    shutil.copytree(QUESTIONS / "v3", folder)
    edit_yaml(folder / "items.yaml", lambda d: d["items"][1]["text"].pop("sv"))
    with pytest.raises(InstrumentError, match=r"items.yaml: item 'pc2': 'text' has no text in 'sv'"):
        load_instrument(folder)


# --- concrete honest people get no note -------------------------------------------------

READING_PACE = 5.5  # seconds per item


def _person(instrument, levels: dict[str, int], faults: int = 3) -> AnswerSet:
    answers = {i.id: faults if i.scale_id == "impression_management" else levels[i.scale_id] for i in instrument.items}
    return AnswerSet("en", answers, None, (READING_PACE,) * len(instrument.pages))


def _persona(own: str, high: int, low: int) -> dict[str, int]:
    return {s: (high if s in (own, "fear_of_pushiness") else low) for s in (*BEHAVIOURS, "fear_of_pushiness")}


@pytest.mark.parametrize("version", ["3", "2"])
@pytest.mark.parametrize("own", BEHAVIOURS)
@pytest.mark.parametrize("high, low", [(4, 2), (5, 1)])
def test_the_articles_pure_personas_get_no_note(instrument_bank, version, own, high, low):
    instrument = instrument_bank.get("tripwire", version)
    profile = score_answers(instrument, _person(instrument, _persona(own, high, low)))
    assert profile.flag_ids == ()
    assert profile.scales[own].band == "high"
    assert {profile.scales[o].band for o in BEHAVIOURS if o != own} == {"low"}


@pytest.mark.parametrize("version", ["3", "2"])
def test_a_healthy_seller_gets_no_note(instrument_bank, version):
    """ "Never" to every behaviour and driver item, the everyday faults admitted "Sometimes"."""
    instrument = instrument_bank.get("tripwire", version)
    profile = score_answers(instrument, _person(instrument, {s: 1 for s in (*BEHAVIOURS, "fear_of_pushiness")}))
    assert profile.flag_ids == ()
    assert all(profile.scales[s].score == 0 for s in BEHAVIOURS)


def _denied_faults(instrument, never: tuple[int, ...]) -> AnswerSet:
    """A healthy seller: "Never" on every behaviour and driver item, "Never" on the faults at the
    positions `never` (presentation order of the faults), the other faults "Sometimes"/"Rarely"."""
    faults = [i.id for i in instrument.items if i.scale_id == "impression_management"]
    answers = {i.id: 1 for i in instrument.items if i.scale_id != "impression_management"}
    for k, item_id in enumerate(faults):
        answers[item_id] = 1 if k in never else 3 - k % 2
    return AnswerSet("en", answers, None, (READING_PACE,) * len(instrument.pages))


# Denied faults (positions among the eight, presentation order): adjacent ones (a run of "Never"
# across two, three, four, five faults), the first, the last, spread out.
DENIED = [(0, 1), (3, 4), (6, 7), (0, 7), (0, 1, 2), (2, 3, 4), (5, 6, 7), (0, 3, 6), (0, 1, 2, 3), (4, 5, 6, 7),
          (1, 2, 5, 6), (0, 2, 4, 6), (0, 1, 2, 3, 4), (3, 4, 5, 6, 7), (0, 1, 2, 6, 7), (0, 2, 4, 6, 7)]


@pytest.mark.parametrize("never", DENIED, ids=lambda n: "never" + "".join(map(str, n)))
def test_a_healthy_seller_who_denies_some_faults_gets_no_note(v3, never):
    """Issue #26: a careful healthy seller who honestly answers "Never" to two to five of the
    everyday faults is not told they may have answered without reading."""
    profile = score_answers(v3, _denied_faults(v3, never))
    assert profile.flag_ids == ()


@pytest.mark.parametrize("rarely_faults", [6, 7, 8])
def test_rarely_on_every_behaviour_never_on_the_driver_gets_no_note(v3, rarely_faults):
    """ "Rarely" on every behaviour, "Never" on every driver item, "Rarely" on most faults: a
    whole scale answered otherwise is read, not straight-lined (an independent check's persona)."""
    faults = [i.id for i in v3.items if i.reverse]
    answers = {i.id: 1 if i.scale_id == "fear_of_pushiness" else 2 for i in v3.items}
    answers.update({f: 3 for f in faults[rarely_faults:]})
    profile = score_answers(v3, AnswerSet("en", answers, None, (READING_PACE,) * len(v3.pages)))
    assert profile.flag_ids == ()


@pytest.mark.parametrize("version", ["3", "2"])
@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_a_straight_liner_is_flagged_with_one_fault_answered_otherwise(instrument_bank, version, value):
    """The same answer everywhere is straight-lining, and still so when one fault differs."""
    instrument = instrument_bank.get("tripwire", version)
    answers = {i.id: value for i in instrument.items}
    assert "straight_lining" in score_answers(instrument, AnswerSet("en", answers)).flag_ids
    for fault in (i.id for i in instrument.items if i.reverse):
        for other in (v for v in range(1, 6) if v != value):
            deviating = {**answers, fault: other}
            assert "straight_lining" in score_answers(instrument, AnswerSet("en", deviating)).flag_ids, (fault, other)


# --- the impression-management note: proportional, never on fewer than five answered ---------


def _faults(instrument, flawless: int, answered: int) -> AnswerSet:
    answers = {i.id: 3 for i in instrument.items if i.scale_id != "impression_management"}
    faults = instrument.scale("impression_management").items
    for k, item in enumerate(faults[:answered]):
        answers[item.id] = 1 if k < flawless else 3  # raw 1 = "Never" to a fault: flawless
    return AnswerSet("en", answers)


def test_the_im_note_fires_at_its_share_and_not_one_flawless_answer_short(v3):
    m = len(v3.scale("impression_management").items)
    needed = 6  # 6 of 8 (cut 75, questions/README.md)
    assert "impression_management_high" in score_answers(v3, _faults(v3, needed, m)).flag_ids
    assert "impression_management_high" not in score_answers(v3, _faults(v3, needed - 1, m)).flag_ids


def test_a_blank_fault_is_counted_proportionally(instrument_bank):
    """v2 on paper: one fault left blank used to make 3 "Never" of 5 a flag."""
    v2 = instrument_bank.get("tripwire", "2")
    assert "impression_management_high" not in score_answers(v2, _faults(v2, 3, 5)).flag_ids
    assert "impression_management_high" in score_answers(v2, _faults(v2, 4, 5)).flag_ids
    assert "impression_management_high" in score_answers(v2, _faults(v2, 4, 6)).flag_ids
    assert "impression_management_high" not in score_answers(v2, _faults(v2, 3, 6)).flag_ids


def test_the_im_note_never_fires_on_fewer_than_five_answered(instrument_bank):
    v2 = instrument_bank.get("tripwire", "2")
    four = score_answers(v2, _faults(v2, 4, 4))
    assert four.scales["impression_management"].band == "high"  # the scale is still scored and shown
    assert "impression_management_high" not in four.flag_ids



# An honest extreme responder of the second independent check (bench/investigations/
# independent_respondents.py, variant A, seed 1, respondent A-1-165): answers in item order
# per scale (pc1–pc8, wc1–wc8, af1–af8, fp1–fp7, im1–im8), about 30 s a page. Within-scale
# spread 1.54 and the last pages 1.93 from the earlier ones: questioned as inconsistent before
# `inconsistent_extreme_share`; 21 of 31 answers at the ends, 6 of them "Almost always".
EXTREME_RESPONDER = {"pc": "45135311", "wc": "14233111", "af": "11525552", "fp": "1111141", "im": "32253411"}
EXTREME_PAGES = (31.4, 31.1, 31.5, 29.1, 28.0)


def _extreme_responder(instrument, **changes) -> AnswerSet:
    answers = {f"{prefix}{k}": int(a) for prefix, row in EXTREME_RESPONDER.items() for k, a in enumerate(row, 1)}
    answers.update(changes)
    seconds = tuple(t / len(page) for t, page in zip(EXTREME_PAGES, instrument.pages))
    return AnswerSet("en", answers, None, seconds)


def test_an_honest_extreme_responder_gets_no_note(v3):
    assert score_answers(v3, _extreme_responder(v3)).flag_ids == ()
    off = dataclasses.replace(v3, validity=dataclasses.replace(v3.validity, inconsistent_extreme_share=1.0))
    assert score_answers(off, _extreme_responder(v3)).flag_ids == ("inconsistent",)


def test_the_extreme_responder_one_end_answer_short_of_the_exemption_is_questioned(v3):
    """One step short of `inconsistent_extreme_share` (18 of 31 answers at the ends exempt, 17
    not) and of `inconsistent_extreme_each_end` (4 of 31 "Almost always" exempt, 3 not: a low
    scorer's many "Never" is not extreme responding); the spread stays above its threshold."""
    exempt = {"wc1": 2, "wc6": 2, "wc7": 2}
    assert score_answers(v3, _extreme_responder(v3, **exempt)).flag_ids == ()
    assert score_answers(v3, _extreme_responder(v3, **exempt, wc8=2)).flag_ids == ("inconsistent",)
    exempt = {"pc2": 4, "pc5": 4}
    assert score_answers(v3, _extreme_responder(v3, **exempt)).flag_ids == ()
    assert score_answers(v3, _extreme_responder(v3, **exempt, af3=4)).flag_ids == ("inconsistent",)
