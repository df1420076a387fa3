"""A workshop's follow-up session: its own code, both sessions side by side in
the team view and the team PDF under the anonymity rules, and in named
workshops per-person change for those who joined with their private link."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from assessment.followup import CLEAR_CHANGE_Z
from services.db import db
from services.models import Response, Retake, Workshop

from .support.coaches import create_workshop, login, make_coach
from .support.followup import NOW, THEN, by_hand, create_follow_up, join
from .support.forms import csrf_of


def cells(html, scale_id):
    row = html.split(f'data-before-after="{scale_id}"')[1].split("</tr>")[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_follow_up_session_has_its_own_code_and_shows_both_sessions(app, coach, instrument):
    workshop_id, code = create_workshop(coach, title="Säljteamet", privacy="anonymous")
    follow_up_id, follow_up_code = create_follow_up(coach, workshop_id)
    assert follow_up_code != code
    with app.app_context():
        follow_up = db.session.get(Workshop, follow_up_id)
        assert follow_up.title == "Follow-up of Säljteamet" and follow_up.follow_up_of_id == workshop_id
        assert follow_up.privacy_mode == "anonymous"
    # The session is named in the room's language, whatever the coach's screen shows (the walk found
    # "Follow-up of …" on a Swedish room's join page and presenter).
    swedish_id, _code = create_workshop(coach, title="Kickoff", privacy="anonymous", language="sv")
    swedish_follow_up_id, _code = create_follow_up(coach, swedish_id)
    with app.app_context():
        assert db.session.get(Workshop, swedish_follow_up_id).title == "Uppföljning av Kickoff"

    people = app.test_client()
    min_group = app.config["ANONYMOUS_MIN_GROUP"]
    for _ in range(min_group):
        join(people, instrument, code, keyed=THEN)
    # the follow-up has fewer than the minimum: its figures stay hidden, the earlier ones show
    for _ in range(min_group - 1):
        join(people, instrument, follow_up_code, keyed=NOW)
    html = coach.get(f"/coach/workshops/{follow_up_id}").text
    assert "Before and after" in html
    assert f"Now: not shown until at least {min_group} have completed." in html
    then_median, now_median, then_bands, now_bands = cells(html, "postponing_contact")
    assert (then_median, now_median) == ("100", "–") and then_bands == f"0 / 0 / {min_group}" and now_bands == "–"
    assert re.search(r'data-n="before"[^>]*>%d<' % min_group, html) and re.search(r'data-n="after"[^>]*>0<', html)

    join(people, instrument, follow_up_code, keyed=NOW)
    html = coach.get(f"/coach/workshops/{follow_up_id}").text
    then_median, now_median, then_bands, now_bands = cells(html, "postponing_contact")
    assert (then_median, now_median) == ("100", "30")  # 25 to the nearest 10 in anonymous mode, half up
    assert now_bands == f"{min_group} / 0 / 0"
    assert "Per person" not in html, "an anonymous workshop shows only group figures"

    pdf = coach.get(f"/coach/workshops/{follow_up_id}/team.pdf?lang=en")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Before and after" in text and "Säljteamet" in text and "Number of people" in text


def test_named_follow_up_matches_people_by_their_private_link(app, coach, instrument):
    workshop_id, code = create_workshop(coach, title="Kickoff", privacy="named")
    people = app.test_client()
    asa = join(people, instrument, code, name="Åsa", keyed=THEN)
    join(people, instrument, code, name="Bo", keyed=THEN)
    private = join(people, instrument, code, name="Private", share=False, keyed=THEN)
    follow_up_id, follow_up_code = create_follow_up(coach, workshop_id)

    page = people.get(f"/join/{follow_up_code}").text
    assert 'name="previous_link"' in page
    bad = join(people, instrument, follow_up_code, name="Åsa", previous_link="https://x/response/nonsense-token-123456789/profile")
    assert bad.status_code == 400 and "isn&#39;t to a profile you shared with the coach in the first session" in bad.text

    link = f"http://localhost/response/{asa.token}/profile"
    asa_again = join(people, instrument, follow_up_code, name="Åsa", previous_link=link, keyed=NOW)
    join(people, instrument, follow_up_code, name="Bo", keyed=NOW)  # no link: not matched
    refused = join(people, instrument, follow_up_code, name="Private", share=True,
                   previous_link=f"http://localhost/response/{private.token}/profile", keyed=NOW)
    assert refused.status_code == 400, "did not share then: not linkable (issue 25, F1)"
    with app.app_context():
        new = Response.by_token(asa_again.token)
        assert db.session.get(Retake, new.id).previous_id == Response.by_token(asa.token).id

    # Åsa sees her own then and now
    assert "data-change-summary" in people.get(asa_again.url("/profile")).text

    html = coach.get(f"/coach/workshops/{follow_up_id}").text
    assert "Per person: clear change or not" in html
    table = html.split('class="scores people-change stack"')[1].split("</table>")[0]
    assert "Åsa" in table and "Bo" not in table and "Private" not in table
    _, _, rci = by_hand(instrument, THEN, NOW, "postponing_contact")
    assert rci <= -CLEAR_CHANGE_Z
    cell = table.split('data-person-change="postponing_contact"')[1].split("</td>")[0]
    assert "100 → 25" in cell and "clearly lower" in cell
    _, _, rci = by_hand(instrument, THEN, NOW, "fear_of_pushiness")
    assert abs(rci) < CLEAR_CHANGE_Z
    assert "no clear change" in table.split('data-person-change="fear_of_pushiness"')[1].split("</td>")[0]

    pdf = coach.get(f"/coach/workshops/{follow_up_id}/team.pdf?lang=en")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Per person: clear change or not" in text and "clearly lower" in text


def test_only_the_owner_creates_a_follow_up(app, coach, instrument):
    workshop_id, _ = create_workshop(coach)
    intruder = app.test_client()
    make_coach(app, "other@example.com", "another long password")
    login(intruder, "other@example.com", "another long password")
    token = csrf_of(intruder.get("/coach/workshops/new").text)
    assert intruder.post(f"/coach/workshops/{workshop_id}/follow-up", data={"csrf_token": token}).status_code == 404
    assert coach.post(f"/coach/workshops/{workshop_id}/follow-up", data={}).status_code == 400
    with app.app_context():
        assert db.session.scalars(db.select(Workshop).where(Workshop.follow_up_of_id.is_not(None))).all() == []


def test_the_follow_up_session_gets_the_date_the_coach_sets_and_the_presenter_announces_it(app, coach, instrument):
    workshop_id, _ = create_workshop(coach)
    page = coach.get(f"/coach/workshops/{workshop_id}")
    # Without a date nothing is created and the page says what is missing.
    reply = coach.post(f"/coach/workshops/{workshop_id}/follow-up", data={"csrf_token": csrf_of(page.text), "held_on": ""})
    assert reply.status_code == 422
    assert "Enter the date of the follow-up session" in reply.text and 'class="error-summary"' in reply.text
    with app.app_context():
        assert db.session.scalars(db.select(Workshop).where(Workshop.follow_up_of_id.is_not(None))).all() == []
    follow_up_id, _ = create_follow_up(coach, workshop_id, held_on="2027-02-03")
    with app.app_context():
        assert db.session.get(Workshop, follow_up_id).held_on.isoformat() == "2027-02-03"
    closing = coach.get(f"/coach/workshops/{workshop_id}/present?lang=en").text
    assert "We follow up on 3 February 2027." in closing


def test_a_person_who_pastes_the_same_earlier_link_twice_is_listed_once(app, coach, instrument):
    workshop_id, code = create_workshop(coach, title="Kickoff", privacy="named")
    people = app.test_client()
    asa = join(people, instrument, code, name="Åsa", keyed=THEN)
    follow_up_id, follow_up_code = create_follow_up(coach, workshop_id)
    link = f"http://localhost/response/{asa.token}/profile"
    join(people, instrument, follow_up_code, name="Åsa", previous_link=link, keyed=THEN)
    join(people, instrument, follow_up_code, name="Åsa again", previous_link=link, keyed=NOW)
    table = coach.get(f"/coach/workshops/{follow_up_id}").text.split('class="scores people-change stack"')[1].split("</table>")[0]
    assert table.count("Åsa") == 1 and "Åsa again" in table  # one row, the latest take


COACH_EDITION_LABELS = {
    # the behaviours to talk about after the first one (the Swedish "Då" read as "the earlier
    # scores", under which a follow-up listed today's), and the person's own suggestions (not an
    # article's: the coach has none), named as in the person's report
    "en": ("After that: the other behaviours", "“What you can do” – the suggestions in their report",
           ("Then", "What the article suggests")),
    "sv": ("Sedan: de andra beteendena", "”Det här kan du göra” – förslagen i personens rapport",
           ("Då", "Vad artikeln föreslår")),
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_coachs_edition_names_the_next_behaviours_and_the_reports_suggestions(app, coach, instrument, language):
    workshop_id, code = create_workshop(coach, title="Kickoff", privacy="named", language=language)
    people = app.test_client()
    asa = join(people, instrument, code, name="Åsa", keyed=THEN)
    follow_up_id, follow_up_code = create_follow_up(coach, workshop_id)
    join(people, instrument, follow_up_code, name="Åsa", previous_link=f"http://localhost/response/{asa.token}/profile",
         keyed=NOW)
    next_ones, suggestions, gone = COACH_EDITION_LABELS[language]
    for session in (workshop_id, follow_up_id):
        response_id = re.search(r'<tr data-id="(\d+)">', coach.get(f"/coach/workshops/{session}").text).group(1)
        reply = coach.get(f"/coach/workshops/{session}/responses/{response_id}/coach.pdf?lang={language}")
        assert reply.status_code == 200 and reply.mimetype == "application/pdf"
        raw = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(reply.data)).pages)
        text = " ".join(raw.split())
        assert next_ones in text and suggestions in text, session
        lines = {line.strip() for line in raw.splitlines()}
        assert gone[0] not in lines and gone[1] not in text, "no heading reads as the earlier scores or an article"
        if session == follow_up_id:  # under it, today's scores: postponing contact went 100 → 25
            postponing = instrument.scale("postponing_contact").name[language]
            assert f"{postponing}: 25 (" in text.split(next_ones)[1]
