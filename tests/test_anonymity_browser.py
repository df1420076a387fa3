"""An anonymous workshop in the browser: the live counter moves only in steps
of the minimum group, and the pages that say so pass axe in both languages."""

import pytest
from playwright.sync_api import expect

from .support.browser import axe_violations, layout_problems, log_in
from .support.coaches import coach_with_workshop, join_and_complete
from .support.workshops import key_in_paper, level_answers

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["sv", "en"])
def test_anonymous_team_view_moves_in_steps_and_passes_axe(live_server, page, instrument, language):
    app = live_server.app
    coach = coach_with_workshop(app, language=language)
    email, password, client, workshop_id, code = coach.email, coach.password, coach.client, coach.workshop_id, coach.code
    token = key_in_paper(client, workshop_id, level_answers(instrument, 1))
    for k in range(4):
        join_and_complete(app.test_client(), instrument, code, offset=k)
    waiting = join_and_complete(app.test_client(), instrument, code, complete=False, language=language)

    log_in(page, live_server.url, email, password)
    page.goto(f"{live_server.url}/coach/workshops/{workshop_id}?lang={language}")
    expect(page.locator('[data-count="completed"]')).to_have_text("0")
    assert page.locator("[data-size-reason]").is_visible() and page.locator("[data-paper]").is_visible()
    failures = {}
    if violations := axe_violations(page):
        failures["workshop, withheld"] = violations

    # The participant still on a page keeps it open while finishing elsewhere.
    participant = page.context.browser.new_context().new_page()
    participant.goto(f"{live_server.url}{waiting.url('/page/1')}?lang={language}")
    waiting.complete(level_answers(instrument, 3))
    expect(page.locator('[data-count="completed"]')).to_have_text("5", timeout=15000)
    page.wait_for_selector("[data-chart-figure]:not([hidden]) .chart-area[data-rendered=true]", timeout=15000)
    if violations := axe_violations(page):
        failures["workshop, released"] = violations

    participant.check(f"input[name={instrument.pages[0][0].id}][value='1']")
    participant.click("button[value=next]")
    expect(participant.locator("h1")).to_have_text("Formuläret är redan ifyllt" if language == "sv" else "This questionnaire is complete")
    if violations := axe_violations(participant):
        failures["completed response, re-posted"] = violations
    participant.set_viewport_size({"width": 375, "height": 740})
    if problems := layout_problems(participant):
        failures["completed response at 375 px"] = problems
    for name, path in {"paper entry": f"/coach/workshops/{workshop_id}/paper", "privacy": "/privacy"}.items():
        page.goto(f"{live_server.url}{path}?lang={language}")
        if violations := axe_violations(page):
            failures[name] = violations
    phone = page.context.browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        small = phone.new_page()
        log_in(small, live_server.url, email, password)
        small.goto(f"{live_server.url}/coach/workshops/{workshop_id}?lang={language}")
        small.wait_for_selector("[data-chart-figure] .chart-area[data-rendered=true]")
        if problems := layout_problems(small):
            failures["workshop at 375 px"] = problems
    finally:
        phone.close()
    assert failures == {}
    assert token
