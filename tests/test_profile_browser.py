"""A profile that speaks first (issue 27 §3) and a retake that leads with the
change (§5), measured in Chromium at 375 × 667 and 1280 × 800, sv and en."""

import pytest
from playwright.sync_api import expect

from .support.browser import axe_violations, browser_page, layout_problems
from .support.coaches import completed_person
from .support.followup import NOW, THEN, answers_for, make_plan, retake
from .support.forms import Respondent

pytestmark = pytest.mark.browser

PHONE_SCREENS_BEFORE_ADVICE = 2


@pytest.mark.parametrize("width,height", [(375, 667), (1280, 800)])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_headline_first_statistics_tucked_away_within_the_length_budget(live_server, browser, instrument,
                                                                         language, width, height):
    person = completed_person(live_server.app, instrument, language=language)
    with browser_page(browser, width, height) as page:
        page.goto(f"{live_server.url}{person.url('/profile')}?lang={language}")
        headline = page.locator("#headline-title")
        expect(headline).to_contain_text("Din största snubbeltråd" if language == "sv" else "Your biggest tripwire")
        for part in (headline, page.locator("[data-start-here]"), page.locator("a#pdf-top")):
            box = part.bounding_box()
            assert box["y"] + box["height"] <= height, f"{part} below the first screen: {box}"
        expect(page.locator(".start-here-title")).to_have_text("Börja här" if language == "sv" else "Where to start")
        # The statistics are one tap away, not on the page
        interval = page.locator("[data-interval]").first
        assert not interval.is_visible()
        reliability = page.get_by_text("Reliability 0" if language == "en" else "Reliabilitet 0").first
        assert reliability.count() == 1 and not reliability.is_visible()
        page.wait_for_selector(".chart-area[data-rendered=true]")
        # the length budget: the first advice within two phone screens (the walk found it 3.7 down,
        # under the summary's chart and table, which now follow the advice)
        advice_top = page.evaluate("""() => ['.scale-section', '.scale-section h3 + ul'].map(
            (s) => document.querySelector(s).getBoundingClientRect().top + scrollY)""")
        if width == 375:
            assert max(advice_top) < PHONE_SCREENS_BEFORE_ADVICE * height, f"the advice starts at {advice_top}px"
        expect(page.locator(".top-actions a[href='#summary-title']")).to_be_visible()  # the overview one tap away
        page.click(".how-sure summary")
        expect(interval).to_be_visible()
        expect(reliability).to_be_visible()
        # the colours are explained
        legend = page.locator("[data-band-legend]")
        for band in ("low", "moderate", "high"):
            expect(legend.locator(f".swatch.band-{band}")).to_have_count(1)
        page.wait_for_selector(".chart-area[data-rendered=true]")
        assert axe_violations(page) == []
        assert layout_problems(page) == []


@pytest.mark.parametrize("width,height", [(375, 667), (1280, 800)])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_retake_leads_with_the_change_and_its_direction(live_server, browser, instrument, language, width, height):
    client = live_server.app.test_client()
    first = Respondent(client, instrument)
    first.start(name="Karin", language=language)
    first.complete(answers_for(instrument, THEN))
    make_plan(first)
    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    with browser_page(browser, width, height) as page:
        page.goto(f"{live_server.url}{second.url('/profile')}?lang={language}")
        changes = page.locator("[data-change-summary]")
        text = changes.inner_text()
        better = "en verklig förbättring" if language == "sv" else "a real improvement"
        unclear = "ingen tydlig förändring: " if language == "sv" else "no clear change: "
        assert better in text and unclear in text
        assert ("Lägre är bättre" if language == "sv" else "Lower is better") in text
        assert "→" in text
        # the direction comes before any index, and before the scales and the advice
        order = page.evaluate("""() => {
            const top = (s) => document.querySelector(s).getBoundingClientRect().top + scrollY;
            return [top('.change-list'), top('[data-rci]'), top('.scale-section')]; }""")
        assert order[0] < order[1] and order[0] < order[2]
        assert not page.locator("[data-rci]").first.is_visible(), "the index is behind “How we count”"
        assert page.locator("[data-change-summary]").bounding_box()["y"] < 2 * height
        page.wait_for_selector("[data-chart=summary-chart-data][data-rendered=true]")
        expect(page.locator("[data-previous-marker]")).to_be_visible()
        page.click(".how-we-count summary")
        expect(page.locator("[data-rci]").first).to_be_visible()
        assert axe_violations(page) == []
        assert layout_problems(page) == []
        page.goto(f"{live_server.url}{second.url('/retake')}?lang={language}")
        expect(page.locator("form button[type=submit]")).to_have_text("Svara igen" if language == "sv" else "Answer again")
