"""Honest uncertainty and "does not apply" on every surface: the questionnaire
page, storage, the profile page, the PDF, the team views, paper mode, and a v1
response that still renders and says "version 1"."""

import io
import re
import unicodedata
from datetime import date, datetime, timezone

from pypdf import PdfReader

from assessment import score_answers
from assessment.bank import InstrumentBank
from reports.pdf import render_document_pdf, render_profile_pdf_in_process
from reports.report_model import ProfileReport, blank_questionnaire_document
from services.db import db
from services.instruments import instrument_bank
from services.models import (
    NOT_APPLICABLE_VALUE,
    Answer,
    Response,
    hash_token,
    new_token,
)
from services.responses import answer_set

from .support.answers import varied_answers
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of, page_fields
from .support.paths import QUESTIONS


def pdf_words(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pages)).split())


def near_cut_answers(instrument):
    """Varied answers, with weak_close at 4,4,4,4,3,3,3,3 → exact 62.5, shown 63: high, on the boundary,
    so moderate is 50 % likely (near the boundary)."""
    answers = varied_answers(instrument)
    wc = [i.id for i in instrument.scale("weak_close").items]
    answers.update({item_id: 4 if k < 4 else 3 for k, item_id in enumerate(wc)})
    return answers


def test_page_offers_does_not_apply_in_the_same_radio_group_with_the_reference_period(respondent, instrument):
    respondent.start(language="sv")
    page = respondent.client.get(respondent.url("/page/1")).text
    first = instrument.pages[0][0]
    radios = re.findall(rf'<input[^>]*name="{first.id}"[^>]*>', page)
    assert [re.search(r'value="([^"]+)"', r).group(1) for r in radios] == ["1", "2", "3", "4", "5", "na"]
    assert "Inte aktuellt för mig" in page and "scale-option-na" in page
    assert instrument.instructions["sv"] in page and instrument.page_hint["sv"] in page
    second = respondent.client.get(respondent.url("/page/2")).text
    assert instrument.page_hint["sv"] in second and instrument.instructions["sv"] not in second


def test_not_applicable_is_stored_as_such_and_left_out_of_the_score(app, respondent, instrument):
    respondent.start(language="en")
    answers = varied_answers(instrument)
    af = [i.id for i in instrument.scale("abandoned_follow_up").items]
    answers.update({af[0]: "na", af[1]: "na"})
    respondent.complete(answers)
    with app.app_context():
        response = db.session.query(Response).one()
        stored = {a.item_id: a.value for a in db.session.query(Answer).filter_by(response_id=response.id)}
        assert stored[af[0]] == stored[af[1]] == NOT_APPLICABLE_VALUE and len(stored) == len(instrument.items)
    page = respondent.client.get(respondent.url("/profile")).text
    assert "2 questions answered “does not apply” are left out of this score." in page
    # back on the page, "does not apply" is still ticked
    assert respondent.client.get(respondent.url("/page/1")).status_code == 302  # completed: goes to the profile


def test_too_many_not_applicable_says_why_there_is_no_score(respondent, instrument):
    respondent.start(language="en")
    answers = varied_answers(instrument)
    af = [i.id for i in instrument.scale("abandoned_follow_up").items]
    answers.update({item_id: "na" for item_id in af[:3]})
    respondent.complete(answers)
    page = " ".join(respondent.client.get(respondent.url("/profile")).text.split())
    assert ("Not scored: 3 of the 8 questions on this scale were answered “does not apply”, "
            "and a score needs at least 6 answers from Never to Almost always.") in page


def v1_response(app, *, completed=True, answers=True) -> str:
    """A response taken on version 1, stored as it would have been before v2."""
    token = new_token()
    with app.app_context():
        v1 = instrument_bank().get("tripwire", "1")
        response = Response(token_hash=hash_token(token), instrument_id="tripwire", instrument_version="1",
                            language="en", completed_at=datetime.now(timezone.utc) if completed else None)
        db.session.add(response)
        db.session.flush()
        if answers:
            db.session.add_all(Answer(response_id=response.id, item_id=k, value=v) for k, v in varied_answers(v1).items())
        db.session.commit()
    return token


def test_not_applicable_is_refused_where_the_instrument_does_not_offer_it(app, client):
    token = v1_response(app, completed=False, answers=False)
    page = client.get(f"/response/{token}/page/1")
    assert page.status_code == 200 and 'value="na"' not in page.text and "Does not apply" not in page.text
    reply = client.post(f"/response/{token}/page/1", data={**page_fields(page.text), "action": "next", "pc1": "na"})
    assert reply.status_code == 400
    reply = client.post(f"/response/{token}/page/1", data={**page_fields(page.text), "action": "next", "pc1": "3"})
    assert reply.status_code in (302, 422)


def test_profile_page_shows_integer_scores_intervals_and_near_the_boundary(respondent, instrument):
    respondent.start(language="sv")
    respondent.complete(near_cut_answers(instrument))
    page = respondent.client.get(respondent.url("/profile")).text
    assert re.search(r'data-score="weak_close">63<', page)
    # v3 weak_close: SEM 16.3 × √.19 = 7.105; 62.5 ± 11.69 → 50.8 … 74.2 → 51–74
    assert 'data-interval="weak_close">51–74<' in page
    assert "nära gränsen: ungefär 50\u00a0% chans att höra till måttlig" in page  # "50" and "%" on one line
    assert instrument.scale("weak_close").near_boundary["moderate_high"]["sv"] in page
    assert "Troligt spann" in page and "Reliabilitet 0,81" in page
    assert "Frågeformulär version 3" in page


PLAIN = {
    "sv": {"bands": "Nivåerna har fasta gränser på svarsskalan: de jämför dig inte med andra säljare, och vi kan komma att justera dem.",
           "range": "troligen mellan", "lead": "I korthet: inget frågeformulär mäter exakt",
           "for_coach": "För en coach: hur tillförlitlig varje skala är"},
    "en": {"bands": "The bands have fixed limits on the answer scale: they don't compare you with other salespeople, and we may still adjust them.",
           "range": "likely between", "lead": "In short: no questionnaire measures exactly",
           "for_coach": "For a coach: how reliable each scale is"},
}
JARGON = ("criterion", "kriterie", "provisional criterion", "90 %-intervall 5", "90 % interval 5")


def test_the_profile_page_says_the_bands_and_the_range_plainly(respondent, instrument):
    """The walk: "Nivåerna är preliminära kriterienivåer, inte normer: fasta gränser på svarsskalan" under
    the chart; the range is named by what it means ("likely"), its exact meaning one tap away."""
    for language in ("sv", "en"):
        respondent.start(language=language)
        respondent.complete(near_cut_answers(instrument))
        page = respondent.client.get(respondent.url(f"/profile?lang={language}")).text.replace("&#39;", "'")
        words = PLAIN[language]
        assert page.count(words["bands"]) == 1, language  # under the chart (no longer again under "How sure")
        assert not [j for j in JARGON if j in page], language
        assert ("90 procents säkerhet" if language == "sv" else "90 % confidence") in page  # what the range is


def test_the_pdf_says_the_range_plainly_and_its_last_page_who_the_detail_is_for(app, instrument):
    """Each scale: "likely between 42 and 65", not "(90 % interval 42–65)". The last page keeps the
    reliabilities and measurement errors, behind a plain lead sentence saying they are mainly for a
    coach, and names every scale in the report's language."""
    answers = near_cut_answers(instrument)
    for language, other in (("sv", "en"), ("en", "sv")):
        profile = score_answers(instrument, answer_set(language, answers))
        data = render_profile_pdf_in_process(ProfileReport(profile, instrument, answers, "Åsa", date(2026, 11, 27)))
        pages = [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in PdfReader(io.BytesIO(data)).pages]
        text, last = " ".join(pages), pages[-1]
        words = PLAIN[language]
        assert f"{words['range']} 51 {'och' if language == 'sv' else 'and'} 74" in text
        assert words["bands"] in text and not [j for j in JARGON if j in text], language
        assert words["lead"] in last and words["for_coach"] in last
        assert last.index(words["lead"]) < last.index(words["for_coach"]) < last.index("0,81" if language == "sv" else "0.81")
        for scale in instrument.scales:
            assert scale.name[language] in last, (language, scale.id)
            if scale.name[other] != scale.name[language]:
                assert scale.name[other] not in last, (language, scale.name[other])


def test_a_v1_response_still_renders_and_says_version_1(app, client):
    v1 = InstrumentBank.load(QUESTIONS).get("tripwire", "1")
    token = v1_response(app)
    page = client.get(f"/response/{token}/profile")
    assert page.status_code == 200
    assert "Questionnaire version 1" in page.text and v1.scale("weak_close").name["en"] in page.text
    assert re.search(r'data-interval="weak_close">\d+–\d+<', page.text)
    assert "Does not apply" not in page.text


def test_pdf_shows_intervals_and_near_the_boundary(app, instrument):
    answers = near_cut_answers(instrument)
    answers[instrument.scale("postponing_contact").items[0].id] = "na"
    for language, near, interval in (("sv", "nära gränsen: ungefär 50 % chans att höra till måttlig", "troligen mellan 51 och 74"),
                                     ("en", "near the boundary: about 50 % likely to belong to moderate", "likely between 51 and 74")):
        profile = score_answers(instrument, answer_set(language, answers))
        text = pdf_words(render_profile_pdf_in_process(ProfileReport(profile, instrument, answers, "Åsa", date(2026, 11, 27))))
        assert interval in text and near in text
        assert instrument.not_applicable_label[language] in text  # the answer list names it
        assert ("Frågeformulär version 3" if language == "sv" else "Questionnaire version 3") in text


def test_blank_paper_form_has_the_reference_period_and_a_does_not_apply_box(app, instrument):
    text = pdf_words(render_document_pdf(blank_questionnaire_document(instrument, "sv")))
    offered = sum(item.offers_not_applicable for item in instrument.items)
    faults = instrument.scale("impression_management").items
    assert faults and offered == len(instrument.items) - len(faults)  # not on the everyday faults
    # one box per item that offers it, plus the instructions' own mention
    assert "tre månader" in text and text.count("Inte aktuellt för mig") == offered + 1


def test_paper_keying_takes_not_applicable_and_the_team_grid_shows_intervals(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, code = create_workshop(client, privacy="named", language="en")
    page = client.get(f"/coach/workshops/{workshop_id}/paper")
    assert "n for “does not apply”" in page.text  # the keying grid takes n (or na) for it
    answers = varied_answers(instrument, 1)
    first_pc = instrument.scale("postponing_contact").items[0].id
    answers[first_pc] = "na"
    data = {"csrf_token": csrf_of(page.text), "name": "Pappers-Per", "language": "en", "share_with_coach": "y",
            **{k: str(v) for k, v in answers.items()}}
    assert client.post(f"/coach/workshops/{workshop_id}/paper", data=data).status_code == 200
    join_and_complete(app.test_client(), instrument, code, name="Nära Nils", share=True, offset=0)
    team = client.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    cells = {row["name"]: row["scores"] for row in team["grid"]}
    for scores in cells.values():
        for cell in scores.values():
            low, high = cell["interval"]
            assert low <= cell["score"] <= high and isinstance(cell["near"], bool)
    show = client.get(f"/coach/workshops/{workshop_id}").text
    assert "In brackets: the likely range – where the score lies with 90 % confidence." in show and re.search(r"\d+ <small>\(\d+–\d+\)</small>", show)
    rows = client.get(f"/coach/workshops/{workshop_id}/scores.csv").data.decode("utf-8-sig").splitlines()
    header = rows[0].split(",")
    per = next(r.split(",") for r in rows[1:] if r.startswith("Pappers-Per"))
    assert per[header.index(first_pc)] == "na"
    assert {"weak_close_exact", "weak_close_interval_low", "weak_close_interval_high", "weak_close_near_cut"} <= set(header)


# --- "does not apply" is decided per item by the item bank: not on everyday faults (#12)


def test_everyday_fault_items_offer_no_does_not_apply_on_the_page(app, respondent, instrument):
    respondent.start(language="en")
    page = respondent.client.get(respondent.url("/page/1")).text
    fault = next(i for i in instrument.pages[0] if i.scale_id == "impression_management")
    radios = re.findall(rf'<input[^>]*name="{fault.id}"[^>]*>', page)
    assert [re.search(r'value="([^"]+)"', r).group(1) for r in radios] == ["1", "2", "3", "4", "5"]
    # a browser cannot send it, so a forged "na" is refused and nothing is stored
    data = {**page_fields(page), "action": "next", **{i.id: "3" for i in instrument.pages[0]}, fault.id: "na"}
    reply = respondent.client.post(respondent.url("/page/1"), data=data)
    assert reply.status_code == 400 and "one of the options on offer" in reply.text
    data[fault.id] = "1"
    assert respondent.client.post(respondent.url("/page/1"), data=data).status_code == 302


def v2_response_with_na_on_a_fault(app, instrument) -> tuple[str, str]:
    """A v2 response stored before "does not apply" left the fault items: na on one of them."""
    token = new_token()
    fault = instrument.scale("impression_management").items[2].id
    answers = varied_answers(instrument)
    with app.app_context():
        response = Response(token_hash=hash_token(token), instrument_id="tripwire", instrument_version="2",
                            language="en", completed_at=datetime.now(timezone.utc))
        db.session.add(response)
        db.session.flush()
        db.session.add_all(Answer(response_id=response.id, item_id=k, value=NOT_APPLICABLE_VALUE if k == fault else v)
                           for k, v in answers.items())
        db.session.commit()
    return token, fault


def test_a_stored_v2_response_with_na_on_a_fault_still_scores_and_renders(app, client):
    instrument = app.extensions["instrument_bank"].get("tripwire", "2")
    token, fault = v2_response_with_na_on_a_fault(app, instrument)
    page = client.get(f"/response/{token}/profile")
    assert page.status_code == 200 and "Questionnaire version 2" in page.text
    answers = {**varied_answers(instrument), fault: "na"}
    profile = score_answers(instrument, answer_set("en", answers))
    im = profile.scales["impression_management"]
    assert (im.answered, im.not_applicable) == (5, 1) and im.score is not None
    text = pdf_words(render_profile_pdf_in_process(ProfileReport(profile, instrument, answers, "Åsa", date(2026, 11, 27))))
    assert "Questionnaire version 2" in text


def test_paper_keying_refuses_n_on_a_fault_item_and_says_which(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, _code = create_workshop(client, privacy="named", language="en")
    page = client.get(f"/coach/workshops/{workshop_id}/paper")
    numbers = [str(n) for n, item in enumerate(instrument.items, 1) if item.scale_id == "impression_management"]
    assert len(numbers) == len(instrument.scale("impression_management").items) and numbers[0] == "5"
    hint = " ".join(page.text.split())
    assert f"Questions {', '.join(numbers)} have no “does not apply” box on the form." in hint
    answers = varied_answers(instrument, 1)
    answers[instrument.items[4].id] = "n"  # question 5: an everyday fault
    answers[instrument.items[0].id] = "n"  # question 1: does not apply is fine here
    data = {"csrf_token": csrf_of(page.text), "name": "Pappers-Per", "language": "en", "share_with_coach": "y",
            **{k: str(v) for k, v in answers.items()}}
    reply = client.post(f"/coach/workshops/{workshop_id}/paper", data=data)
    text = " ".join(reply.text.split())
    assert reply.status_code == 422
    assert "Question 5 has no “does not apply” box on the form: use 1–5, or - for a blank." in text
    # the same as one typed string
    keys = "".join("n" if k in (0, 4) else str(varied_answers(instrument, 1)[i.id]) for k, i in enumerate(instrument.items))
    reply = client.post(f"/coach/workshops/{workshop_id}/paper",
                        data={"csrf_token": csrf_of(page.text), "name": "Pappers-Per", "language": "en",
                              "share_with_coach": "y", "answer_string": keys})
    assert reply.status_code == 422 and "Question 5 has no" in " ".join(reply.text.split())
    data[instrument.items[4].id] = "1"
    assert client.post(f"/coach/workshops/{workshop_id}/paper", data=data).status_code == 200
