"""The first screen does the job (issue 27 §2), measured in Chromium at a
375 × 667 phone and a 1280 × 800 laptop, in Swedish and English: the start
button and, on page 1, question 1 visible without scrolling; the privacy
details and the private link behind one short line that opens them."""

import pytest
from playwright.sync_api import expect

from .support.browser import axe_violations, layout_problems

pytestmark = pytest.mark.browser

SCREENS = [(375, 667), (1280, 800)]


def _fully_in_view(page, locator, height):
    box = locator.bounding_box()
    assert box is not None, "not shown"
    return box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("width,height", SCREENS)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_start_button_and_question_one_on_the_first_screen(live_server, browser, language, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500,
                                  has_touch=width < 500)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/?lang={language}")
        start = page.locator("form.start-form button[type=submit]")
        assert _fully_in_view(page, start, height), f"start button at {start.bounding_box()}"
        details = page.locator("details.privacy-details")
        assert details.get_attribute("open") is None
        assert not page.get_by_text("Only people with your private link", exact=False).is_visible()
        details.locator("summary").click()  # the short line opens the details
        expect(details.locator("a[href='/privacy']")).to_be_visible()
        assert axe_violations(page) == []
        assert layout_problems(page) == []

        start.click()
        page.wait_for_url("**/page/1")
        first = page.locator("fieldset.item").first
        assert _fully_in_view(page, first.locator("legend"), height), "question 1's text"
        assert _fully_in_view(page, first.locator("input[type=radio]").first, height), "its first answer"
        link = page.locator("details.resume-box")
        assert link.get_attribute("open") is None and not page.locator(".resume-box .link-field").is_visible()
        link.locator("summary").press("Enter")  # a keyboard user opens it too
        expect(page.locator(".resume-box .link-field")).to_be_visible()
        assert "/response/" in page.locator(".resume-box .link-field").input_value()
        assert axe_violations(page) == []
        assert layout_problems(page) == []
    finally:
        context.close()
