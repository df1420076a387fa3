"""PDF downloads that cannot go wrong (issue 27 §1), in Chromium: a PDF link
saves a PDF or nothing, never the "being prepared" page; the page says at once
that the PDF is on its way, and the file arrives without another tap."""

import fcntl
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .support.browser import axe_violations, browser_page, layout_problems, log_in
from .support.coaches import coach_with_workshop, completed_person

pytestmark = pytest.mark.browser

PDF_TIMEOUT_MS = 240_000  # three renders one after the other on a shared 2-core machine


def _saved_bytes(download) -> bytes:
    return Path(download.path()).read_bytes()


@pytest.mark.parametrize("width,language", [(375, "sv"), (1280, "en")])
def test_three_people_tapping_download_at_once_each_save_a_real_pdf(live_server, browser, instrument, width, language):
    # One render slot (the default): two of the three wait on the server's 202 "being prepared".
    people = [completed_person(live_server.app, instrument, language=language, offset=offset) for offset in range(3)]
    contexts, pages, downloads = [], [], {}
    try:
        for n, person in enumerate(people):
            context = browser.new_context(viewport={"width": width, "height": 667 if width == 375 else 800},
                                          accept_downloads=True)
            page = context.new_page()
            page.on("download", lambda d, n=n: downloads.setdefault(n, []).append(d))
            page.goto(live_server.url + person.url(f"/profile?lang={language}"))
            contexts.append(context)
            pages.append(page)
        shown = []
        for page in pages:
            page.click("a#pdf-top", no_wait_after=True)
            page.click("a#pdf-top", no_wait_after=True, force=True)  # an impatient second tap starts nothing more
            # At once, in the same task as the tap: the PDF is on its way, with a progress bar.
            shown.append(page.evaluate("""() => { const s = document.querySelector('#pdf-top-status');
                return [s.textContent, Boolean(s.querySelector('progress'))]; }"""))
        preparing = "Förbereder din PDF" if language == "sv" else "Preparing your PDF"
        assert all(text.startswith(preparing) and bar for text, bar in shown), shown
        for n, page in enumerate(pages):
            expect(page.locator("#pdf-top-status")).to_have_class("pdf-status pdf-done", timeout=PDF_TIMEOUT_MS)
        pages[-1].wait_for_timeout(1500)  # a stray second download would have arrived by now
        assert sorted(downloads) == [0, 1, 2]
        for n, saved in downloads.items():
            assert len(saved) == 1, f"person {n} got {len(saved)} files"
            data = _saved_bytes(saved[0])
            assert data.startswith(b"%PDF-"), f"person {n} saved {data[:60]!r} as {saved[0].suggested_filename}"
            assert saved[0].suggested_filename.endswith(".pdf")
        assert axe_violations(pages[0]) == []
        assert layout_problems(pages[0]) == []
    finally:
        for context in contexts:
            context.close()


def test_the_being_prepared_page_fetches_the_pdf_by_itself(live_server, browser, instrument):
    """Opened directly (a new tab, a shared link) while another PDF holds the render slot."""
    person = completed_person(live_server.app, instrument, language="en")
    slot = Path(live_server.app.instance_path) / "render-slots" / ".render-slot-0"
    slot.parent.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 667}, accept_downloads=True)
    page = context.new_page()
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    try:
        with open(slot, "a") as busy:
            fcntl.flock(busy, fcntl.LOCK_EX)  # another process is rendering
            page.goto(live_server.url + person.url("/profile.pdf"))
            expect(page.locator("h1")).to_have_text("We're preparing your PDF")
            expect(page.locator("[data-pdf-poll] progress")).to_be_visible()
            assert axe_violations(page) == []
            assert layout_problems(page) == []
            page.wait_for_timeout(2500)
            assert downloads == [], "nothing is saved while the PDF is being made"
            fcntl.flock(busy, fcntl.LOCK_UN)
        expect(page.locator("[data-pdf-poll]")).to_have_text("Your PDF has been downloaded.", timeout=PDF_TIMEOUT_MS)
        assert len(downloads) == 1 and _saved_bytes(downloads[0]).startswith(b"%PDF-")
    finally:
        context.close()


def test_a_coachs_team_pdf_shows_progress_and_saves_a_pdf(live_server, browser, instrument):
    coach = coach_with_workshop(live_server.app, instrument, names=("P0", "P1", "P2"), privacy="named", language="sv")
    with browser_page(browser, 375, 667, accept_downloads=True) as page:
        log_in(page, live_server.url, coach.email, coach.password, "sv")
        page.goto(f"{live_server.url}/coach/workshops/{coach.workshop_id}")
        with page.expect_download(timeout=PDF_TIMEOUT_MS) as info:
            page.click("a#team-pdf", no_wait_after=True)
            expect(page.locator("#team-pdf-status")).to_contain_text("Förbereder din PDF", timeout=2000)
        assert _saved_bytes(info.value).startswith(b"%PDF-")
        expect(page.locator("#team-pdf-status")).to_have_text("Din PDF har laddats ned.")
