"""Password reset in Chromium (issue 28): from the login page's link to a new password
and a login with it, through the mail's link, in both languages, at 1280 × 720 and
375 px: nothing wider than the screen, axe-clean on every page."""

from __future__ import annotations

import os
import re

import pytest
from aiosmtpd.controller import Controller

from .support.browser import axe_violations, layout_problems
from .support.coaches import make_coach
from .support.mail import NEW_PASSWORD, Inbox, wait_for_mail
from .support.run_services import free_port

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_coach_resets_the_password_through_the_mailed_link(live_server, browser, language):
    app = live_server.app
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none",
                      MAIL_FROM="konton@example.org", PUBLIC_URL=live_server.url)
    email, _old = make_coach(app)
    words = {"sv": ("Glömt lösenordet?", "Titta i din e-post", "Ditt lösenord är ändrat"),
             "en": ("Forgot your password?", "Check your e-mail", "Your password has been changed")}[language]
    problems = {}
    try:
        for width, height in ((1280, 720), (375, 800)):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()

            def look(name):
                problems.update({f"{name} {width}: {p}": True for p in layout_problems(page)})
                problems.update({f"{name} {width}: {v}": True for v in axe_violations(page)})
                if SHOTS:
                    page.screenshot(path=f"{SHOTS}/reset-{name}-{language}-{width}.png", full_page=True)

            try:
                page.goto(f"{live_server.url}/coach/login?lang={language}")
                look("login")
                page.get_by_role("link", name=words[0]).click()
                page.wait_for_url("**/coach/password/forgot")
                look("forgot")
                page.fill("#email", email)
                page.click("form.card button[type=submit]")
                page.get_by_role("heading", name=words[1]).wait_for()
                look("sent")
                message = wait_for_mail(inbox, 2 if width == 375 else 1)  # one mail per pass
                link = re.search(r"(http://\S+/coach/password/reset/\S+)", message.get_body(("plain",)).get_content()).group(1)
                assert link.startswith(live_server.url)  # built from PUBLIC_URL
                page.goto(link)
                look("reset")
                # The rule is there before anything is typed.
                assert page.locator("#new-hint").is_visible() and "12" in page.locator("#new-hint").inner_text()
                page.fill("#new", "short")
                page.fill("#confirm", "short")
                page.click("form.card button[type=submit]")
                page.locator(".error-message").first.wait_for()
                look("reset-error")
                password = f"{NEW_PASSWORD} {width}"
                page.fill("#new", password)
                page.fill("#confirm", password)
                page.click("form.card button[type=submit]")
                page.wait_for_url("**/coach/login")
                assert words[2] in page.content()
                page.fill("#email", email)
                page.fill("#password", password)
                page.click("form.card button[type=submit]")
                page.wait_for_url("**/coach/")
                page.goto(link)  # used once
                assert page.locator("h1").inner_text() in ("Den här länken fungerar inte längre", "This link doesn't work any more")
                look("used")
            finally:
                context.close()
    finally:
        controller.stop()
    assert problems == {}
