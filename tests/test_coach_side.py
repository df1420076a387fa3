"""The coach's side (issue 28): one size everywhere in an anonymous workshop, the
room in the workshop's language, follow-up sessions under their workshop, one
colour per band, and xlsx that matches its CSV."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from datetime import date, timedelta

import markupsafe
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment.followup import on_a_weekday
from config import ROOT
from reports.charts import BAND_COLOURS, _name_with_median
from reports.i18n import translations
from services.db import db
from services.models import Response
from services.responses import profile_of

from .support.answers import answers_with_score, varied_answers
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.followup import make_plan
from .support.forms import Respondent, csrf_of


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_an_anonymous_workshop_states_one_size_everywhere(app, coach, instrument):
    """7 completions, minimum 5: the release holds 7, and every view, slide, PDF and
    export says 7 in the same words; no range, no live count, no "in progress"."""
    coach.get("/coach/?lang=en")
    workshop_id, code = create_workshop(coach, title="Anon", language="en")
    for k in range(7):
        join_and_complete(app.test_client(), instrument, code, offset=k)
    join_and_complete(app.test_client(), instrument, code, complete=False)  # one still answering
    team = coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    assert team["summary"]["included"] == 7 and team["summary"]["completed"] == {"low": 7, "high": 7}
    assert team["summary"]["in_progress"] is None and team["summary"]["joined"] == 8
    assert all(sum(s["band_counts"].values()) + s["not_scorable"] == 7 for s in team["summary"]["scales"])
    assert team["size"]["label"] == "In the results" and team["size"]["value"] == "7"
    reason = team["size"]["reason"]
    assert "include the 7 who had completed" in reason and "only when 5 more" in reason

    # One more completion: nothing moves, not even the count.
    join_and_complete(app.test_client(), instrument, code, offset=9)
    assert coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()["size"] == team["size"]

    html = coach.get(f"/coach/workshops/{workshop_id}").text
    assert re.search(r"<dt>In the results</dt><dd data-count=\"completed\">7</dd>", html)
    assert reason in html.replace("&#39;", "'") and "5–9" not in html and 'data-count="in_progress"' not in html
    assert re.search(r'data-count="included">7<', html)
    row = re.search(rf'<tr data-workshop="{workshop_id}">(.*?)</tr>', coach.get("/coach/").text, re.S).group(1)
    assert 'data-count="completed">7 in the results<' in row

    present = coach.get(f"/coach/workshops/{workshop_id}/present.json").get_json()
    assert present["completed"] == "7" and present["size"] == team["size"]
    slides = coach.get(f"/coach/workshops/{workshop_id}/present").text
    assert "<dt>In the results</dt><dd data-count=\"completed\">7</dd>" in slides

    pdf = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/team.pdf").data)
    assert "In the results 7" in pdf and "5–9" not in pdf and "In the charts" not in pdf
    assert " ".join(reason.split()) in pdf

    rows = list(csv.DictReader(io.StringIO(coach.get(f"/coach/workshops/{workshop_id}/scores.csv").data.decode("utf-8-sig"))))
    assert rows and {r["completed"] for r in rows} == {"7"}
    sheet = load_workbook(io.BytesIO(coach.get(f"/coach/workshops/{workshop_id}/scores.xlsx").data))["Team"]
    header = [c.value for c in sheet[1]]
    assert header == ["Scale", "In the results", "Median", "Low", "Moderate", "High", "Not scorable", "With a validity note"]
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    # The anonymous xlsx matches its CSV, column for column (the CSV names are for tools).
    assert [[r[1], r[2], r[3], r[4], r[5], r[6], r[7]] for r in body] == [
        [int(c["completed"]), float(c["median"]), int(c["low"]), int(c["moderate"]), int(c["high"]),
         int(c["not_scorable"]), int(c["with_validity_note"])] for c in rows]


def test_a_named_workshops_slides_say_how_many_shared(app, coach, instrument):
    coach.get("/coach/?lang=en")
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language="en")
    for k in range(3):
        join_and_complete(app.test_client(), instrument, code, name=f"P{k}", share=k < 2, offset=k)
    slides = coach.get(f"/coach/workshops/{workshop_id}/present").text
    assert "2 of the 3 who completed shared their profile." in slides
    assert "2 of the 3 who completed shared their profile." in coach.get(f"/coach/workshops/{workshop_id}").text
    pdf = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/team.pdf").data)
    assert "Completed 3" in pdf and "Shared their profile 2" in pdf


def test_the_presenter_speaks_the_workshops_language_with_a_switch(app, coach, instrument):
    coach.get("/coach/?lang=en")  # the coach's own pages are in English
    workshop_id, code = create_workshop(coach, title="Säljkickoff", privacy="named", language="sv")
    join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True, language="sv")
    slides = coach.get(f"/coach/workshops/{workshop_id}/present").text
    assert '<html lang="sv">' in slides
    for swedish in ("Gruppen", "Prata om det", "Tack!", "Anslutna", "Nästa"):
        assert swedish in slides, swedish
    for english in (">The team<", "Let's talk", "Thank you!", ">Next<"):
        assert english not in slides, english
    assert coach.get(f"/coach/workshops/{workshop_id}/present.json").get_json()["size"]["label"] == "Klara"
    # The switch shows the slides in English for this projector only ...
    english = coach.get(f"/coach/workshops/{workshop_id}/present?lang=en").text
    assert '<html lang="en">' in english and "Thank you!" in english
    assert '/present.json?lang=en"' in english, "the live updates follow the switch"
    # ... and neither it nor the Swedish room changes the coach's own language.
    assert '<html lang="en"' in coach.get("/coach/").text
    # The team PDF, the exports and the join page default to the workshop's language too.
    assert "Grupprapport" in pdf_text(coach.get(f"/coach/workshops/{workshop_id}/team.pdf").data)
    assert load_workbook(io.BytesIO(coach.get(f"/coach/workshops/{workshop_id}/scores.xlsx").data)).sheetnames[0] == "Svar"
    visitor = app.test_client()
    join = visitor.get(f"/join/{code}", headers={"Accept-Language": "en"}).text
    assert '<html lang="sv"' in join
    assert '<html lang="en"' in visitor.get(f"/join/{code}?lang=en").text, "the participant's own choice wins"


def test_the_thank_you_slide_tells_a_named_workshop_to_bring_the_follow_up_code(app, coach):
    """A named workshop with a follow-up: the last slide says that a shared profile carries
    the follow-up code to bring along, in the room's language. Without a follow-up, or in
    an anonymous workshop (no code, services/followup/linking.py), it says nothing of a code."""
    coach.get("/coach/?lang=en")
    named_id, _code = create_workshop(coach, title="Kickoff", privacy="named", language="sv")
    anonymous_id, _code = create_workshop(coach, title="Anon", language="en")
    assert "data-follow-up-code-note" not in coach.get(f"/coach/workshops/{named_id}/present").text
    for workshop_id in (named_id, anonymous_id):
        page = coach.get(f"/coach/workshops/{workshop_id}").text
        coach.post(f"/coach/workshops/{workshop_id}/follow-up", data={"csrf_token": csrf_of(page), "held_on": "2027-01-31"})
    close = re.compile(r'<section class="slide" data-slide="close".*?</section>', re.S)
    swedish = close.search(coach.get(f"/coach/workshops/{named_id}/present").text).group(0)
    assert "Om du delade din profil står det en uppföljningskod i den: ta med koden till uppföljningen." in swedish
    english = close.search(coach.get(f"/coach/workshops/{named_id}/present?lang=en").text).group(0)
    assert "If you shared your profile, it shows a follow-up code: bring it to the follow-up session." in english
    assert "follow-up code" not in close.search(coach.get(f"/coach/workshops/{anonymous_id}/present").text).group(0)


def test_follow_up_sessions_sit_under_their_workshop_and_offer_no_follow_up_of_their_own(app, coach):
    coach.get("/coach/?lang=en")
    first_id, _code = create_workshop(coach, title="Kickoff", privacy="named")
    other_id, _code = create_workshop(coach, title="Another team")
    page = coach.get(f"/coach/workshops/{first_id}").text
    reply = coach.post(f"/coach/workshops/{first_id}/follow-up", data={"csrf_token": csrf_of(page), "held_on": "2027-01-31"})
    follow_id = int(reply.headers["Location"].rstrip("/").split("/")[-1])
    listing = coach.get("/coach/").text
    order = [int(n) for n in re.findall(r'<tr data-workshop="(\d+)"', listing)]
    assert order.index(follow_id) == order.index(first_id) + 1, "the follow-up right under its workshop"
    assert re.search(rf'<tr data-workshop="{follow_id}" class="follow-up-row" data-follow-up-of="{first_id}">', listing)
    assert other_id in order
    follow_page = coach.get(f"/coach/workshops/{follow_id}").text
    assert "Create a follow-up session" not in follow_page and "This is the follow-up of" in follow_page
    # Asked for anyway (an old form): refused with a reason, nothing created.
    refused = coach.post(f"/coach/workshops/{follow_id}/follow-up", data={"csrf_token": csrf_of(follow_page), "held_on": "2027-03-01"})
    assert refused.status_code == 409
    assert len(re.findall(r"<tr data-workshop=", coach.get("/coach/").text)) == 3


def test_an_empty_list_of_workshops_says_what_to_do(coach):
    html = coach.get("/coach/?lang=en").text
    assert "No workshops yet" in html and "Present on a projector" in html and "key the forms in" in html


def test_one_colour_per_band_everywhere():
    for path in ("static/css/app.css", "static/css/present.css"):
        css = (ROOT / path).read_text()
        for band, colour in BAND_COLOURS.items():
            assert f"--{band}: {colour}" in css, (path, band)
    pdf_css = (ROOT / "templates/pdf/report.css").read_text()
    for band, colour in BAND_COLOURS.items():
        assert f".band-{band} {{ background: {colour}; }}" in pdf_css, band


def test_the_swedish_driver_label_and_its_median_share_one_line(app):
    assert "<br>" not in _name_with_median("Rädsla att verka påträngande", "median 54")
    assert _name_with_median("A very long scale name that has to wrap somewhere sensible", "median 54").count("<br>") >= 1


def test_the_coachs_edition_only_of_a_shared_profile(app, coach, instrument):
    """Validity notes with what to ask, a conversation guide from the person's
    pattern, and where they sit in the team by bands; only for a profile shared with
    this coach, never in an anonymous workshop, never another coach's."""
    coach.get("/coach/?lang=en")
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language="en")
    shared = join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True, offset=0)
    kept = join_and_complete(app.test_client(), instrument, code, name="Bo", share=False, offset=1)
    # Carl answers everything the same, fast: validity notes.
    carl = join_and_complete(app.test_client(), instrument, code, name="Carl", share=True, complete=False)
    carl.complete({item.id: 5 for item in instrument.items})
    ids = [int(i) for i in re.findall(r'<tr data-id="(\d+)">', coach.get(f"/coach/workshops/{workshop_id}").text)]
    assert len(ids) == 2, "the grid lists the two who shared"
    html = coach.get(f"/coach/workshops/{workshop_id}").text
    assert f"/coach/workshops/{workshop_id}/responses/{ids[0]}/coach.pdf" in html

    texts = {}
    for response_id in ids:
        reply = coach.get(f"/coach/workshops/{workshop_id}/responses/{response_id}/coach.pdf")
        assert reply.status_code == 200 and reply.mimetype == "application/pdf"
        assert "coach-edition-" in reply.headers["Content-Disposition"]
        texts[response_id] = pdf_text(reply.data)
    asa, carl_text = (texts[i] for i in ids) if "Åsa" in texts[ids[0]] else (texts[i] for i in reversed(ids))
    for text in (asa, carl_text):
        assert "Coach's edition" in text and "A conversation guide" in text and "Start with:" in text
        assert "Where the person sits in the team" in text and "Among the 2 in this workshop" in text
        assert "Bo" not in text.replace("Boundary", "")
    assert "Many answers in a row were the same. Ask:" in carl_text, "a validity note comes with what to ask about it"

    # Not shared, another coach's, or an anonymous workshop: 404, never a PDF.
    bo_id = next(r.id for r in _responses(app) if r.respondent_name == "Bo")
    assert coach.get(f"/coach/workshops/{workshop_id}/responses/{bo_id}/coach.pdf").status_code == 404
    anon_id, anon_code = create_workshop(coach, title="Anon", language="en")
    join_and_complete(app.test_client(), instrument, anon_code, offset=3)
    anon_response = next(r.id for r in _responses(app) if r.workshop_id == anon_id)
    assert coach.get(f"/coach/workshops/{anon_id}/responses/{anon_response}/coach.pdf").status_code == 404
    other = app.test_client()
    email, password = make_coach(app, email="other@example.com")
    login(other, email, password)
    assert other.get(f"/coach/workshops/{workshop_id}/responses/{ids[0]}/coach.pdf").status_code == 404
    assert shared and kept


def test_the_coachs_edition_is_in_the_workshops_language_whatever_the_person_answered_in(app, coach, instrument):
    """The coach's own document: a Swedish workshop's coach gets it in Swedish for a participant
    who answered in English, as the workshop's ZIP has it (the walk found it in English)."""
    coach.get("/coach/?lang=sv")
    workshop_id, code = create_workshop(coach, title="Svensk", privacy="named", language="sv")
    join_and_complete(app.test_client(), instrument, code, name="Eve", share=True, language="en")
    response_id = next(r.id for r in _responses(app) if r.respondent_name == "Eve")
    assert next(r.language for r in _responses(app) if r.id == response_id) == "en"
    reply = coach.get(f"/coach/workshops/{workshop_id}/responses/{response_id}/coach.pdf")
    assert reply.status_code == 200
    text = pdf_text(reply.data)
    assert "Coachens utgåva" in text and "En samtalsguide" in text
    assert "Coach's edition" not in text and "A conversation guide" not in text
    assert "coach-edition" not in reply.headers["Content-Disposition"], "the file name in Swedish too"
    # A link that asks for a language still gets it.
    english = coach.get(f"/coach/workshops/{workshop_id}/responses/{response_id}/coach.pdf?lang=en")
    assert "Coach's edition" in pdf_text(english.data)


def test_the_coachs_edition_says_a_team_of_one_in_words_for_one(app, coach, instrument):
    """"Bland de 1 i den här workshopen" / "Among the 1 in this workshop": the count is a plural."""
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language="sv")
    join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True, offset=0, language="sv")
    (first,) = [int(i) for i in re.findall(r'<tr data-id="(\d+)">', coach.get(f"/coach/workshops/{workshop_id}").text)]
    edition = f"/coach/workshops/{workshop_id}/responses/{first}/coach.pdf"
    sv, en = (pdf_text(coach.get(f"{edition}?lang={lang}").data) for lang in ("sv", "en"))
    assert "Hittills har bara 1 person i workshopen delat sin profil med dig – den här personen –" in sv
    assert "So far only 1 person in this workshop has shared their profile with you – this one –" in en
    assert "Bland de 1 " not in sv and "Among the 1 " not in en

    join_and_complete(app.test_client(), instrument, code, name="Bo", share=True, offset=1, language="sv")
    sv = pdf_text(coach.get(f"{edition}?lang=sv").data)
    assert "Bland de 2 i den här workshopen som delade sin profil med dig (personen själv medräknad)" in sv


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_coach_and_the_person_start_in_the_same_place_the_driver_too(app, coach, instrument, language):
    """The walk: Anna's profile said "Börja här" for the driver (100, high), her coach's edition,
    reading only the behaviours, "Börja med: Svaga avslut". One owner now (assessment/suggestions.py)."""
    _ = translations(language).gettext
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language=language)
    anna = join_and_complete(app.test_client(), instrument, code, name="Anna", share=True, language=language,
                             complete=False)
    anna.complete(answers_with_score(instrument, "fear_of_pushiness", 100))
    page = markupsafe.Markup(anna.client.get(anna.url(f"/profile?lang={language}")).text).unescape()
    driver = next(s.name[language] for s in instrument.scales if s.id == "fear_of_pushiness")
    assert _("Your biggest tripwire: %(scale)s") % {"scale": driver} in page, "the profile starts with the driver"

    (response_id,) = [int(i) for i in re.findall(r'<tr data-id="(\d+)">', coach.get(f"/coach/workshops/{workshop_id}").text)]
    text = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/responses/{response_id}/coach.pdf?lang={language}").data)
    assert _("Start with: %(name)s") % {"name": driver} in text
    assert ("Personens egen rapport börjar också här: drivkraften har högst poäng (100, Hög)" if language == "sv" else
            "The person's own report starts here too: the driver scores highest (100, High)") in text
    assert _("Of the three behaviours this one scores highest (%(score)s, %(band)s).").split("(")[0].strip() not in text
    assert _("After that: the behaviours") in text and _("The driver: %(name)s") % {"name": driver} not in text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_coachs_edition_says_whose_words_it_quotes(app, coach, instrument, language):
    """The participant's own texts speak to them ("Du svarade mycket snabbt", "dina affärer"): the
    edition says whose they are, as its guide does elsewhere, before the validity notes and the driver."""
    prefix = translations(language).gettext("Their report says:")
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language=language)
    carl = join_and_complete(app.test_client(), instrument, code, name="Carl", share=True, language=language,
                             complete=False)
    # Everything the same and fast, the driver lowest: validity notes, and a driver section of its own.
    carl.complete({item.id: 2 if item.scale_id == "fear_of_pushiness" else 5 for item in instrument.items})
    (response,) = _responses(app)
    with app.app_context():
        profile = profile_of(response, language)
    assert profile.flags, "the answers give validity notes"
    text = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/responses/{response.id}/coach.pdf?lang={language}").data)
    quoted = [flag.text for flag in profile.flags] + [profile.scales["fear_of_pushiness"].interpretation]
    for own_words in quoted:
        own_words = " ".join(own_words.split())
        assert own_words in text
        assert text.count(own_words) == text.count(f"{prefix} {own_words}"), own_words


@pytest.mark.parametrize("language", ["sv", "en"])
def test_one_who_completed_and_shared_reads_as_one(app, coach, instrument, language):
    """The walk: "1 av de 1 som har svarat klart delade sin profil" on the team page, the presenter
    and the team PDF (one macro, templates/_team_size.html)."""
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language=language)
    join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True, offset=0, language=language)
    one = ("1 person har svarat klart, och 1 har delat sin profil. Diagrammen visar bara dem som har delat."
           if language == "sv" else
           "1 person completed, and 1 shared their profile. The charts include only those who shared.")
    page = markupsafe.Markup(coach.get(f"/coach/workshops/{workshop_id}?lang={language}").text).unescape()
    slides = markupsafe.Markup(coach.get(f"/coach/workshops/{workshop_id}/present?lang={language}").text).unescape()
    team_pdf = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/team.pdf?lang={language}").data)
    for text in (page, slides, team_pdf):
        assert one in text and ("av de 1 " if language == "sv" else "of the 1 ") not in text

    join_and_complete(app.test_client(), instrument, code, name="Bo", share=True, offset=1, language=language)
    page = markupsafe.Markup(coach.get(f"/coach/workshops/{workshop_id}?lang={language}").text).unescape()
    assert ("2 av de 2 som har svarat klart delade sin profil. Diagrammen visar bara dem." if language == "sv" else
            "2 of the 2 who completed shared their profile. The charts include only them.") in page


def _responses(app):
    with app.app_context():
        return list(db.session.scalars(db.select(Response)))


def test_the_zip_holds_each_profiles_coach_edition(app, coach, instrument):
    coach.get("/coach/?lang=en")
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language="en")
    for k in range(2):
        join_and_complete(app.test_client(), instrument, code, name=f"P{k}", share=True, offset=k)
    page = coach.get(f"/coach/workshops/{workshop_id}").text
    reply = coach.post(f"/coach/workshops/{workshop_id}/reports.zip", data={"csrf_token": csrf_of(page)})
    job_id = int(reply.headers["Location"].split("job=")[1].split("#")[0])
    status = {}
    for _attempt in range(120):
        status = coach.get(f"/coach/workshops/{workshop_id}/jobs/{job_id}.json").get_json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert status["status"] == "done", status
    names = zipfile.ZipFile(io.BytesIO(coach.get(status["download"]).data)).namelist()
    assert sorted(n.split("-")[0] for n in names) == ["coach", "coach", "profile", "profile"], names


def test_demo_workshop_prints_links_on_the_real_address(app, runner, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    out = runner.invoke(args=["demo-workshop", "--participants", "2", "--seed", "1"]).output
    assert "http://127.0.0.1:8123/coach/login" in out and ":5000" not in out
    assert re.search(r"http://127\.0\.0\.1:8123/coach/workshops/\d+/present", out)
    assert re.search(r"http://127\.0\.0\.1:8123/join/[A-Z0-9]{6}", out)
    app.config["PUBLIC_URL"] = "https://tripwire.example.org/"
    out = runner.invoke(args=["demo-workshop", "--participants", "1"]).output
    assert "https://tripwire.example.org/coach/login" in out and "8123" not in out


def test_in_debug_mode_without_a_mail_server_reminders_are_printed(mail_app, client, instrument, runner, monkeypatch):
    # The plan is saved while mail is set up but its server does not answer (the confirmation
    # waits for the next run); the runs below are in debug mode without a mail server.
    app = mail_app
    person = Respondent(client, instrument)
    person.start(language="en")
    person.complete(varied_answers(instrument))
    client.get(person.url("/profile?lang=en"))
    assert make_plan(person, email="ann@example.org", follow_up="14").status_code == 302
    app.config.update(SMTP_HOST=None)
    monkeypatch.setenv("FLASK_DEBUG", "1")  # as `flask --app app send-reminders` sees it
    due = on_a_weekday(date.today() + timedelta(days=14)).isoformat()  # as the plan page moves it
    # Double opt-in: the first mail printed is the confirmation; its printed link confirms the address.
    first = runner.invoke(args=["send-reminders", "--as-of", due])
    assert first.exit_code == 0, first.output
    assert "printed, not sent" in first.output and "To: ann@example.org" in first.output
    assert "/retake/" not in first.output and "Sent 1 confirmation e-mail" in first.output
    link = re.search(r"https?://\S+(/reminder/confirm/\S+)", first.output)
    assert link, first.output
    page = client.get(link.group(1))
    assert page.status_code == 200, first.output
    assert client.post(link.group(1), data={"csrf_token": csrf_of(page.text)}).status_code == 200
    result = runner.invoke(args=["send-reminders", "--as-of", due])
    assert result.exit_code == 0, result.output
    assert "printed, not sent" in result.output and "To: ann@example.org" in result.output
    assert "/retake/" in result.output and "Sent 1 reminder" in result.output
    # Not in debug mode: still refused without SMTP_HOST, naming what is missing.
    monkeypatch.setenv("FLASK_DEBUG", "0")
    refused = runner.invoke(args=["send-reminders", "--as-of", due])
    assert refused.exit_code == 2 and "set SMTP_HOST" in refused.output


def test_in_debug_mode_the_confirmation_is_printed_when_the_plan_is_saved(app, client, instrument, capfd):
    """The walk found the plan page saying "we've e-mailed a confirmation link" in debug mode while
    nothing was printed until the next send-reminders run."""
    app.config.update(DEBUG=True, SMTP_HOST=None)
    person = Respondent(client, instrument)
    person.start(language="en")
    person.complete(varied_answers(instrument))
    capfd.readouterr()
    assert make_plan(person, email="ann@example.org", follow_up="14").status_code == 302
    printed = capfd.readouterr().out
    assert "printed, not sent" in printed and "To: ann@example.org" in printed and "/reminder/confirm/" in printed


def test_the_new_workshop_form_starts_in_the_coachs_language_and_explains_the_minimum(coach):
    english = coach.get("/coach/workshops/new?lang=en").text
    assert re.search(r'<input[^>]*checked[^>]*value="en"|<input[^>]*value="en"[^>]*checked', english)
    assert "appear once 5 have completed and change only when 5 more have" in english
    swedish = coach.get("/coach/workshops/new?lang=sv").text
    assert re.search(r'<input[^>]*checked[^>]*value="sv"|<input[^>]*value="sv"[^>]*checked', swedish)


def test_a_keyed_string_of_the_wrong_length_names_every_problem_at_once(app, coach, instrument):
    coach.get("/coach/?lang=en")
    workshop_id, _code = create_workshop(coach, title="Paper", privacy="named", language="en")
    page = coach.get(f"/coach/workshops/{workshop_id}/paper").text
    reply = coach.post(f"/coach/workshops/{workshop_id}/paper", data={
        "csrf_token": csrf_of(page), "name": "x" * 200, "answer_string": "12z45q"})
    assert reply.status_code == 422
    html = reply.text.replace("&#34;", '"')
    assert "You typed 6 answers; this questionnaire has" in html
    assert "Characters 3, 6 are not answers" in html
    assert "Choose a language." in html and "A name can be at most 120 characters." in html
    # An "n" where the form has no such box is named in the same round, not after the length is right
    # (the independent walk had to submit twice).
    no_box = next(n for n, item in enumerate(instrument.items, 1) if not item.offers_not_applicable)
    typed = "".join("n" if n == no_box else "2" for n in range(1, no_box + 1))
    reply = coach.post(f"/coach/workshops/{workshop_id}/paper", data={
        "csrf_token": csrf_of(page), "name": "Per", "language": "en", "answer_string": typed})
    html = reply.text.replace("&#34;", '"')
    assert reply.status_code == 422 and f"You typed {no_box} answers" in html
    assert f"Question {no_box} has no “does not apply” box on the form" in html


def test_sign_up_off_is_explained_and_the_password_rule_shows_before_typing(app, client):
    login_page = client.get("/coach/login?lang=en").text
    assert "coach accounts are created by whoever runs it" in login_page and "/coach/signup" not in login_page
    off = client.get("/coach/signup?lang=en")
    assert off.status_code == 404 and "Sign-up is switched off here" in off.text and "ALLOW_SIGNUP=1" in off.text
    app.config["ALLOW_SIGNUP"] = True
    signup = client.get("/coach/signup?lang=en").text
    assert 'id="password-hint">At least 12 characters' in signup and 'aria-describedby="password-hint' in signup
    assert "Minst 12 tecken" in client.get("/coach/signup?lang=sv").text
    email, password = make_coach(app)
    login(client, email, password)
    assert 'id="new-hint">At least 12 characters' in client.get("/coach/password?lang=en").text
