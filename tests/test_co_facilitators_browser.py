"""Sharing a workshop in Chromium (issue 28): the owner shares from the workshop's page
(an unknown address is named as the problem), the co-facilitator finds it under My
workshops and opens it; the join page says two coaches see what is shared. At 1280 × 720
and 375 px, both languages: nothing wider than the screen, axe-clean."""

from __future__ import annotations

import os

import pytest

from .support.browser import axe_violations, layout_problems, log_in
from .support.coaches import create_workshop, login, make_coach

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOT_DIR")
CO = ("co@example.com", "a co-facilitator's long password")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_owner_shares_and_the_co_facilitator_runs_the_workshop(live_server, browser, language):
    app = live_server.app
    email, password = make_coach(app)
    make_coach(app, *CO)
    client = app.test_client()
    login(client, email, password)
    workshops = {width: create_workshop(client, title=f"Kickoff {width}", privacy="named", language=language)
                 for width in (1280, 375)}
    words = {"sv": ("Dela workshopen", "Det finns inget coachkonto", "Delad med co@example.com", "delad med dig",
                    "skapade workshopen och delade den med dig", "2 coacher håller workshopen tillsammans"),
             "en": ("Share the workshop", "There's no coach account", "Shared with co@example.com", "shared with you",
                    "created this workshop and shared it with you", "2 coaches run this workshop together")}[language]
    failures = {}
    for width, height in ((1280, 720), (375, 800)):
        workshop_id, code = workshops[width]
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()

        def look(name):
            if problems := layout_problems(page):
                failures[f"{name} at {width}"] = problems
            if page.evaluate("document.documentElement.scrollWidth") > width:
                failures[f"{name} at {width}: wider than the screen"] = True
            if violations := axe_violations(page):
                failures[f"{name} at {width}: axe"] = violations
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/share-{name}-{language}-{width}.png", full_page=True)

        try:
            log_in(page, live_server.url, email, password, language)
            page.goto(f"{live_server.url}/coach/workshops/{workshop_id}#sharing")
            page.fill("#email", "nobody@example.com")
            page.get_by_role("button", name=words[0]).click()
            page.locator("#email-error").wait_for()
            assert words[1] in page.locator("#email-error").inner_text()
            assert page.url.endswith("#sharing")  # the answer opens at the form, not at the top of a long page
            look("owner-error")
            page.fill("#email", CO[0])
            page.get_by_role("button", name=words[0]).click()
            page.get_by_text(words[2]).first.wait_for()
            look("owner-shared")
            context.clear_cookies()
            log_in(page, live_server.url, *CO, language)
            assert words[3] in page.locator(f"tr[data-workshop='{workshop_id}']").inner_text()
            look("co-my-workshops")
            page.get_by_role("link", name=f"Kickoff {width}").click()
            assert words[4] in page.locator("[data-shared-by]").inner_text()
            assert "(du)" in page.locator(".co-facilitators").inner_text() or "(you)" in page.locator(".co-facilitators").inner_text()
            assert page.locator("a.danger-link").count() == 0
            look("co-workshop")
            page.goto(f"{live_server.url}/join/{code}")
            assert words[5] in page.locator("[data-coaches]").inner_text()
            look("join")
        finally:
            context.close()
    assert failures == {}
