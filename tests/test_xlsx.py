"""The .xlsx export read back with openpyxl: headers in the workshop's language,
numbers as numbers, dates as dates, frozen header and filters, the item sheet,
and a name that looks like a formula stays text."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from services.models import Response

from .support.coaches import create_workshop, join_and_complete, login, make_coach


def test_named_workshop_xlsx_reads_back(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, code = create_workshop(client, title="Säljteamet", privacy="named", language="sv")
    join_and_complete(app.test_client(), instrument, code, name="=HYPERLINK(\"http://x\")", share=True, offset=0, language="sv")
    join_and_complete(app.test_client(), instrument, code, name="Åsa Öström", share=True, offset=1, language="en")
    reply = client.get(f"/coach/workshops/{workshop_id}/scores.xlsx")
    assert reply.status_code == 200 and reply.headers["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(reply.data))
    assert book.sheetnames == ["Svar", "Frågor", "Skalor"]
    sheet = book["Svar"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Namn", "Klar (Europe/Stockholm)", "Språk", "Källa", "Validitetsanmärkningar, så som personens rapport uttrycker dem"]
    assert "Uppskjuten kontakt: poäng" in header and "Fråga 1" in header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert all(cell.alignment.wrap_text for cell in sheet[1]), "a long heading wraps in its column, not under the next"
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {'=HYPERLINK("http://x")', "Åsa Öström"}
    formula = rows['=HYPERLINK("http://x")'][0]
    assert formula.data_type == "s", "a name is never a formula"
    row = rows["Åsa Öström"]
    assert isinstance(row[1].value, datetime)
    score = row[header.index("Uppskjuten kontakt: poäng")].value
    assert isinstance(score, int) and 0 <= score <= 100
    with app.app_context():
        stored = Response.query.filter_by(respondent_name="Åsa Öström").one().completed_at
    # Local time in the zone the header names (FOLLOW_UP_TIMEZONE), and words, not codes.
    local = stored.astimezone(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)
    assert abs((row[1].value - local).total_seconds()) < 1 and local != stored.replace(tzinfo=None)
    assert row[2].value == "engelska" and row[3].value == "på webben"
    assert rows['=HYPERLINK("http://x")'][2].value == "svenska"
    low = row[header.index("Uppskjuten kontakt: troligt spann från")].value
    high = row[header.index("Uppskjuten kontakt: troligt spann till")].value
    assert isinstance(low, int) and low <= score <= high
    assert row[header.index("Uppskjuten kontakt: nära en gräns mellan två nivåer")].value in ("ja", "nej")
    assert all(isinstance(row[header.index(f"Fråga {n}")].value, int) for n in range(1, len(instrument.items) + 1))
    questions = book["Frågor"]
    assert [c.value for c in questions[1]] == ["Fråga", "Skala", "Text", "Omvänd"]
    assert questions.max_row == len(instrument.items) + 1
    assert questions.cell(2, 3).value == instrument.items[0].text["sv"]
    english = load_workbook(io.BytesIO(client.get(f"/coach/workshops/{workshop_id}/scores.xlsx?lang=en").data))
    assert english.sheetnames == ["Answers", "Questions", "Scales"]


def test_anonymous_workshop_xlsx_has_only_team_totals(app, client, instrument):
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, code = create_workshop(client, title="Anon", language="en")
    join_and_complete(app.test_client(), instrument, code, name="Hidden", offset=0)
    book = load_workbook(io.BytesIO(client.get(f"/coach/workshops/{workshop_id}/scores.xlsx").data))
    assert book.sheetnames == ["Team", "Questions", "Scales"]
    assert book["Team"].max_row == 1, "nothing before the anonymity minimum"
    assert "Hidden" not in str([c.value for row in book["Team"].iter_rows() for c in row])


def test_a_control_character_in_a_name_or_title_does_not_break_the_export(app, client, instrument):
    """openpyxl refuses text with control characters (an escape pasted along with a
    name): one participant's name made the whole workshop's .xlsx a server error."""
    email, password = make_coach(app)
    login(client, email, password)
    workshop_id, code = create_workshop(client, title="Kick\x1boff", privacy="named", language="en")
    join_and_complete(app.test_client(), instrument, code, name="Ann\x1b[1m\x0b", share=True, offset=0)
    reply = client.get(f"/coach/workshops/{workshop_id}/scores.xlsx")
    assert reply.status_code == 200, reply.text[:300]
    book = load_workbook(io.BytesIO(reply.data))
    assert book["Answers"]["A2"].value == "Ann[1m"
    assert book.properties.title == "Kickoff"
