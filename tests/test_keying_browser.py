"""The paper keying grid, driven by keyboard in Chromium: a whole form typed
as one string, a second one tabbed through cell by cell, one error line per
problem, and the time one form takes."""

import time

import pytest
from playwright.sync_api import expect

from services.models import Response
from services.responses import answers_of

from .support.answers import varied_answers
from .support.browser import axe_violations, browser_page, log_in, tab_to
from .support.coaches import coach_with_workshop

pytestmark = pytest.mark.browser

# A practised coach types about six digits a second from a paper form.
KEY_DELAY_MS = 160


def paper_answers(app, name):
    with app.app_context():
        response = Response.query.filter_by(respondent_name=name, source="paper").one()
        return answers_of(response), response.language


def test_keying_grid_by_keyboard_under_40_seconds_per_form(live_server, browser, instrument):
    app = live_server.app
    coach = coach_with_workshop(app, title="Pappersbunten", privacy="named", language="sv")
    workshop_id = coach.workshop_id
    with browser_page(browser, 1280, 800) as page:
        log_in(page, live_server.url, coach.email, coach.password)
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}/paper?lang=en")
        assert axe_violations(page) == []
        answers = varied_answers(instrument, 2)
        string = "".join(str(answers[item.id]) for item in instrument.items)

        started = time.monotonic()
        tab_to(page, "#name")
        page.keyboard.type("Per Papper", delay=KEY_DELAY_MS)
        tab_to(page, "input[name=language]:checked")
        page.keyboard.press("ArrowRight")  # Svenska -> English
        tab_to(page, "#answer_string")
        page.keyboard.type(string, delay=KEY_DELAY_MS)
        expect(page.locator("[data-typed]")).to_have_text(f"{len(instrument.items)} / {len(instrument.items)}")
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-saved]")
        seconds = time.monotonic() - started
        print(f"\nkeyed one {len(instrument.items)}-item form in {seconds:.1f} s (name + language + string, {KEY_DELAY_MS} ms per key)")
        assert seconds < 40
        assert page.locator("[data-keyed]").inner_text().startswith("1 paper form")
        assert paper_answers(app, "Per Papper") == ({k: v for k, v in answers.items()}, "en")
        expect(page.locator("#name")).to_be_focused(timeout=10000)  # ready for the next form
        assert page.locator("#answer_string").input_value() == ""

        # The next form, tabbing through the grid: a blank and a "does not apply".
        page.keyboard.type("Eva Ström")
        tab_to(page, f"#{instrument.items[0].id}")
        keys = [str(answers[item.id]) for item in instrument.items]
        keys[1], keys[2] = "n", "-"
        for key in keys:
            page.keyboard.type(key)  # each cell moves on to the next by itself
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-saved] >> text=Eva Ström")
        stored, language = paper_answers(app, "Eva Ström")
        assert stored[instrument.items[1].id] == "na" and instrument.items[2].id not in stored
        assert language == "en", "the next form keeps the last one's language: a stack is usually one language"
        assert page.locator("[data-keyed]").inner_text().startswith("2 paper forms")

        # Problems: one line each, not one per item.
        tab_to(page, "#answer_string")
        page.keyboard.type(string[:-1])
        page.keyboard.press("Enter")
        page.wait_for_selector(".error-summary")
        assert page.locator(".error-summary li").count() == 1
        assert f"this questionnaire has {len(instrument.items)}" in page.locator(".error-summary").inner_text()
        assert axe_violations(page) == []
        page.fill("#answer_string", "7" + string[1:4] + "9" + string[5:])
        # Live, before saving: the cells that are no answer are marked and named in one line.
        expect(page.locator("[data-live-problems]")).to_contain_text("Check questions 1, 5:")
        assert page.locator(".cell-input[aria-invalid=true]").count() == 2
        page.click("form.keying button[type=submit]")
        page.wait_for_selector(".error-summary")
        assert page.locator(".error-summary li").all_inner_texts() == ["Questions 1, 5: use 1–5, n for “does not apply” or - for a blank."]
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}/paper?lang=sv")
        assert axe_violations(page) == []
