"""Regenerate the README screenshots: `.venv/bin/python scripts/readme_screenshots.py`.
Serves the app on a free port with a throwaway database, takes the test in
Swedish through the test client, runs a small named workshop, and photographs
the pages in Chromium. `--review DIR` also writes every main page at 375 and
1280 px in Swedish and English into DIR, for looking at them."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo, when run as a script

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

from app import create_app
from cli.database import enable_migrations
from tests.support.answers import varied_answers
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.coaches import create_workshop, join_and_complete, login, make_coach
from tests.support.forms import Respondent
from tests.support.live import LiveServer

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    work = Path(tempfile.mkdtemp())
    app = create_app({"SECRET_KEY": "screens", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'db.sqlite'}",
                      "REPORT_CACHE_DIR": str(work / "cache")})
    enable_migrations(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    instrument = app.extensions["instrument_bank"].current
    person = Respondent(app.test_client(), instrument)
    person.start(name="Åsa Öström", language="sv")
    answers = varied_answers(instrument, 1)
    answers.update(wc1=5, wc2=4, wc3=5, wc4=4, wc5=4, wc6=3, wc7=5, fp2=4, fp3=4)
    person.complete(answers)
    started = Respondent(app.test_client(), instrument)  # a completed response shows its profile, not its pages
    started.start(name="Bo", language="sv")
    email, password = make_coach(app)
    coach = app.test_client()
    login(coach, email, password)
    workshop_id, code = create_workshop(coach, title="Säljkickoff Öst", privacy="named", language="sv")
    for n, name in enumerate(["Åsa Öström", "Bo Ek", "Cecilia Lind", "David Berg", "Eva Ström", "Filip Ahl"]):
        join_and_complete(app.test_client(), instrument, code, name=name, share=True, offset=n, language="sv")
    join_and_complete(app.test_client(), instrument, code, name="Gustav", complete=False, language="sv")
    server = LiveServer(app).__enter__()
    url = server.url
    review = Path(sys.argv[sys.argv.index("--review") + 1]) if "--review" in sys.argv else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.goto(url + person.url("/profile") + "?lang=sv")
        page.wait_for_selector(".chart-area[data-rendered=true]")
        page.screenshot(path=str(ROOT / "docs" / "profile.png"), clip={"x": 0, "y": 0, "width": 1000, "height": 1400})
        page.goto(url + started.url("/page/2") + "?lang=sv")
        page.screenshot(path=str(ROOT / "docs" / "questionnaire.png"))
        coach_page = browser.new_page(viewport={"width": 1280, "height": 720})
        coach_page.goto(url + "/coach/login?lang=sv")
        coach_page.fill("#email", email)
        coach_page.fill("#password", password)
        coach_page.click("form.card button[type=submit]")
        coach_page.wait_for_url("**/coach/")
        coach_page.goto(f"{url}/coach/workshops/{workshop_id}/present")
        coach_page.wait_for_function("document.getElementById('deck').dataset.updated")
        coach_page.screenshot(path=str(ROOT / "docs" / "presenter.png"))
        coach_page.keyboard.press("ArrowRight")
        coach_page.wait_for_selector('[data-slide="team"] .chart-area[data-rendered=true]')
        coach_page.screenshot(path=str(ROOT / "docs" / "presenter-team.png"))
        if review:
            _review(browser, url, person, coach_page, workshop_id, review)
        browser.close()
    server.__exit__()
    print("wrote docs/profile.png, docs/questionnaire.png, docs/presenter.png and docs/presenter-team.png")


def _review(browser, url, person, coach_page, workshop_id, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    cookies = coach_page.context.cookies()
    pages = {"start": "/", "profile": person.url("/profile"), "privacy": "/privacy", "join": "/join",
             "workshops": "/coach/", "workshop": f"/coach/workshops/{workshop_id}",
             "paper": f"/coach/workshops/{workshop_id}/paper", "present": f"/coach/workshops/{workshop_id}/present"}
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.add_cookies(cookies)
        page = context.new_page()
        for language in person.instrument.languages:
            for name, path in pages.items():
                page.goto(f"{url}{path}?lang={language}")
                if page.locator(".chart-area").count():
                    page.wait_for_timeout(800)
                page.screenshot(path=str(folder / f"{name}-{width}-{language}.png"), full_page=name != "present")
        context.close()


if __name__ == "__main__":
    main()
