"""Every screen issue 27's last part changed, in Chromium at 375 and 1280 px in Swedish and
English: no axe-core violations, no sideways overflow or broken words (support.layout_problems).
Screenshots go to $SHOTS_DIR when set (to look at), else to the test's tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .support.answers import varied_answers
from .support.browser import axe_violations, layout_problems
from .support.followup import make_plan
from .support.forms import Respondent

pytestmark = pytest.mark.browser
PUBLIC = "https://tripwire.example.org"


@pytest.mark.parametrize("language,width", [("sv", 375), ("en", 375), ("sv", 1280), ("en", 1280)])
def test_changed_screens_pass_axe_and_fit(mail_app, inbox, live_server, browser, instrument, language, width, tmp_path):
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    seen = []

    def check(name):
        page.wait_for_load_state("load")
        assert axe_violations(page) == [], name
        assert layout_problems(page) == [], name
        page.screenshot(path=str(shots / f"{name}-{language}-{width}.png"), full_page=True)
        seen.append(name)

    try:
        # Page 1 with the private link opened: copy, share (hidden without navigator.share), e-mail me my link
        page.goto(f"{live_server.url}/?lang={language}")
        page.click("form.start-form button[type=submit]")
        page.wait_for_url("**/page/1")
        page.click(".resume-box summary")
        assert page.locator(".resume-box .mail-link a").is_visible()
        check("page1-link")
        # E-mail me my link: the empty form's error, then the confirmation sent
        page.click(".resume-box .mail-link a")
        page.wait_for_url("**/email-link")
        check("email-link")
        page.click("form button[type=submit]")
        page.wait_for_selector(".error-summary")
        check("email-link-error")
        page.fill("input[type=email]", "karin@example.org")
        page.click("form button[type=submit]")
        page.wait_for_selector(".notice-success")
        check("email-link-sent")
        link = next(line.strip() for line in inbox.messages[-1].get_body(("plain",)).get_content().splitlines()
                    if "/link-mail/confirm/" in line)
        page.goto(live_server.url + link.removeprefix(PUBLIC))
        check("link-mail-confirm")
        page.click("form button[type=submit]")
        page.wait_for_selector("h1")
        check("link-mail-sent")
        token = inbox.messages[-1].get_body(("plain",)).get_content().split("/response/")[1].split()[0]
        page.goto(f"{live_server.url}/response/{token}/later?lang={language}")
        check("later")

        # The profile with a plan: "Add to Google / Outlook" beside the .ics
        client = live_server.app.test_client()
        person = Respondent(client, instrument)
        person.start(language=language, name="Karin")
        person.complete(varied_answers(instrument))
        assert make_plan(person, follow_up="30").status_code == 302
        page.goto(f"{live_server.url}{person.url('/profile')}?lang={language}")
        page.locator("#web-calendars").scroll_into_view_if_needed()
        assert page.locator("#web-calendars a").count() == 3
        check("profile-calendar")
        page.locator("#web-calendars").screenshot(path=str(shots / f"profile-calendar-part-{language}-{width}.png"))
    finally:
        context.close()
    assert len(seen) == 8
