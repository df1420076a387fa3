"""The coach's changed screens in Chromium (issue 28): My workshops (empty, and a
follow-up under its workshop), a follow-up's page with its before/after chart and
tables, the new-workshop form and the presenter in the workshop's language, at
1280 × 720 and 375 px, both languages: nothing wider than the screen, axe-clean."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from pypdf import PdfReader

from services.db import db
from services.models import Response, Retake, Workshop

from .support.browser import axe_violations, browser_page, layout_problems, log_in
from .support.coaches import coach_with_workshop, join_and_complete, make_coach
from .support.forms import csrf_of

pytestmark = pytest.mark.browser




@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_coachs_changed_screens_fit_and_pass_axe(live_server, browser, instrument, language):
    app = live_server.app
    coach = coach_with_workshop(app, instrument, names=[f"Person {k}" for k in range(3)], title="Kickoff",
                                privacy="named", language="sv")
    email, password, client, first_id = coach.email, coach.password, coach.client, coach.workshop_id
    page_html = client.get(f"/coach/workshops/{first_id}").text
    reply = client.post(f"/coach/workshops/{first_id}/follow-up", data={"csrf_token": csrf_of(page_html), "held_on": "2027-01-31"})
    follow_id = int(reply.headers["Location"].rstrip("/").split("/")[-1])
    follow_code = client.get(f"/coach/workshops/{follow_id}/team.json") and None
    with app.app_context():
        follow_code = db.session.get(Workshop, follow_id).join_code
        earlier = db.session.scalars(db.select(Response).where(Response.workshop_id == first_id).order_by(Response.id)).all()
    for k, old in enumerate(earlier):
        person = join_and_complete(app.test_client(), instrument, follow_code, name=old.respondent_name, share=True,
                                   offset=k + 1, language="sv")
        with app.app_context():  # matched as the follow-up's own matching would (owned by the security work)
            new = Response.by_token(person.token)
            db.session.add(Retake(response_id=new.id, previous_id=old.id))
            db.session.commit()
    empty_email, empty_password = make_coach(app, email="new@example.com")

    failures = {}
    for width, height in ((1280, 720), (375, 800)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            log_in(page, live_server.url, email, password, language)
            screens = {
                "my workshops": "/coach/",
                "follow-up with before and after": f"/coach/workshops/{follow_id}",
                "new workshop": "/coach/workshops/new",
                "presenter": f"/coach/workshops/{first_id}/present",
            }
            for name, path in screens.items():
                page.goto(f"{live_server.url}{path}")
                if name == "follow-up with before and after":
                    page.wait_for_selector("[data-chart='before-after-chart-data'][data-rendered=true]", timeout=15000)
                if name == "presenter":
                    assert page.evaluate("document.documentElement.lang") == "sv", "the room's language"
                if problems := layout_problems(page):
                    failures[f"{name} at {width}"] = problems
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    failures[f"{name} at {width}: wider than the screen"] = page.evaluate("document.documentElement.scrollWidth")
                if violations := axe_violations(page):
                    failures[f"{name} at {width}"] = violations
            rows = page.goto(f"{live_server.url}/coach/") and page.locator("tr[data-workshop]")
            assert rows.nth(1).get_attribute("data-follow-up-of") == str(first_id)
            context.clear_cookies()
            log_in(page, live_server.url, empty_email, empty_password, language)
            assert page.locator(".empty-guide ol li").count() == 3
            if violations := axe_violations(page):
                failures[f"empty my workshops at {width}"] = violations
        finally:
            context.close()
    assert failures == {}


def test_a_slow_download_shows_progress_until_the_file_arrives(live_server, browser, instrument):
    coach = coach_with_workshop(live_server.app, instrument, names=["Åsa"], title="Kickoff", privacy="named")
    workshop_id = coach.workshop_id
    with browser_page(browser, 1280, 720, accept_downloads=True) as page:
        log_in(page, live_server.url, coach.email, coach.password)
        # The server is made slow on purpose: two seconds before the file starts.
        page.route("**/team.pdf", lambda route: (time.sleep(2), route.continue_()))
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}")
        # The team PDF goes through the one PDF piece (templates/_downloads.html pdf_link,
        # static/js/downloads.js): its status is the element the link names.
        link = page.locator("a[href$='/team.pdf']")
        status = page.locator("#" + link.get_attribute("data-pdf-status"))
        with page.expect_download(timeout=60000) as download:
            link.click()
            status.locator("progress").wait_for(timeout=5000)
            assert "Preparing your PDF" in status.inner_text()
            assert link.get_attribute("aria-disabled") == "true"  # a second tap does nothing
        assert download.value.suggested_filename.startswith("team-kickoff") and download.value.suggested_filename.endswith(".pdf")
        page.locator("a[href$='/team.pdf']:not([aria-disabled])").wait_for()
        assert status.inner_text().strip() == "Your PDF has been downloaded."
        assert status.locator("progress").count() == 0
        # The coach's edition (static/js/coach_downloads.js): after a second, a bar beside the link.
        page.route("**/coach.pdf", lambda route: (time.sleep(2), route.continue_()))
        edition = page.locator("a[data-coach-edition]").first
        with page.expect_download(timeout=60000) as download:
            edition.click()
            beside = page.locator("a[data-coach-edition] + .download-status").first
            beside.locator("progress").wait_for(timeout=5000)
            assert "Preparing the file" in beside.inner_text() and edition.get_attribute("aria-busy") == "true"
        assert download.value.suggested_filename.startswith("coach-edition-")
        edition.and_(page.locator(":not([aria-busy])")).wait_for()
        assert page.locator("a[data-coach-edition] + .download-status").first.inner_text().strip() == "The file is ready."
        assert axe_violations(page) == []


def test_a_paper_participants_slip_carries_their_link_as_a_qr_code_that_decodes(live_server, browser, instrument, tmp_path):
    assert shutil.which("zbarimg"), "zbar-tools is missing: run scripts/system-deps.sh"
    app = live_server.app
    coach = coach_with_workshop(app, title="Pappersbunten", privacy="named", language="sv")
    email, password, workshop_id = coach.email, coach.password, coach.workshop_id
    failures = {}
    for width, height in ((1280, 720), (375, 800)):
        with browser_page(browser, width, height) as page:
            log_in(page, live_server.url, email, password, "en")
            page.goto(f"{live_server.url}/coach/workshops/{workshop_id}/paper")
            page.fill("#name", "Åsa Öström")
            page.check("#language-0")  # svenska
            page.fill("#answer_string", "".join(str((k % 4) + 1) for k in range(len(instrument.items))))
            page.click("form.keying button[type=submit]")
            slip = page.locator("[data-paper-slip]")
            slip.wait_for()
            link = slip.locator("[data-slip-link]").inner_text().strip()
            assert link.startswith(live_server.url + "/p/")  # the short link to type (issue 28)
            assert slip.get_attribute("lang") == "sv" and "Skanna koden" in slip.inner_text()
            image = tmp_path / f"slip-{width}.png"
            slip.locator(".slip-qr").screenshot(path=str(image))
            decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True)
            assert decoded.stdout.strip() == link
            # The link is the person's: it opens their profile.
            assert coach.client.get(link.replace(live_server.url, "")).status_code == 302
            if problems := layout_problems(page):
                failures[f"paper at {width}"] = problems
            if violations := axe_violations(page):
                failures[f"paper at {width}"] = violations
            # Printed, the page is the slip alone: its link, and none of the keying form.
            page.emulate_media(media="print")
            assert page.locator("[data-print-slip]").is_hidden()
            printed = tmp_path / f"print-{width}.pdf"
            page.pdf(path=str(printed), format="A4")
            text = " ".join(p.extract_text() for p in PdfReader(str(printed)).pages)
            assert "Skanna koden" in text and "Save and key in the next form" not in text and "Key in a paper" not in text
    assert failures == {}
