"""The presenter view on a projector: driven by keyboard while participants
join in another browser, big enough for the back of the room, offline, axe-clean."""

import pytest
from playwright.sync_api import expect

from .support.answers import varied_answers
from .support.browser import axe_violations, log_in
from .support.coaches import coach_with_workshop, join_and_complete
from .support.forms import Respondent

pytestmark = pytest.mark.browser


def coach_page(browser, live_server, email, password, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, email, password)
    return context, page


def current(page):
    return page.evaluate("document.getElementById('deck').dataset.current")


def test_presenter_view_by_keyboard_while_participants_join(live_server, browser, instrument):
    coach = coach_with_workshop(live_server.app, title="Säljkickoff", privacy="named")
    workshop_id, code = coach.workshop_id, coach.code
    context, page = coach_page(browser, live_server, coach.email, coach.password, {"width": 1280, "height": 720})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    participant_context = browser.new_context()
    try:
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}/present?lang=en")
        assert current(page) == "join"
        assert page.locator(".huge-code").inner_text() == code
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.huge-code')).fontSize)")
        assert size >= 100, f"the code is {size}px at 1280×720"
        box = page.locator(".huge-code").bounding_box()
        assert box["x"] + box["width"] <= 1280 and page.locator(".present-qr").is_visible()
        assert page.locator('[data-count="joined"]').inner_text() == "0"
        assert axe_violations(page) == []

        # A participant joins in another browser; the counter moves without a reload.
        participant = participant_context.new_page()
        participant.goto(f"{live_server.url}/join/{code}?lang=sv")
        participant.fill("#name", "Åsa")
        participant.check("#share_with_coach")
        participant.click("form.card button[type=submit]")
        participant.wait_for_url("**/page/1")
        expect(page.locator('[data-count="joined"]')).to_have_text("1", timeout=15000)
        token = participant.url.split("/response/")[1].split("/")[0]
        person = Respondent(live_server.app.test_client(), instrument)
        person.token = token
        person.complete(varied_answers(instrument, 0))
        for n in (1, 2):
            join_and_complete(live_server.app.test_client(), instrument, code, name=f"P{n}", share=True, offset=n)
        expect(page.locator('[data-count="completed"]')).to_have_text("3", timeout=15000)

        page.keyboard.press("ArrowRight")
        assert current(page) == "team"
        page.wait_for_selector('[data-slide="team"] .chart-area[data-rendered=true]', timeout=15000)
        assert axe_violations(page) == []
        page.keyboard.press("ArrowRight")
        first_scale = current(page)
        assert first_scale.startswith("scale-")
        counts = page.eval_on_selector_all(f'[data-slide="{first_scale}"] [data-count-band]', "els => els.map((e) => Number(e.textContent))")
        assert sum(counts) == 3
        seen = [first_scale]
        for _ in range(12):
            page.keyboard.press("ArrowRight")
            seen.append(current(page))
            if seen[-1] == "close":
                break
        talks = [s for s in seen if s.startswith("talk-")]
        team = coach.client.get(f"/coach/workshops/{workshop_id}/present.json").get_json()
        assert talks == [f"talk-{s}" for s in team["discussion"]]
        assert talks[-1] == "talk-fear_of_pushiness" and len(talks) == 2
        medians = {s["id"]: s["median"] for s in team["scales"] if s["id"] != "fear_of_pushiness"}
        assert medians[talks[0][5:]] == max(medians.values()), "the highest behaviour comes first"
        page.keyboard.press("ArrowLeft")
        assert current(page) == talks[-1]
        page.click(f'[data-slide="{talks[-1]}"] .timer-button[data-minutes="3"]')
        expect(page.locator(f'[data-slide="{talks[-1]}"] [data-timer]')).to_have_text("2:59", timeout=3000)
        assert axe_violations(page) == []
        page.keyboard.press("Home")
        assert current(page) == "join"
        page.keyboard.press("f")
        page.locator(":fullscreen").first.wait_for(timeout=5000)
        assert all(url.startswith(live_server.url) for url in requests), "no CDN: every request goes to the app"
    finally:
        participant_context.close()
        context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_presenter_view_is_big_and_accessible_at_1920(live_server, browser, instrument, language):
    coach = coach_with_workshop(live_server.app, title="Anonym grupp", language=language)
    workshop_id = coach.workshop_id
    context, page = coach_page(browser, live_server, coach.email, coach.password, {"width": 1920, "height": 1080})
    try:
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}/present?lang={language}")
        assert page.locator("html").get_attribute("lang") == language
        assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.huge-code')).fontSize)") >= 150
        assert axe_violations(page) == []
        page.keyboard.press("ArrowRight")
        assert page.locator('[data-slide="team"] [data-when="withheld"]').is_visible(), "anonymous: nothing before the minimum"
        assert not page.locator('[data-slide="team"] [data-when="shown"]').is_visible()
        assert axe_violations(page) == []
    finally:
        context.close()
