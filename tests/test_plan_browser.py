"""The plan page in Chromium (issue 27 §4): a tapped suggestion fills a step in the
sentence's own form, an error clears once its field is fixed; 375 and 1280 px, sv and en."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .support.browser import axe_violations, browser_page, layout_problems
from .support.coaches import completed_person

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language,width,height", [("sv", 375, 667), ("en", 1280, 800), ("en", 375, 667),
                                                    ("sv", 1280, 800)])
def test_tap_a_suggestion_fix_an_error_and_save_a_plan_in_good_language(live_server, browser, instrument,
                                                                         language, width, height):
    person = completed_person(live_server.app, instrument, language=language)
    with browser_page(browser, width, height) as page:
        page.goto(f"{live_server.url}{person.url('/plan')}?lang={language}")
        assert axe_violations(page) == []
        assert layout_problems(page) == []
        # a half-written step: the error names it, and clears as soon as it is fixed
        page.fill("#actions-0-situation", "a quote goes out" if language == "en" else "en offert går i väg")
        page.click("form.card button[type=submit]")
        expect(page.locator(".error-summary")).to_be_visible()
        page.wait_for_load_state("load")  # the page that names the error, with the script that clears it
        expect(page.locator("#actions-0-step-error")).to_be_visible()
        page.fill("#actions-0-step", "call on day two" if language == "en" else "ringa dag två")
        expect(page.locator("#actions-0-step-error")).to_have_count(0)
        expect(page.locator(".error-summary")).to_have_count(0)
        assert page.locator("#actions-0-step").get_attribute("aria-invalid") is None
        # a weekend date shows, live, the Monday it moves to
        saturday = date.today() + timedelta(days=(5 - date.today().weekday()) % 7 or 7)
        page.fill("#follow_up_on", saturday.isoformat())
        monday = (saturday + timedelta(days=2)).day
        expect(page.locator("#follow-up-day")).to_contain_text(
            f"måndag {monday} " if language == "sv" else f"Monday {monday} ")
        assert page.locator("input[name=follow_up][value=date]").is_checked()
        # a tap fills the next empty step with both halves of the sentence
        first = page.locator("[data-plan-step]").first
        situation, step = first.get_attribute("data-situation"), first.get_attribute("data-step")
        first.click()
        assert page.locator("#actions-1-situation").input_value() == situation
        assert page.locator("#actions-1-step").input_value() == step
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/profile#plan-title")
        plan = page.locator("ol.plan-actions").inner_text()
        if language == "sv":
            assert f"När {situation} ska jag {step}." in plan
            assert not re.search(r"ska jag [A-ZÅÄÖ]", plan)
        else:
            assert f"When {situation}, I will {step}." in plan
        assert axe_violations(page) == []
