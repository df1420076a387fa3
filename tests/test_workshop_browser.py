"""A workshop in two browsers: the coach's team view updates while a
participant joins and completes, without reloading. Coach pages pass axe."""

import pytest
from playwright.sync_api import expect

from .support.answers import varied_answers
from .support.browser import axe_violations, log_in
from .support.coaches import make_coach

pytestmark = pytest.mark.browser




def test_coach_sees_a_participant_complete_live(live_server, browser, instrument):
    email, password = make_coach(live_server.app)
    coach = browser.new_context().new_page()
    log_in(coach, live_server.url, email, password)
    coach.click("text=New workshop")
    coach.fill("#title", "Säljmöte")
    coach.check("input[name=privacy_mode][value=named]")
    coach.click("form.card button[type=submit]")
    coach.wait_for_selector(".join-code")
    code = coach.locator(".join-code").inner_text().strip()
    assert coach.locator('[data-count="completed"]').inner_text() == "0"
    coach.evaluate("window.__notReloaded = true")

    participant = browser.new_context().new_page()
    participant.goto(live_server.url + "/join?lang=sv")
    participant.fill("#code", code.lower())
    participant.click("form button[type=submit]")
    participant.fill("#name", "Åsa Öström")
    participant.check("#share_with_coach")
    participant.click("form.card button[type=submit]")
    expect(coach.locator('[data-count="joined"]')).to_have_text("1", timeout=15000)
    answers = varied_answers(instrument)
    for number, items in enumerate(instrument.pages, 1):
        participant.wait_for_url(f"**/page/{number}")
        for item in items:
            participant.check(f"input[name={item.id}][value='{answers[item.id]}']")
        participant.click("button[value=next]")
    participant.wait_for_url("**/profile")

    expect(coach.locator('[data-count="completed"]')).to_have_text("1", timeout=15000)
    coach.wait_for_selector("[data-grid] tbody tr >> text=Åsa Öström", timeout=15000)
    coach.wait_for_selector("[data-chart-figure]:not([hidden]) .chart-area[data-rendered=true]", timeout=15000)
    assert coach.evaluate("window.__notReloaded") is True  # the same page, updated in place


@pytest.mark.parametrize("language", ["sv", "en"])
def test_coach_pages_have_no_axe_violations(live_server, page, instrument, language):
    email, password = make_coach(live_server.app)
    log_in(page, live_server.url, email, password)
    runner = live_server.app.test_cli_runner()
    runner.invoke(args=["demo-workshop", "--participants", "5", "--seed", "3"])
    page.goto(f"{live_server.url}/coach/workshops/new?lang={language}")
    page.fill("#title", "Axe")
    page.check("input[name=privacy_mode][value=named]")
    page.click("form.card button[type=submit]")
    page.wait_for_selector(".join-code")
    workshop_url = page.url.split("?")[0]
    failures = {}
    for name, path in {
        "workshops": "/coach/",
        "new workshop": "/coach/workshops/new",
        "workshop": workshop_url.replace(live_server.url, ""),
        "paper entry": workshop_url.replace(live_server.url, "") + "/paper",
        "delete workshop": workshop_url.replace(live_server.url, "") + "/delete",
        "change password": "/coach/password",
    }.items():
        page.goto(f"{live_server.url}{path}?lang={language}")
        if violations := axe_violations(page):
            failures[name] = violations
    page.goto(f"{live_server.url}/coach/workshops/new?lang={language}")
    page.click("form.card button[type=submit]")  # empty title: error summary
    page.wait_for_selector(".error-summary")
    if violations := axe_violations(page):
        failures["new workshop with errors"] = violations
    assert failures == {}
