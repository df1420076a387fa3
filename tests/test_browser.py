"""The self-test in headless Chromium, as a person uses it: keyboard only,
in Swedish, on a small screen, and checked with axe-core on every page type."""

import pytest
from playwright.sync_api import expect

from assessment import AnswerSet, score_answers

from .support.answers import varied_answers
from .support.browser import axe_violations, browser_page, tab_to
from .support.forms import Respondent

pytestmark = pytest.mark.browser


def test_keyboard_only_completion_in_swedish(live_server, page, instrument):
    answers = varied_answers(instrument, offset=1)
    page.goto(live_server.url + "/?lang=sv")
    assert page.locator("html").get_attribute("lang") == "sv"
    tab_to(page, "#name")
    page.keyboard.type("Åsa Öström")
    tab_to(page, "input[name=language][value=sv]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    for number, items in enumerate(instrument.pages, 1):
        page.wait_for_url(f"**/page/{number}")
        assert page.locator("h1").inner_text() == f"Sida {number} av {len(instrument.pages)}"
        for item in items:
            tab_to(page, f"input[name={item.id}]")
            page.keyboard.press("Space")  # ticks the focused option, the first one
            for _ in range(answers[item.id] - 1):
                page.keyboard.press("ArrowRight")
            assert page.locator(f"input[name={item.id}]:checked").get_attribute("value") == str(answers[item.id])
        tab_to(page, "button[value=next]")
        page.keyboard.press("Enter")
    page.wait_for_url("**/profile")
    assert "Din profil" in page.locator("h1").inner_text() and "Åsa Öström" in page.locator("h1").inner_text()
    expected = score_answers(instrument, AnswerSet("sv", answers))
    for result in expected.of_kind("behaviour", "driver"):
        assert page.locator(f'[data-score="{result.scale_id}"]').inner_text() == f"{result.score:.0f}"
    page.wait_for_selector(".chart-area[data-rendered=true] svg.main-svg")
    bars = page.locator(".chart-area .bars path").count()
    assert bars >= 4, "the chart draws one bar per scale"
    page.screenshot(path=str(live_server.app.instance_path) + "/profile.png", full_page=True)


def test_error_summary_takes_focus_and_links_to_the_missing_item(live_server, page, instrument):
    page.goto(live_server.url + "/?lang=en")
    page.click("text=Start the questionnaire")
    page.wait_for_url("**/page/1")
    page.check(f"input[name={instrument.pages[0][0].id}][value='2']")
    page.click("button[value=next]")
    summary = page.locator(".error-summary")
    summary.wait_for(state="visible", timeout=10000)  # the missed-question page comes back from a fetch now (no history entry)
    # The page comes back by location.replace; its script moves the focus once it has loaded.
    expect(summary).to_be_focused(timeout=10000)
    missing = instrument.pages[0][1].id
    page.click(f"a[href='#{missing}-0']")
    assert page.evaluate("document.activeElement.id") == f"{missing}-0"
    assert page.locator(f"input[name={instrument.pages[0][0].id}][value='2']").is_checked()


def _page_types(live_server, client_instrument):
    """Make one of each page type of the self-test and return their paths."""
    instrument = client_instrument
    client = live_server.app.test_client()
    started = Respondent(client, instrument)
    started.start()
    done = Respondent(client, instrument)
    done.start(name="Karin")
    done.complete(varied_answers(instrument))
    return {
        "start": "/",
        "questionnaire page": started.url("/page/2"),
        "continue later": started.url("/later"),
        "profile": done.url("/profile"),
        "delete": done.url("/delete"),
        "privacy": "/privacy",
        "not found": "/response/unknown/page/1",
        "join": "/join",
        "coach login": "/coach/login",
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_axe_violations_on_any_page_type(live_server, page, instrument, language):
    failures = {}
    for name, path in _page_types(live_server, instrument).items():
        page.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={language}")
        assert page.locator("html").get_attribute("lang") == language
        if name == "profile":
            page.wait_for_selector(".chart-area[data-rendered=true]")
        violations = axe_violations(page)
        if violations:
            failures[name] = violations
    # and a questionnaire page showing its error summary
    page.goto(f"{live_server.url}/?lang={language}")
    page.click("form.card button[type=submit]")
    page.click("button[value=next]")
    page.wait_for_selector(".error-summary")
    if violations := axe_violations(page):
        failures["page with errors"] = violations
    assert failures == {}


def test_usable_at_375_pixels_without_horizontal_scrolling(live_server, browser, instrument):
    with browser_page(browser, 375, 740, is_mobile=True, has_touch=True) as page:
        for name, path in _page_types(live_server, instrument).items():
            page.goto(live_server.url + path)
            if name == "profile":
                page.wait_for_selector(".chart-area[data-rendered=true]")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{name} is {width}px wide"
