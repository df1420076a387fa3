"""Regenerate the README screenshots: `.venv/bin/python scripts/readme_screenshots.py`.
Serves the app on a free port with a throwaway database, takes the test in
Swedish through the test client, and photographs the pages in Chromium."""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from tests.conftest import Respondent  # noqa: E402
from tests.helpers import varied_answers  # noqa: E402


def main() -> None:
    work = Path(tempfile.mkdtemp())
    app = create_app({"SECRET_KEY": "screens", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'db.sqlite'}",
                      "REPORT_CACHE_DIR": str(work / "cache")})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    instrument = app.extensions["instrument_bank"].current
    person = Respondent(app.test_client(), instrument)
    person.start(name="Åsa Öström", language="sv")
    answers = varied_answers(instrument, 1)
    answers.update(wc1=5, wc2=4, wc3=5, wc4=4, wc5=4, wc6=3, wc7=5, fp2=4, fp3=4)
    person.complete(answers)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--disable-gpu"])
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.goto(url + person.url("/profile") + "?lang=sv")
        page.wait_for_selector(".chart-area[data-rendered=true]")
        page.screenshot(path=str(ROOT / "docs" / "profile.png"), clip={"x": 0, "y": 0, "width": 1000, "height": 1400})
        page.goto(url + person.url("/page/2") + "?lang=sv")
        page.screenshot(path=str(ROOT / "docs" / "questionnaire.png"))
        browser.close()
    server.shutdown()
    print("wrote docs/profile.png and docs/questionnaire.png")


if __name__ == "__main__":
    main()
