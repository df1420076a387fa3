"""The instrument uses what it learns: the data-based reliability takes over at
N = 200, norms are frozen only from N = 300 and then shown beside scores, and
the public measurement page never shows anything about fewer than 30 people."""

import io
import json
import os
import re
from datetime import date
from pathlib import Path

import numpy as np
from pypdf import PdfReader
from sqlalchemy import select

from assessment import score_answers
from assessment.norms import NormPosition
from services.db import db
from services.models import NormTable, Response
from services.responses import profile_of

from .support.answers import varied_answers
from .support.coaches import login, make_coach
from .support.forms import Respondent
from .support.research import analyse, import_simulated, jsonl, write
from .support.simulated import straight_liner, unflagged_answers


def reliability_notes(html):
    """The reliability sentence per scale, behind "How sure are these numbers?" on the profile."""
    return {m.group(1): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(2)))
            for m in re.finditer(r'data-reliability="([a-z_]+)">(.*?)</td>', html, re.S)}


def norm_notes(html):
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'data-norm="([^"]+)">(.*?)</span>', html, re.S)}


def test_data_reliability_replaces_the_provisional_one_at_n_200(client, runner, instrument, tmp_path):
    person = Respondent(client, instrument)
    person.start()
    person.complete(varied_answers(instrument))
    import_simulated(runner, instrument, tmp_path, 199, seed=21)
    assert analyse(runner, accept=False)["n"] == 199  # not published: 200 comes next, a step of one
    before = reliability_notes(client.get(person.url("/profile")).text)
    assert "a provisional value, not yet computed from real responses)" in before["weak_close"]
    assert all("stored responses" not in text for text in before.values())

    import_simulated(runner, instrument, tmp_path, 1, seed=22, prefix="t")
    analysis = analyse(runner)
    assert analysis["n"] == 200
    alpha = next(s for s in analysis["scales"] if s["id"] == "weak_close")["alpha"]["value"]
    after = reliability_notes(client.get(person.url("/profile")).text)
    assert f"Reliability {alpha:.2f} (from 0 to 1; higher is better), computed from 200 stored responses" in after["weak_close"]
    assert "provisional" not in after["weak_close"]


def test_the_interval_uses_the_data_sem(app, runner, instrument, tmp_path, client):
    person = Respondent(client, instrument)
    person.start()
    person.complete(varied_answers(instrument))
    import_simulated(runner, instrument, tmp_path, 240, seed=23)
    # careless answers widen the SD: straight-liners on every page (each a different value, so no near-duplicate twins)
    careless = [straight_liner(instrument, value=v) for v in (1, 2, 3, 4, 5)]
    assert all(score_answers(instrument, a).flags for a in careless)
    runner.invoke(args=["import-responses", write(tmp_path, jsonl(careless, prefix="c"), "careless.jsonl")])
    analysis = analyse(runner)
    # the data-based SEM comes from the responses without flags (#26): the selection leaves them out first
    assert analysis["provenance"]["left_out"]["flagged"] == len(careless)
    scale = next(s for s in analysis["excluding_flagged"]["scales"] if s["id"] == "postponing_contact")
    assert scale["n"] == analysis["n"] == 240
    clean = [score_answers(instrument, a).scales["postponing_contact"].exact
             for a in unflagged_answers(instrument, 240, seed=23)]
    assert abs(scale["sd"] - float(np.std(clean, ddof=1))) <= 0.05  # the analysis rounds the SD to one decimal
    with app.app_context():
        result = profile_of(Response.by_token(person.token)).scales["postponing_contact"]
    assert result.reliability.source == "data" and result.reliability.n == scale["n"]
    assert result.sem == scale["sd"] * (1 - scale["alpha"]["value"]) ** 0.5


def test_freeze_norms_and_the_percentile_beside_the_score(app, client, runner, instrument, tmp_path):
    import_simulated(runner, instrument, tmp_path, 299, language="sv", seed=31, honest=True)
    refused = runner.invoke(args=["freeze-norms", "--version", instrument.version, "--language", "sv"])
    assert refused.exit_code == 2 and "300 are needed" in refused.output
    n_now = int(re.search(r"N = (\d+)", refused.output).group(1))
    assert n_now <= 299
    import_simulated(runner, instrument, tmp_path, 320 - 299, language="sv", seed=32, prefix="more", honest=True)
    frozen = runner.invoke(args=["freeze-norms", "--version", instrument.version, "--language", "sv"])
    assert frozen.exit_code == 0, frozen.output
    candidate_id = frozen.output.split("accept-evidence norms ")[1].split()[0]
    assert runner.invoke(args=["accept-evidence", "norms", candidate_id]).exit_code == 0
    with app.app_context():
        table = db.session.scalar(select(NormTable))
        assert table.language == "sv" and table.n >= 300 and table.frozen_on == date.today()
        data = json.loads(table.table)["scales"]["weak_close"]
        # a Swedish person's shown score s: the share of the norm group scoring below it
        assert data["percent_below"][0] == 0 and data["percent_below"][100] >= 95

    swedish = Respondent(client, instrument)
    swedish.start(language="sv")
    swedish.complete(varied_answers(instrument))
    html = client.get(swedish.url("/profile?lang=en")).text
    lines = norm_notes(html)
    with app.app_context():
        score = profile_of(Response.by_token(swedish.token)).scales["weak_close"].score
    percent = data["percent_below"][int(score)]
    month = date.today().strftime("%B %Y")
    assert f"higher than {percent} % of {table.n} salespeople who took it in Swedish, {month}" in lines["weak_close"]

    pdf = client.get(swedish.url("/profile.pdf?lang=sv"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages))
    swedish_month = table.frozen_on and NormPosition(0, 0, "sv", table.frozen_on).month("sv")
    assert f"högre än {percent} % av {table.n} säljare som fyllde i det på svenska, {swedish_month}" in text
    assert "Det finns ännu inga normer" not in text

    english = Respondent(client, instrument)
    english.start(language="en")
    english.complete(varied_answers(instrument))
    assert "higher than" not in client.get(english.url("/profile")).text
    with app.app_context():
        db.session.add(NormTable(instrument_id=instrument.id, instrument_version="99", language="en", n=500,
                                 frozen_on=date.today(), table=table.table))
        db.session.commit()
    assert "higher than" not in client.get(english.url("/profile")).text  # never another version's table


def test_measurement_page_before_and_after_enough_data(client, runner, instrument, tmp_path):
    for lang, phrase in (("en", "Not enough data yet"), ("sv", "Ännu för lite data")):
        page = client.get(f"/about/measurement?lang={lang}")
        assert page.status_code == 200 and phrase in page.text
    import_simulated(runner, instrument, tmp_path, 29, seed=41)
    analyse(runner)
    page = client.get("/about/measurement?lang=en").text
    assert "So far 29 people" in page and "pc1" not in page and "Reliability per scale" not in page
    import_simulated(runner, instrument, tmp_path, 11, seed=42, prefix="u")
    analysis = analyse(runner)
    page = client.get("/about/measurement?lang=en").text
    wc = next(s for s in analysis["scales"] if s["id"] == "weak_close")
    assert "Reliability per scale" in page and f"{wc['alpha']['value']:.2f}" in page
    assert 'data-chart="distribution-chart-data"' in page and "cdn" not in page.lower()
    assert "What we don't know yet" in page and "technical note" not in page.lower()
    sv = client.get("/about/measurement?lang=sv").text
    assert "Reliabilitet per skala" in sv and "Vad som ännu inte är känt" in sv
    assert 'href="/about/measurement"' in client.get("/privacy").text  # linked from the footer


def test_the_technical_note_breaks_no_scale_name_inside_a_word(app, client, runner, instrument, tmp_path):
    """The reliability table's scale column is wide enough for every scale name's longest word:
    with seven equal columns the walk found "påträngand" over "e" (sv) and "managemen" over "t" (en)."""
    import_simulated(runner, instrument, tmp_path, 40, seed=51)
    analyse(runner)
    make_coach(app)
    login(client, "coach@example.com", "correct horse battery")
    for lang in ("sv", "en"):
        data = client.get(f"/about/measurement/technical-note.pdf?lang={lang}").data
        words = {word for scale in instrument.scales for word in scale.name[lang].split() if len(word) > 3}
        lines = [line.strip() for page in PdfReader(io.BytesIO(data)).pages for line in page.extract_text().splitlines()]
        broken = [(a, b) for a, b in zip(lines, lines[1:]) if a and b and not a.endswith("-")  # after a hyphen: fine
                  and a.split()[-1] not in words and a.split()[-1] + b.split()[0] in words]
        assert broken == [], (lang, broken)


def test_technical_note_pdf_for_coaches(app, client, runner, instrument, tmp_path):
    import_simulated(runner, instrument, tmp_path, 40, seed=51)
    analysis = analyse(runner)
    assert client.get("/about/measurement/technical-note.pdf").status_code == 302  # coaches only
    make_coach(app)
    login(client, "coach@example.com", "correct horse battery")
    assert "Download the technical note" in client.get("/about/measurement").text
    reply = client.get("/about/measurement/technical-note.pdf?lang=sv")
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Teknisk rapport" in text
    wc = next(s for s in analysis["scales"] if s["id"] == "weak_close")
    # Swedish decimals have a comma (the walk found "0.81" for "0,81"), as the Swedish profile's.
    assert "Reliabilitet per skala" in text and f"{wc['alpha']['value']:.2f}".replace(".", ",") in text
    assert re.findall(r"\d\.\d", text) == [], re.findall(r".{20}\d\.\d.{20}", text)
    english = client.get("/about/measurement/technical-note.pdf?lang=en").data
    assert f"{wc['alpha']['value']:.2f}" in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(english)).pages)
    assert "Vad som ännu inte är känt" in text
    assert "den mittersta hälften av poängen" in text, "the chart's boxes explained (its axis title is short now)"
    # The heading and its explanation on the chart's page (a walk found them ending page 1 and
    # the chart starting page 2): the chart's axis title is text on the heading's page.
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(reply.data)).pages]
    heading_page = next(n for n, page in enumerate(pages) if "Hur resultaten fördelar sig" in page)
    assert "Poäng (0–100)" in pages[heading_page]
    if os.environ.get("SHOTS_DIR"):
        Path(os.environ["SHOTS_DIR"], "technical-note-sv.pdf").write_bytes(reply.data)
