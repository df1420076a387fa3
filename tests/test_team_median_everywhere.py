"""One team median, one number: a median of 62.5 read 62 on the slides' chart, the coach
page's chart and the team PDF (Python's round: half to even) but 63 in the coach page's
table and on the scale slides after a live update (JavaScript's Math.round). The server
now rounds it once, half up (assessment.team.shown_median), and every view shows that."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from .support.answers import answers_with_score, scores_with_median
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of

SCALE = "postponing_contact"


def share(app, instrument, code, name, answers):
    person = join_and_complete(app.test_client(), instrument, code, name=name, share=True, complete=False)
    person.complete(answers)
    return person


def a_team_with_a_median_of_62_5(app, instrument):
    email, password = make_coach(app)
    coach = app.test_client()
    login(coach, email, password)
    coach.get("/coach/?lang=en")
    workshop_id, code = create_workshop(coach, title="Kickoff", privacy="named", language="en")
    for k, score in enumerate(scores_with_median(instrument, SCALE, 62.5)):
        share(app, instrument, code, f"P{k}", answers_with_score(instrument, SCALE, score, k))
    return coach, workshop_id


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_a_median_of_x_point_5_is_the_same_whole_number_on_every_view(app, instrument):
    coach, workshop_id = a_team_with_a_median_of_62_5(app, instrument)
    scale_name = next(s.name["en"] for s in instrument.scales if s.id == SCALE)

    team = coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    grid = [row["scores"][SCALE]["score"] for row in team["grid"]]
    assert sum(grid) == 125 and len(grid) == 2, grid  # the premise: a median of exactly 62.5
    assert next(s["median"] for s in team["summary"]["scales"] if s["id"] == SCALE) == 63
    labels = [a["text"] for a in team["chart"]["layout"]["annotations"] if "median" in a["text"]]
    assert any(scale_name in label and label.endswith("median 63") for label in labels), labels

    page = coach.get(f"/coach/workshops/{workshop_id}").text
    cell = re.search(rf'<tr data-scale="{SCALE}">.*?<td data-median[^>]*>([^<]*)</td>', page, re.S).group(1)
    assert cell == "63"
    assert "median 63" in page and "median 62" not in page  # the chart's label

    deck = coach.get(f"/coach/workshops/{workshop_id}/present.json").get_json()
    assert next(s["median"] for s in deck["scales"] if s["id"] == SCALE) == 63
    slides = coach.get(f"/coach/workshops/{workshop_id}/present").text
    assert "median 63" in slides and "median 62" not in slides  # the team slide's chart

    text = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/team.pdf").data)
    assert re.search(rf"{scale_name} 63 \d", text), text[:2000]
    assert not re.search(rf"{scale_name} 62 \d", text)

    # The follow-up session's before-and-after table shows the first session's median the same way.
    reply = coach.post(f"/coach/workshops/{workshop_id}/follow-up", data={"csrf_token": csrf_of(page), "held_on": "2027-01-31"})
    later = coach.get(reply.location).text
    then = re.search(rf'<tr data-before-after="{SCALE}">.*?<td[^>]*>([^<]*)</td>', later, re.S).group(1)
    assert then == "63"


def test_the_grid_names_every_column_before_anyone_shares(app, instrument):
    """The page writes the grid's headings from the summary's columns, present with nobody shared."""
    email, password = make_coach(app)
    coach = app.test_client()
    login(coach, email, password)
    coach.get("/coach/?lang=sv")
    workshop_id, _code = create_workshop(coach, title="Tom", privacy="named", language="sv")
    page = coach.get(f"/coach/workshops/{workshop_id}").text
    thead = re.search(r"<table class=\"grid\".*?<thead>(.*?)</thead>", page, re.S).group(1)
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', thead, re.S)]
    names = [s.name["sv"] for s in instrument.scales_of_kind("behaviour", "driver")]
    assert headings == ["Namn", *names, "PDF"]
