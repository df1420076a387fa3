"""The follow-up in Chromium: make a plan, download the calendar file, take it
again and see the comparison; axe-core on every new page in both languages."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from assessment.followup import on_a_weekday
from services.db import db
from services.models import Response, Retake

from .support.browser import axe_violations, browser_page, layout_problems, log_in
from .support.coaches import coach_with_workshop
from .support.followup import (
    NOW,
    THEN,
    answers_for,
    create_follow_up,
    join,
    make_plan,
    retake,
)
from .support.forms import Respondent

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
    assert event.decoded("dtstart").date() == on_a_weekday(date.today() + timedelta(days=14))
    assert person.token not in path.read_text().replace("\r\n ", ""), "never the private link"
    assert f"{live_server.url}/retake/" in str(event["DESCRIPTION"]), "a limited retake link (test_calendar_links.py)"

    page.click("text=Take it again")
    page.wait_for_url("**/retake")
    # Sent once per page (static/js/app.js, data-once): a second submit is stopped before it leaves.
    assert page.evaluate("""() => {
        const form = document.querySelector("form[data-once]"), seen = [];
        const record = (event) => { seen.push(event.defaultPrevented); event.preventDefault(); };
        form.addEventListener("submit", record);
        for (let n = 0; n < 2; n++) form.dispatchEvent(new Event("submit", {cancelable: true}));
        form.removeEventListener("submit", record);
        delete form.dataset.sent;
        return seen; }""") == [False, True]
    page.dblclick("button[type=submit]")
    answers = answers_for(instrument, NOW)
    for number, items in enumerate(instrument.pages, 1):
        page.wait_for_url(f"**/page/{number}")
        for item in items:
            page.check(f"input[name={item.id}][value='{answers[item.id]}']")
        page.click("button[value=next]")
    page.wait_for_url("**/profile")
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Retake)) == 1
    assert page.locator("#then-now-title").inner_text().startswith("What has changed since")
    assert "clearly lower than on" in page.locator(".change-list").inner_text()
    assert not page.locator("table.then-now").is_visible(), "the index is behind “How we count”"
    page.click(".how-we-count summary")
    expect(page.locator("table.then-now")).to_be_visible()
    # two takes: the summary chart marks the previous scores (a history chart comes with a third take)
    page.wait_for_selector("[data-chart=summary-chart-data][data-rendered=true] svg.main-svg")
    assert page.locator("[data-chart=summary-chart-data] .scatterlayer .trace").count() == 1
    assert page.locator("[data-chart=summary-chart-data] .scatterlayer .point").count() == 4, "one mark per scale"
    page.check("#done-1-yes")
    page.click("#ticks-title ~ form button[type=submit]")
    page.wait_for_url("**/profile#then-now-title")
    assert page.locator("#done-1-yes").is_checked()


def _followup_pages(live_server, instrument):
    # With mail settings (no server needed): the plan page then asks for a reminder address.
    live_server.app.config.update(SMTP_HOST="127.0.0.1", MAIL_FROM="uppfoljning@example.org",
                                  PUBLIC_URL="https://tripwire.example.org")
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
    # The summary is in the page before its script has moved the focus to it (a race on a loaded machine).
    # (A locator's wait runs in Playwright's own world: wait_for_function's polling is an eval,
    # which the page's Content-Security-Policy refuses.)
    expect(page.locator(".error-summary")).to_be_focused(timeout=10000)
    if violations := axe_violations(page):
        failures["plan with errors"] = violations
    assert failures == {}


def test_follow_up_pages_fit_375_pixels(live_server, browser, instrument):
    with browser_page(browser, 375, 740, is_mobile=True, has_touch=True) as page:
        for name, path in _followup_pages(live_server, instrument).items():
            page.goto(f"{live_server.url}{path}?lang=sv")
            if name.startswith("profile"):
                page.wait_for_selector(".chart-area[data-rendered=true]")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{name} is {width}px wide"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_axe_violations_on_the_team_follow_up_pages(live_server, browser, instrument, language):
    coach = coach_with_workshop(live_server.app, title="Kickoff", privacy="named")
    people = live_server.app.test_client()
    first = join(people, instrument, coach.code, name="Åsa", keyed=THEN)
    follow_up_id, follow_up_code = create_follow_up(coach.client, coach.workshop_id)
    join(people, instrument, follow_up_code, name="Åsa", keyed=NOW,
         previous_link=f"http://localhost/response/{first.token}/profile")

    failures = {}
    with browser_page(browser) as page:
        page.goto(f"{live_server.url}/join/{follow_up_code}?lang={language}")
        assert page.locator("#previous_link").count() == 1
        if violations := axe_violations(page):
            failures["join a follow-up"] = violations
        page.fill("#previous_link", "not a link")
        page.click("form.card button[type=submit]")
        page.wait_for_selector(".error-summary")
        if violations := axe_violations(page):
            failures["join a follow-up, with an error"] = violations
        log_in(page, live_server.url, coach.email, coach.password)
        page.goto(f"{live_server.url}/coach/workshops/{follow_up_id}?lang={language}")
        assert page.locator("#before-after-title").count() == 1 and page.locator("table.people-change").count() == 1
        if violations := axe_violations(page):
            failures["team view of a follow-up"] = violations
    assert failures == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_then_and_now_table_breaks_no_word_or_interval(live_server, browser, instrument, width):
    """The comparison table squeezed its columns until words broke ("Skillna|d",
    "Post|poni|ng") and intervals split ("(38–|62)"); on a phone it is now
    stacked like the profile's score table."""
    path = _followup_pages(live_server, instrument)["profile with comparison"]
    with browser_page(browser, width, 800) as page:
        page.goto(f"{live_server.url}{path}?lang=sv")
        page.wait_for_selector(".chart-area[data-rendered=true]")
        problems = [p for p in layout_problems(page) if "broken" in p or "wide" in p]
        assert problems == []
        split = page.evaluate("""() => Array.from(document.querySelectorAll('table.then-now td .muted'))
                                        .filter((s) => s.getClientRects().length > 1).map((s) => s.textContent)""")
        assert split == [], f"intervals split over two lines: {split}"


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_follow_up_code_links_a_shared_take_in_the_browser(live_server, browser, instrument, language):
    """Issue 25, F1/F7 in Chromium: the code shown on the shared profile, typed (loosely) when
    joining the follow-up session, links the two takes; a wrong one is refused on the field."""
    coach = coach_with_workshop(live_server.app, title="Kickoff", privacy="named")
    follow_up_id, follow_up_code = create_follow_up(coach.client, coach.workshop_id)
    people = live_server.app.test_client()
    first = join(people, instrument, coach.code, name="Åsa", keyed=THEN)

    page = browser.new_context().new_page()
    failures = {}
    try:
        page.goto(f"{live_server.url}{first.url('/profile')}?lang={language}")
        shown = page.locator("[data-follow-up-code]").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", shown)
        if violations := axe_violations(page):
            failures["profile with a follow-up code"] = violations

        page.goto(f"{live_server.url}/join/{follow_up_code}?lang={language}")
        page.fill("#name", "Åsa")
        page.check("#share_with_coach")
        page.fill("#previous_link", "ABCDE-FGHJK")
        page.click("form.card button[type=submit]")
        page.wait_for_selector(".error-summary")
        expect(page.locator("#previous_link-error")).to_be_visible()
        if violations := axe_violations(page):
            failures["wrong follow-up code"] = violations

        page.fill("#previous_link", shown.lower().replace("-", " "))
        page.check("#share_with_coach")
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/page/1")
        now = Respondent(people, instrument)
        now.token = page.url.split("/response/")[1].split("/")[0]
        now.complete(answers_for(instrument, NOW))
        page.goto(f"{live_server.url}{now.url('/profile')}?lang={language}")
        expect(page.locator("[data-change-summary]").first).to_be_attached()
        if violations := axe_violations(page):
            failures["profile of the linked take"] = violations
        # linked by a code, not the private link: deleting this take keeps the first one, and says so
        page.goto(f"{live_server.url}{now.url('/delete')}?lang={language}")
        expect(page.locator("[data-keeps-take]")).to_be_visible()
        if violations := axe_violations(page):
            failures["delete page of the linked take"] = violations
    finally:
        page.context.close()
    assert failures == {}
    html = coach.client.get(f"/coach/workshops/{follow_up_id}").text
    assert "Åsa" in html.split('class="scores people-change stack"')[1].split("</table>")[0]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_four_takes_months_apart_keep_their_chart_labels_apart_on_a_phone(live_server, browser, instrument, language,
                                                                         tmp_path):
    """A walk found "28 september23 november7 december" under the history chart at 375 px once
    the takes were weeks apart (all on one day they were 2 px apart): four takes with the widest
    months keep every label's box clear of the next, and the table heads each take alike."""
    client = live_server.app.test_client()
    takes = [Respondent(client, instrument)]
    takes[0].start(language=language)
    takes[0].complete(answers_for(instrument, THEN))
    for keyed in (NOW, THEN, NOW):
        takes.append(retake(client, takes[-1]))
        takes[-1].complete(answers_for(instrument, keyed))
    with live_server.app.app_context():
        for take, day in zip(takes, (date(2025, 9, 28), date(2025, 11, 30), date(2026, 9, 28))):
            response = Response.by_token(take.token)
            response.completed_at = response.completed_at.replace(year=day.year, month=day.month, day=day.day)
        db.session.commit()
    with browser_page(browser, 375, 740, is_mobile=True, has_touch=True) as page:
        page.goto(f"{live_server.url}{takes[-1].url('/profile')}?lang={language}")
        page.wait_for_selector("[data-chart=change-chart-data][data-rendered=true] .xtick text")
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll(
            '[data-chart=change-chart-data] .xtick text')).map((t) => {
              const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right]; })""")
        page.locator("[data-chart=change-chart-data]").screenshot(
            path=str(Path(os.environ.get("SHOTS_DIR") or tmp_path) / f"history-chart-{language}-375.png"))
        assert len(boxes) == 4
        boxes.sort(key=lambda box: box[1])
        touching = [(a[0], b[0], round(b[1] - a[2], 1)) for a, b in zip(boxes, boxes[1:]) if b[1] - a[2] < 4]
        assert touching == [], f"labels closer than 4 px: {touching}"
        assert all(box[2] <= 375 for box in boxes), boxes
        # a score printed left of the first take stays clear of the axis's numbers ("100100")
        crowded = page.evaluate("""() => {
            const chart = document.querySelector('[data-chart=change-chart-data]');
            const rect = (t) => t.getBoundingClientRect();
            const ticks = Array.from(chart.querySelectorAll('.ytick text')).map(rect);
            return Array.from(chart.querySelectorAll('.scatterlayer .textpoint text')).map((t) => [t.textContent, rect(t)])
              .filter(([, r]) => ticks.some((k) => r.left < k.right + 3 && k.left < r.right && r.top < k.bottom && k.top < r.bottom))
              .map(([text]) => text); }""")
        assert crowded == [], f"scores touching the axis's numbers: {crowded}"
        assert [p for p in layout_problems(page) if "wide" in p] == []
