"""Defects checked through the test client: the language of downloads and of
resumes, the workshop list's counts, what a deletion takes with it, and the
copy people read."""

import re

from pypdf import PdfReader
import io

from .conftest import Respondent, csrf_of
from .helpers import varied_answers
from .workshop_helpers import create_workshop, join_and_complete, login, make_coach


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
