"""The measurement page and the profile's research card in Chromium: the
locally served plotly chart draws, and axe-core finds nothing in sv and en."""

import pytest

from .support.answers import varied_answers
from .support.browser import axe_violations, tab_to
from .support.research import analyse, import_simulated

pytestmark = pytest.mark.browser


def test_measurement_page_in_both_languages(live_server, page, instrument, tmp_path):
    runner = live_server.app.test_cli_runner()
    import_simulated(runner, instrument, tmp_path, 45, seed=61)
    analyse(runner)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for lang, heading in (("en", "How well the questionnaire measures"), ("sv", "Hur väl formuläret mäter")):
        page.goto(f"{live_server.url}/about/measurement?lang={lang}")
        assert page.locator("h1").inner_text() == heading
        page.wait_for_selector(".chart-area[data-rendered=true] svg.main-svg")
        assert axe_violations(page) == []
    assert all(url.startswith(live_server.url) for url in requests), "no CDN or other host"


def test_measurement_page_without_data_and_the_profile_card(live_server, page, instrument):
    for lang in ("en", "sv"):
        page.goto(f"{live_server.url}/about/measurement?lang={lang}")
        assert axe_violations(page) == []
    page.goto(live_server.url + "/?lang=en")
    box = page.locator("input[name=research_consent]")
    assert not box.is_checked()
    tab_to(page, "input[name=research_consent]")
    page.keyboard.press("Space")
    assert box.is_checked()
    page.click("text=Start the questionnaire")
    answers = varied_answers(instrument)
    for number, items in enumerate(instrument.pages, 1):
        page.wait_for_url(f"**/page/{number}")
        for item in items:
            page.check(f"input[name={item.id}][value='{answers[item.id]}']")
        page.click("button[value=next]")
    page.wait_for_url("**/profile")
    assert page.locator("input[name=research_consent]").is_checked()
    assert axe_violations(page) == []
    page.uncheck("input[name=research_consent]")
    page.click("text=Save my choice")
    page.wait_for_url("**/profile")
    assert not page.locator("input[name=research_consent]").is_checked()
    page.goto(page.url + "?lang=sv")
    assert axe_violations(page) == []
