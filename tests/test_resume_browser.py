"""Never lose a take (issue 27 §7), in Chromium: the same browser is offered
"continue where you left off" and can forget it (a shared computer); another
browser is offered nothing; ticks on the current page survive a reload."""

import pytest
from playwright.sync_api import expect

from .support.answers import varied_answers
from .support.browser import axe_violations, layout_problems

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language,width,height", [("sv", 375, 667), ("en", 1280, 800)])
def test_continue_where_you_left_off_forget_it_and_ticks_survive_a_reload(live_server, browser, instrument,
                                                                          language, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    stranger = browser.new_context(viewport={"width": width, "height": height})
    try:
        page.goto(f"{live_server.url}/?lang={language}")
        assert page.locator("[data-resume]").count() == 0
        page.click("form.start-form button[type=submit]")
        page.wait_for_url("**/page/1")
        answers = varied_answers(instrument)
        first = instrument.pages[0]
        for item in first:
            page.check(f"input[name={item.id}][value='{answers[item.id]}']")
        page.click("button[value=next]")
        page.wait_for_url("**/page/2")
        # two ticks on page 2, then a reload: they are still there
        second = instrument.pages[1]
        for item in second[:2]:
            page.check(f"input[name={item.id}][value='{answers[item.id]}']")
        page.reload()
        for item in second[:2]:
            assert page.locator(f"input[name={item.id}][value='{answers[item.id]}']").is_checked()

        other = stranger.new_page()
        other.goto(f"{live_server.url}/?lang={language}")
        assert other.locator("[data-resume]").count() == 0, "another browser is offered nothing"

        page.goto(f"{live_server.url}/?lang={language}")
        offer = page.locator("[data-resume]")
        expect(offer.locator("h2")).to_have_text("Fortsätt där du slutade" if language == "sv"
                                                 else "Continue where you left off")
        assert axe_violations(page) == []
        assert layout_problems(page) == []
        offer.locator("a.button").click()
        page.wait_for_url("**/page/2")
        page.goto(f"{live_server.url}/?lang={language}")
        page.locator("[data-resume] button[type=submit]").click()
        page.wait_for_url("**/")
        expect(page.locator(".notice-success")).to_be_visible()
        assert page.locator("[data-resume]").count() == 0
        assert not any(c["name"] == "resume" for c in context.cookies())
    finally:
        context.close()
        stranger.close()
