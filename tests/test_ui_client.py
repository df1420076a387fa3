"""Defects checked through the test client: the language of downloads and of
resumes, the workshop list's counts, what a deletion takes with it, and the
copy people read."""

import io
import re
from datetime import date

from pypdf import PdfReader

from reports.i18n import decimal, long_date
from reports.pdf import render_document_pdf
from reports.report_model import blank_questionnaire_document
from services.db import db
from services.followup.teams import create_follow_up
from services.models import Workshop

from .support.answers import varied_answers
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import Respondent, csrf_of


def html_lang(html: str) -> str:
    return re.search(r'<html lang="(\w+)"', html).group(1)


def test_lang_on_a_download_applies_to_that_file_only(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, _code = create_workshop(client, language="sv")
    assert html_lang(client.get("/coach/?lang=sv").text) == "sv"
    blank = client.get(f"/coach/workshops/{workshop_id}/questionnaire.pdf?lang=en")
    assert blank.status_code == 200 and blank.mimetype == "application/pdf"
    assert "How often" in PdfReader(io.BytesIO(blank.data)).pages[0].extract_text() or "Never" in PdfReader(io.BytesIO(blank.data)).pages[0].extract_text()
    assert html_lang(client.get("/coach/").text) == "sv", "the coach's pages stay Swedish"
    client.get(f"/coach/workshops/{workshop_id}/scores.csv?lang=en")
    assert html_lang(client.get("/coach/").text) == "sv"
    # A page with ?lang= still switches the session.
    assert html_lang(client.get("/coach/?lang=en").text) == "en"
    assert html_lang(client.get("/coach/").text) == "en"


def test_resuming_on_another_device_uses_the_chosen_language(app, instrument):
    first = app.test_client()
    person = Respondent(first, instrument)
    person.start(language="sv")
    person.answer_page(1, {i.id: 3 for i in instrument.pages[0]})
    other_device = app.test_client()
    reply = other_device.get(person.url(), headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert reply.status_code == 302
    page = other_device.get(reply.location, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(page.text) == "sv"
    assert "Sida 2 av" in page.text


def test_paper_form_pdf_link_is_in_the_forms_language(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    client.get("/coach/?lang=sv")
    workshop_id, _code = create_workshop(client, language="sv")
    page = client.get(f"/coach/workshops/{workshop_id}/paper")
    answers = varied_answers(instrument)
    reply = client.post(f"/coach/workshops/{workshop_id}/paper", data={
        "csrf_token": csrf_of(page.text), "name": "Paper Person", "language": "en",
        **{k: str(v) for k, v in answers.items()}})
    assert reply.status_code == 200, reply.text[:300]
    link = re.search(r'href="([^"]*profile\.pdf[^"]*)"', reply.text).group(1).replace("&amp;", "&")
    assert "lang=en" in link


def test_workshop_list_counts_and_what_a_deletion_takes_with_it(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    client.get("/coach/?lang=en")
    full_id, code = create_workshop(client, title="Full", privacy="named")
    empty_id, _code = create_workshop(client, title="Empty", privacy="named")
    participants = app.test_client()
    join_and_complete(participants, instrument, code, offset=0)
    join_and_complete(participants, instrument, code, offset=1)
    join_and_complete(participants, instrument, code, complete=False)
    listing = client.get("/coach/").text
    row = re.search(rf'<tr data-workshop="{full_id}">(.*?)</tr>', listing, re.S).group(1)
    assert re.search(r'data-count="joined">3<', row) and re.search(r'data-count="completed">2<', row)
    empty_row = re.search(rf'<tr data-workshop="{empty_id}">(.*?)</tr>', listing, re.S).group(1)
    assert re.search(r'data-count="joined">0<', empty_row)
    assert "all 3 responses in it (2 completed)" in client.get(f"/coach/workshops/{full_id}/delete").text
    assert "Nobody has joined this workshop yet" in client.get(f"/coach/workshops/{empty_id}/delete").text
    swedish = client.get(f"/coach/workshops/{full_id}/delete?lang=sv").text
    assert "alla 3 svar (2 klara)" in swedish


def test_dates_and_decimals_follow_the_language():
    assert long_date(date(2026, 11, 27), "sv") == "27 november 2026"
    assert long_date(date(2026, 11, 27), "en") == "27 November 2026"
    assert decimal(37.5, "sv") == "37,5" and decimal(37.5, "en") == "37.5"


def test_workshop_list_shows_an_anonymous_workshops_completions_as_the_team_view_does(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    client.get("/coach/?lang=en")
    workshop_id, code = create_workshop(client, title="Anon")
    participants = app.test_client()
    join_and_complete(participants, instrument, code, offset=0)
    join_and_complete(participants, instrument, code, offset=1)
    row = re.search(rf'<tr data-workshop="{workshop_id}">(.*?)</tr>', client.get("/coach/").text, re.S).group(1)
    assert re.search(r'data-count="joined">2<', row)
    assert re.search(r'data-count="completed">0 in the results<', row), "the released size, never the live count"


def test_consent_to_share_says_exactly_what_the_coach_gets(app, client):
    email, password = make_coach(app)
    login(client, email, password)
    client.get("/coach/?lang=en")
    _workshop_id, code = create_workshop(client, privacy="named")
    person = app.test_client()
    join = person.get(f"/join/{code}?lang=en").text
    hint = re.search(r'<div class="hint" id="share_with_coach-hint"[^>]*>(.*?)</div>', join, re.S).group(1)
    # Every format the coach can download a shared profile in is named.
    assert "every answer" in hint and "Excel" in hint and "CSV" in hint and "PDF" in hint and "coach's edition" in hint.replace("&#39;", "'")
    assert 'aria-describedby="share_with_coach-hint"' in join
    privacy = person.get("/privacy?lang=en").text
    assert "every answer you gave" in privacy and "Excel" in privacy and "CSV" in privacy and "PDF report" in privacy
    swedish = person.get(f"/join/{code}?lang=sv").text
    assert "varje svar" in swedish and "Excel" in swedish and "CSV" in swedish


def test_presenter_view_is_owner_only_and_shows_no_names(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, code = create_workshop(client, privacy="named")
    join_and_complete(app.test_client(), instrument, code, name="Hemliga Hanna", share=True)
    page = client.get(f"/coach/workshops/{workshop_id}/present")
    assert page.status_code == 200 and code in page.text
    assert "Hemliga Hanna" not in page.text
    assert "Hemliga Hanna" not in client.get(f"/coach/workshops/{workshop_id}/present.json").text
    other = app.test_client()
    make_coach(app, email="other@example.com")
    login(other, "other@example.com", "correct horse battery")
    assert other.get(f"/coach/workshops/{workshop_id}/present").status_code == 404
    assert other.get(f"/coach/workshops/{workshop_id}/present.json").status_code == 404
    assert app.test_client().get(f"/coach/workshops/{workshop_id}/present").status_code in (302, 401)


def test_printable_form_has_name_date_consent_and_version(app, client, instrument):
    for language, words in {"en": ("Name", "Date", "version", "share my answers"), "sv": ("Namn", "Datum", "version", "dela mina svar")}.items():
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_document_pdf(blank_questionnaire_document(instrument, language)))).pages).split())
        assert all(word in text for word in words), (language, text[:300])
        assert f"version {instrument.version}" in text


def test_presenter_closing_slide_names_the_follow_up_date(app, client):
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, _code = create_workshop(client, privacy="named", language="en")
    assert "We follow up on" not in client.get(f"/coach/workshops/{workshop_id}/present?lang=en").text
    with app.app_context():
        create_follow_up(db.session.get(Workshop, workshop_id), "Uppföljning", date(2027, 1, 15))
        db.session.commit()
    assert "We follow up on 15 January 2027." in client.get(f"/coach/workshops/{workshop_id}/present?lang=en").text
