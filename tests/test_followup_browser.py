"""The follow-up in Chromium: make a plan, download the calendar file, take it
again and see the comparison; axe-core on every new page in both languages."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest

from .support import Respondent, axe_violations, create_workshop, layout_problems, login, make_coach
from .test_followup_plan import make_plan
from .test_followup_retake import NOW, THEN, answers_for, retake

pytestmark = pytest.mark.browser


def test_make_a_plan_download_the_calendar_retake_and_compare(live_server, page, instrument, tmp_path):
    client = live_server.app.test_client()
    person = Respondent(client, instrument)
    person.start(name="Karin")
    person.complete(answers_for(instrument, THEN))
    # the browser continues with the person's private link
    page.goto(f"{live_server.url}{person.url('/profile')}?lang=en")
    page.click("text=Make my plan")
    page.wait_for_url("**/plan")
    page.fill("#actions-0-situation", "a meeting is about to end without a next step")
    page.fill("#actions-0-step", "propose a date before we hang up")
    page.check("#follow_up-0")  # 14 days
    page.click("button[type=submit]")
    page.wait_for_url("**/profile#plan-title")
    plan = page.locator("ol.plan-actions").inner_text()
    assert "When a meeting is about to end without a next step, I will propose a date before we hang up." in plan

    with page.expect_download() as download_info:
        page.click("text=Add to calendar")
    path = tmp_path / "follow-up.ics"
    download_info.value.save_as(path)
    event = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    assert event.decoded("dtstart").date() == date.today() + timedelta(days=14)
    assert f"{live_server.url}/response/{person.token}/retake" in str(event["DESCRIPTION"])

    page.click("text=Take it again")
    page.wait_for_url("**/retake")
    page.click("button[type=submit]")
    answers = answers_for(instrument, NOW)
    for number, items in enumerate(instrument.pages, 1):
        page.wait_for_url(f"**/page/{number}")
        for item in items:
            page.check(f"input[name={item.id}][value='{answers[item.id]}']")
        page.click("button[value=next]")
    page.wait_for_url("**/profile")
    assert page.locator("#then-now-title").inner_text() == "Then and now"
    assert "clearly lower than last time" in page.locator("table.then-now").inner_text()
    page.wait_for_selector("[data-chart=change-chart-data][data-rendered=true] svg.main-svg")
    assert page.locator("[data-chart=change-chart-data] .scatterlayer .trace").count() == 4, "one line per scale"
    page.check("#done-1-yes")
    page.click("#ticks-title ~ form button[type=submit]")
    page.wait_for_url("**/profile#then-now-title")
    assert page.locator("#done-1-yes").is_checked()


def _followup_pages(live_server, instrument):
    client = live_server.app.test_client()
    first = Respondent(client, instrument)
    first.start(name="Karin")
    first.complete(answers_for(instrument, THEN))
    make_plan(first, email="karin@example.com")
    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    return {
        "plan": first.url("/plan"),
        "profile with plan": first.url("/profile"),
        "retake": first.url("/retake"),
        "profile with comparison": second.url("/profile"),
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_axe_violations_on_the_follow_up_pages(live_server, page, instrument, language):
    failures = {}
    for name, path in _followup_pages(live_server, instrument).items():
        page.goto(f"{live_server.url}{path}?lang={language}")
        assert page.locator("html").get_attribute("lang") == language
        if name.startswith("profile"):
            page.wait_for_selector(".chart-area[data-rendered=true]")
        if violations := axe_violations(page):
            failures[name] = violations
    # the plan form showing its error summary
    page.goto(f"{live_server.url}{_followup_pages(live_server, instrument)['plan']}?lang={language}")
    page.fill("#actions-0-situation", "")
    page.fill("#actions-0-step", "")
    page.fill("#email", "not-an-address")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    if violations := axe_violations(page):
        failures["plan with errors"] = violations
    assert failures == {}


def test_follow_up_pages_fit_375_pixels(live_server, browser, instrument):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for name, path in _followup_pages(live_server, instrument).items():
            page.goto(f"{live_server.url}{path}?lang=sv")
            if name.startswith("profile"):
                page.wait_for_selector(".chart-area[data-rendered=true]")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{name} is {width}px wide"
    finally:
        context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_axe_violations_on_the_team_follow_up_pages(live_server, browser, instrument, language):
    from .test_followup_teams import create_follow_up, join
    from .test_workshop_browser import log_in
    email, password = make_coach(live_server.app)
    coach_client = live_server.app.test_client()
    login(coach_client, email, password)
    workshop_id, code = create_workshop(coach_client, title="Kickoff", privacy="named")
    people = live_server.app.test_client()
    first = join(people, instrument, code, name="Åsa", keyed=THEN)
    follow_up_id, follow_up_code = create_follow_up(coach_client, workshop_id)
    join(people, instrument, follow_up_code, name="Åsa", keyed=NOW,
         previous_link=f"http://localhost/response/{first.token}/profile")

    page = browser.new_context().new_page()
    failures = {}
    try:
        page.goto(f"{live_server.url}/join/{follow_up_code}?lang={language}")
        assert page.locator("#previous_link").count() == 1
        if violations := axe_violations(page):
            failures["join a follow-up"] = violations
        page.fill("#previous_link", "not a link")
        page.click("form.card button[type=submit]")
        page.wait_for_selector(".error-summary")
        if violations := axe_violations(page):
            failures["join a follow-up, with an error"] = violations
        log_in(page, live_server.url, email, password)
        page.goto(f"{live_server.url}/coach/workshops/{follow_up_id}?lang={language}")
        assert page.locator("#before-after-title").count() == 1 and page.locator("table.people-change").count() == 1
        if violations := axe_violations(page):
            failures["team view of a follow-up"] = violations
    finally:
        page.context.close()
    assert failures == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_then_and_now_table_breaks_no_word_or_interval(live_server, browser, instrument, width):
    """The comparison table squeezed its columns until words broke ("Skillna|d",
    "Post|poni|ng") and intervals split ("(38–|62)"); on a phone it is now
    stacked like the profile's score table."""
    path = _followup_pages(live_server, instrument)["profile with comparison"]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{path}?lang=sv")
        page.wait_for_selector(".chart-area[data-rendered=true]")
        problems = [p for p in layout_problems(page) if "broken" in p or "wide" in p]
        assert problems == []
        split = page.evaluate("""() => Array.from(document.querySelectorAll('table.then-now td .muted'))
                                        .filter((s) => s.getClientRects().length > 1).map((s) => s.textContent)""")
        assert split == [], f"intervals split over two lines: {split}"
    finally:
        context.close()
