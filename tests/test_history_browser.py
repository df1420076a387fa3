"""The browser's back and forward match the questionnaire pages (issue 27 §7), in Chromium:
after the in-page "Back", the phone's back gesture went FORWARD (the in-page button added
a history entry for the page before). Now every page is one entry, in order, and the in-page
"Back" still saves what was ticked."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from services.db import db
from services.models import Answer, Response

from .support.answers import varied_answers
from .support.browser import axe_violations, browser_page, layout_problems
from .support.forms import Respondent

pytestmark = pytest.mark.browser


def page_number(page) -> str:
    found = re.search(r"/page/(\d+)(?:\?|$)", page.url)
    return found.group(1) if found else "start"


def at_page(page, number):
    """Wait for page `number` (a page shown again for a missed question has ?missing=1)."""
    page.wait_for_url(re.compile(rf".*/page/{number}(\?.*)?$"))


def tick(page, items, answers):
    for item in items:
        page.check(f"input[name={item.id}][value='{answers[item.id]}']")


def go(page, direction):
    (page.go_back if direction == "back" else page.go_forward)(wait_until="load")
    page.wait_for_selector("#page-form, form.start-form")
    return page_number(page)


@pytest.mark.parametrize("language,width,height", [("sv", 375, 667), ("en", 1280, 800)])
def test_back_and_forward_follow_the_pages_also_after_the_in_page_back(live_server, browser, instrument,
                                                                       language, width, height, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = []
    page.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{live_server.url}/?lang={language}")
        page.click("form.start-form button[type=submit]")
        at_page(page, 1)
        answers = varied_answers(instrument)
        first, second, third = instrument.pages[:3]
        # A missed question on page 1: the page is shown again (one more entry, no resend prompt later)
        tick(page, first[:-1], answers)
        page.click("button[value=next]")
        page.wait_for_selector(".error-summary")
        assert page.locator(".error-summary li").count() == 1, "only the missed question is named"
        page.screenshot(path=str(Path(os.environ.get("SHOTS_DIR") or tmp_path) / f"missed-{language}-{width}.png"))
        assert page.locator(f"input[name={first[0].id}][value='{answers[first[0].id]}']").is_checked()
        assert axe_violations(page) == []
        tick(page, first[-1:], answers)
        page.click("button[value=next]")
        at_page(page, 2)
        tick(page, second, answers)
        page.click("button[value=next]")
        at_page(page, 3)
        tick(page, third[:1], answers)

        # The in-page Back: to page 2, the tick on page 3 saved
        page.click("button[value=back]")
        at_page(page, 2)
        page.wait_for_selector("#page-form")
        token = re.search(r"/response/([^/]+)/page/", page.url).group(1)
        with live_server.app.app_context():
            response = Response.by_token(token)
            saved = {a.item_id for a in db.session.scalars(db.select(Answer).where(Answer.response_id == response.id))}
        assert third[0].id in saved, "the in-page Back saves the page"
        page.screenshot(path=str(tmp_path / f"history-{language}-{width}.png"))

        # Now the browser's buttons: back goes to page 1, forward to 2 and 3 (on today's code back went to 3)
        assert go(page, "back") == "1"
        assert go(page, "forward") == "2"
        assert go(page, "forward") == "3"
        assert page.locator(f"input[name={third[0].id}][value='{answers[third[0].id]}']").is_checked()
        assert go(page, "back") == "2"
        assert go(page, "back") == "1"
        # Page 1 shown again for the missed question took no entry of its own: next back is the start page
        assert go(page, "back") == "start"
        assert problems == [], "no 'resend the form?' prompt on the way"
        assert not page.locator("text=ERR_CACHE_MISS").count()

        # The in-page Back twice in a row, then the browser's back: still in order
        assert go(page, "forward") == "1"
        while page_number(page) != "3":
            page.go_forward(wait_until="load")
        page.wait_for_selector("#page-form")
        page.click("button[value=back]")
        at_page(page, 2)
        page.wait_for_selector("#page-form")
        page.click("button[value=back]")
        at_page(page, 1)
        page.wait_for_selector("#page-form")
        assert go(page, "forward") == "2"
        assert axe_violations(page) == []
        assert layout_problems(page) == []
    finally:
        context.close()


def test_opened_from_the_private_link_the_in_page_back_still_works(live_server, browser, instrument):
    """No earlier page in this tab's history: Back is a plain form again, and lands on the page before."""
    person = Respondent(live_server.app.test_client(), instrument)
    person.start()
    answers = varied_answers(instrument)
    person.answer_page(1, {i.id: answers[i.id] for i in instrument.pages[0]})
    with browser_page(browser, 375, 667) as page:
        page.goto(f"{live_server.url}{person.url('/page/2')}")
        tick(page, instrument.pages[1][:1], answers)
        page.click("button[value=back]")
        at_page(page, 1)
        page.wait_for_selector("#page-form")
        with live_server.app.app_context():
            response = Response.by_token(person.token)
            saved = {a.item_id for a in db.session.scalars(db.select(Answer).where(Answer.response_id == response.id))}
        assert instrument.pages[1][0].id in saved
