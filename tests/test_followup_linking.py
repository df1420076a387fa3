"""Issue 25, F1/F7: linking a follow-up take to an earlier one. Only a take the
person shared with this coach in the named workshop the session follows up can
be linked; everything else gets one refusal; wrong codes have a limit of their
own; the coach's PDF carries nothing beyond the linked pair of shared takes."""

from __future__ import annotations

import io
import re
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from services.db import db
from services.models import Response, Retake, RetakeLink, hash_token, new_token

from .support.app import make_app
from .support.coaches import create_workshop, login, make_coach
from .support.followup import NOW, THEN, answers_for, create_follow_up, join, make_plan
from .support.forms import Respondent, csrf_of
from .support.workshops import make_zip

# One refusal per kind of text typed (never per reason: no oracle), each naming the rule it failed.
LINK_REFUSAL = "That link isn't to a profile you shared with the coach in the first session"
CODE_REFUSAL = "No profile shared with the coach in the first session has that follow-up code"


def field_error(html: str) -> str:
    return re.search(r'id="previous_link-error">(.*?)</p>', html, re.S).group(1)


def self_test(client, instrument) -> Respondent:
    person = Respondent(client, instrument)
    person.start(name="Åsa")
    person.complete(answers_for(instrument, THEN))
    return person


def code_on_profile(person) -> str:
    return re.search(r"data-follow-up-code>([A-Z0-9-]+)<", person.client.get(person.url("/profile")).text).group(1)


def test_only_a_take_shared_in_the_followed_up_named_workshop_can_be_linked(app, coach, instrument):
    kickoff_id, kickoff = create_workshop(coach, title="Kickoff", privacy="named")
    _, anonymous = create_workshop(coach, title="Anon", privacy="anonymous")
    _, other_named = create_workshop(coach, title="Another named", privacy="named")
    rival = app.test_client()
    login(rival, *make_coach(app, "rival@example.com", "another long password"))
    _, rivals = create_workshop(rival, title="Rival's", privacy="named")
    _, follow_up = create_follow_up(coach, kickoff_id)

    people = app.test_client()
    private = self_test(people, instrument)
    in_anonymous = join(people, instrument, anonymous, keyed=THEN)
    unshared = join(people, instrument, kickoff, name="Åsa", share=False, keyed=THEN)
    at_rival = join(people, instrument, rivals, name="Åsa", keyed=THEN)
    elsewhere = join(people, instrument, other_named, name="Åsa", keyed=THEN)
    shared = join(people, instrument, kickoff, name="Åsa", keyed=THEN)

    # None of these has a code to show; the shared take in a named workshop has.
    assert "data-follow-up-code" not in people.get(private.url("/profile")).text
    assert "data-follow-up-code" not in people.get(in_anonymous.url("/profile")).text
    assert "data-follow-up-code" not in people.get(unshared.url("/profile")).text

    refusals = set()
    # a link to a take that exists but may not be linked, and one to a take that never existed
    for token in (private.token, in_anonymous.token, unshared.token, at_rival.token, elsewhere.token, new_token()):
        for typed in (f"http://localhost/response/{token}/profile", f"/response/{token}"):
            reply = join(people, instrument, follow_up, name="Åsa", previous_link=typed, keyed=NOW)
            assert reply.status_code == 400, "an unshared, anonymous, private or other coach's take was linked"
            refusals.add(field_error(reply.text))
    assert len(refusals) == 1, "one refusal for every link, whatever the reason: no oracle"
    assert LINK_REFUSAL.replace("'", "&#39;") in refusals.pop()
    # a code from a take shared elsewhere, and a made-up code
    for typed in (code_on_profile(at_rival), code_on_profile(elsewhere), "ABCDE-FGHJK"):
        reply = join(people, instrument, follow_up, name="Åsa", previous_link=typed, keyed=NOW)
        assert reply.status_code == 400
        refusals.add(field_error(reply.text))
    assert len(refusals) == 1, "one refusal for every code, whatever the reason: no oracle"
    assert CODE_REFUSAL in refusals.pop()
    with app.app_context():
        assert db.session.scalars(select(Retake)).all() == []

    # The right take, named three ways: its code (typed loosely), its private link, the reminder's retake link.
    retake_token = new_token()
    with app.app_context():
        shared_id = Response.by_token(shared.token).id
        db.session.add(RetakeLink(token_hash=hash_token(retake_token), response_id=shared_id))
        db.session.commit()
    code = code_on_profile(shared)
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    for typed in (code.lower().replace("-", " "), f"http://localhost/response/{shared.token}/profile",
                  f"https://example.org/retake/{retake_token}"):
        linked = join(people, instrument, follow_up, name="Åsa", previous_link=typed, keyed=NOW)
        assert isinstance(linked, Respondent), linked.text[:300]
        with app.app_context():
            assert db.session.get(Retake, Response.by_token(linked.token).id).previous_id == shared_id


def test_wrong_codes_have_their_own_limit_and_never_lock_an_office_out(tmp_path, instrument):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, JOIN_FAILURE_LIMIT="5 per hour",
                   FOLLOW_UP_LINK_FAILURE_LIMIT="3 per hour")
    coach = app.test_client()
    login(coach, *make_coach(app))
    kickoff_id, kickoff = create_workshop(coach, title="Kickoff", privacy="named")
    _, follow_up = create_follow_up(coach, kickoff_id)
    office = app.test_client()
    office.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    first = join(office, instrument, kickoff, name="Åsa", keyed=THEN)
    code = code_on_profile(first)
    for _ in range(8):  # more than either limit
        assert join(office, instrument, follow_up, name="X", previous_link="WRONG-CODE1").status_code == 400
    # the link budget is spent: the right code is refused with a message saying why, but nobody is locked out
    spent = join(office, instrument, follow_up, name="Åsa", previous_link=code)
    assert spent.status_code == 400 and "Too many codes" in spent.text
    assert isinstance(join(office, instrument, follow_up, name="Bo", keyed=NOW), Respondent)
    assert isinstance(join(office, instrument, follow_up, name="Cy", keyed=NOW), Respondent)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def pdf_text_of(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def pdf_text(reply) -> str:
    assert reply.status_code == 200, reply.status_code
    return pdf_text_of(reply.data)


def test_the_coachs_pdf_carries_only_the_linked_pair_and_no_plan(app, coach, instrument):
    kickoff_id, kickoff = create_workshop(coach, title="Kickoff", privacy="named")
    follow_up_id, follow_up = create_follow_up(coach, kickoff_id)
    people = app.test_client()
    first = join(people, instrument, kickoff, name="Åsa", keyed=THEN)
    make_plan(first, **{"actions-0-situation": "a secret first situation", "actions-0-step": "a secret first step"})
    now = join(people, instrument, follow_up, name="Åsa", previous_link=code_on_profile(first), keyed=NOW)
    make_plan(now, **{"actions-0-situation": "a secret second situation", "actions-0-step": "a secret second step"})

    own = pdf_text(people.get(now.url("/profile.pdf?lang=en")))
    # The person's own PDF has their new plan; the earlier one only for whoever holds that take's
    # private link, not through a code (test_a_take_linked_by_code_sees_the_earlier_scores_but_never_its_plan).
    assert "secret second situation" in own and "secret first situation" not in own

    with app.app_context():
        response_id = Response.by_token(now.token).id
    text = pdf_text(coach.get(f"/coach/workshops/{follow_up_id}/responses/{response_id}.pdf?lang=en"))
    assert "Then and now" in text, "the linked pair of shared takes is the coach's to see"
    assert "secret" not in text, "no plan, no earlier plan in the coach's render"
    assert "did you do it?" not in text
    state = make_zip(coach, follow_up_id)
    assert state["status"] == "done"
    zipped = zipfile.ZipFile(io.BytesIO(coach.get(state["download"]).data))
    profile = next(m for m in zipped.namelist() if m.startswith("profile-"))
    text = pdf_text_of(zipped.read(profile))
    assert "Then and now" in text and "secret" not in text, "the ZIP is a coach's render too"

    # Had the person stopped sharing the first take, the coach would not see it beside the new one.
    with app.app_context():
        db.session.get(Response, Response.by_token(first.token).id).share_with_coach = False
        db.session.commit()
    text = pdf_text(coach.get(f"/coach/workshops/{follow_up_id}/responses/{response_id}.pdf?lang=en"))
    assert "Then and now" not in text


def _text(html: str) -> str:
    """The words of some HTML; each paragraph and list item ends in "¶"."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</(p|li)>", " ¶ ", html)).replace("&#39;", "'").split())


def _long_sentences(text: str, most: int = 25) -> list[str]:
    return [s for s in re.split(r"(?<=[.:])\s+|\s*¶\s*", text) if len(s.split()) > most]


def test_the_share_consent_says_what_the_coach_sees(app, coach, instrument):
    """In short plain sentences (the walk: ~90 words of nested exceptions, then ~60 more), with
    the same promises: what the coach sees and where, never the plan or other takes, the one
    follow-up exception, and only "took part" when the box is left empty."""
    kickoff_id, kickoff = create_workshop(coach, title="Kickoff", privacy="named")
    _, follow_up = create_follow_up(coach, kickoff_id)
    people = app.test_client()
    for language, words, exception in (
            ("en", ("every answer you give", "scores and bands", "notes on your answers", "team view", "Excel and CSV",
                    "PDF report", "never sees your plan", "other times you've answered", "only sees that you took part"),
             "if you give your follow-up code from the first session below, your coach also sees the scores"),
            ("sv", ("varje svar du ger", "poäng och nivåer", "kommentarer om dina svar", "gruppvy", "Excel och CSV",
                    "PDF-rapport", "ser aldrig din plan", "andra gånger du har fyllt i", "ser coachen bara att du deltog"),
             "anger du din uppföljningskod från första tillfället här nedanför ser coachen också poängen")):
        page = people.get(f"/join/{follow_up}?lang={language}").text
        assert 'aria-describedby="share_with_coach-hint"' in page
        hint = _text(page.split('id="share_with_coach-hint"')[1].split("</div>")[0].split(">", 1)[1])
        assert all(word in hint for word in words), (language, hint)
        assert exception in hint and not _long_sentences(hint), (language, _long_sentences(hint))
        code_hint = _text(page.split('id="previous_link-hint"')[1].split("</p>")[0].split(">", 1)[1])
        assert "K7QMD-3WXPA" in code_hint and not _long_sentences(code_hint), (language, code_hint)
        first = _text(people.get(f"/join/{kickoff}?lang={language}").text.split('id="share_with_coach-hint"')[1].split("</div>")[0])
        assert words[-1] in first and exception not in first  # no follow-up code in a first session
    assert csrf_of(page)


def test_a_take_linked_by_code_sees_the_earlier_scores_but_never_its_plan(app, coach, instrument):
    """Found in the attack replay of issue 25: whoever typed a follow-up code saw the earlier
    take's plan ("Your plan from last time …"), though the card promised its scores only. A
    code may have been passed on; the private link is the person's own and still shows it."""
    kickoff_id, kickoff = create_workshop(coach, title="Kickoff", privacy="named")
    _, follow_up = create_follow_up(coach, kickoff_id)
    asa = join(app.test_client(), instrument, kickoff, name="Åsa", keyed=THEN)
    assert make_plan(asa, **{"actions-0-step": "ring tre kunder före lunch"}).status_code == 302
    code = code_on_profile(asa)

    by_code = join(app.test_client(), instrument, follow_up, name="Bo", previous_link=code, keyed=NOW)
    page = by_code.client.get(by_code.url("/profile?lang=en")).text
    assert "Then and now" in page or "then and now" in page.lower()
    assert "ring tre kunder" not in page
    pdf = pdf_text_of(by_code.client.get(by_code.url("/profile.pdf?lang=en")).data)
    assert "ring tre kunder" not in pdf

    by_private_link = join(app.test_client(), instrument, follow_up, name="Åsa",
                           previous_link=f"http://localhost/response/{asa.token}/profile", keyed=NOW)
    assert "ring tre kunder" in by_private_link.client.get(by_private_link.url("/profile?lang=en")).text


def error_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", field_error(html)).split()).replace("&#39;", "'")


def test_a_profile_not_shared_in_the_first_session_is_not_linked_and_every_page_says_so(app, coach, instrument):
    """The walk of a follow-up: Olof took part in the first session without sharing, then pasted
    that profile's private link when joining the follow-up and was told to check the code "or use
    its link" – what he had just done – while the coach page promised that a private link from the
    workshop matches the earlier profile. Only a shared profile links (the rule above, so the coach
    never sees, through a link, scores that weren't shared with them); every page now says so, and
    the refusal names what went wrong, in both languages, whether or not he shares the new take."""
    kickoff_id, kickoff = create_workshop(coach, title="Kickoff", privacy="named")
    follow_up_id, follow_up = create_follow_up(coach, kickoff_id)
    olof = app.test_client()
    first = join(olof, instrument, kickoff, name="Olof", share=False, keyed=THEN)
    private_link = f"http://localhost/response/{first.token}/profile"
    retake_token = new_token()
    with app.app_context():
        db.session.add(RetakeLink(token_hash=hash_token(retake_token), response_id=Response.by_token(first.token).id))
        db.session.commit()

    words = {
        "en": {"link": ("That link isn't to a profile you shared with the coach in the first session, and only a "
                        "shared profile can be linked. Leave the field empty to join without it."),
               "retake": "That reminder link isn't to a profile you shared with the coach in the first session",
               "other": "That's neither a follow-up code (ten letters and digits, like K7QMD-3WXPA) nor a profile's link",
               "hint": ("Only a profile you shared with the coach in the first session can be linked", "Take it again"),
               "coach": "A profile that wasn't shared can't be linked"},
        "sv": {"link": ("Länken går inte till en profil som du delade med coachen vid första tillfället, och bara en "
                        "delad profil kan kopplas. Lämna fältet tomt för att gå med utan den."),
               "retake": "Påminnelselänken går inte till en profil som du delade med coachen vid första tillfället",
               "other": "Det är varken en uppföljningskod (tio bokstäver och siffror, som K7QMD-3WXPA) eller en profils länk",
               "hint": ("Bara en profil som du delade med coachen vid första tillfället kan kopplas", "Gör den igen"),
               "coach": "En profil som inte delades kan inte kopplas"},
    }
    for language, expected in words.items():
        page = olof.get(f"/join/{follow_up}?lang={language}").text
        hint = " ".join(page.split('id="previous_link-hint"')[1].split("</p>")[0].split()).replace("&#39;", "'")
        assert all(w in hint for w in expected["hint"]), (language, hint)
        coach_page = coach.get(f"/coach/workshops/{kickoff_id}?lang={language}").text.replace("&#39;", "'")
        assert expected["coach"] in coach_page, language
        assert "private link from this workshop are matched" not in coach_page
        assert "privata länk från den här workshopen" not in coach_page
        for share in (True, False):
            for typed, kind in ((private_link, "link"), (f"https://example.org/retake/{retake_token}", "retake"),
                                ("K7QMD-3WXP", "other")):
                form = olof.get(f"/join/{follow_up}?lang={language}").text
                data = {"csrf_token": csrf_of(form), "language": language, "name": "Olof", "previous_link": typed}
                if share:
                    data["share_with_coach"] = "y"
                reply = olof.post(f"/join/{follow_up}?lang={language}", data=data)
                assert reply.status_code == 400, (language, share, kind)
                error = error_of(reply.text)
                assert expected[kind] in error, (language, share, kind, error)
                assert "its link" not in error and "dess länk" not in error, "never tell him to do what he just did"
    with app.app_context():
        assert db.session.scalars(select(Retake)).all() == [], "an unshared take is linked to nothing"
    # Joining without it works; the coach's follow-up pairs nobody.
    assert isinstance(join(olof, instrument, follow_up, name="Olof", keyed=NOW), Respondent)
    assert "Then and now" not in coach.get(f"/coach/workshops/{follow_up_id}?lang=en").text
