"""Issue 27 §9: the measurement page with data, on a 375 px phone and at 1280 px, in both
languages: no sideways overflow (it was 720 px wide: tables scroll inside their own region,
the chart's axis title wraps), five plain lines first, the language's number format, flag
names instead of ids and the questions' own texts; axe-core finds nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .support.browser import axe_violations, browser_page, layout_problems
from .support.research import analyse, import_simulated

pytestmark = pytest.mark.browser


def test_the_measurement_page_with_data_fits_a_phone_and_speaks_plainly(live_server, browser, instrument, tmp_path):
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    runner = live_server.app.test_cli_runner()
    import_simulated(runner, instrument, tmp_path, 45, seed=61)
    analyse(runner)
    for width in (375, 1280):
        with browser_page(browser, width, 800) as page:
            for language, short, comma in (("sv", "I korthet", re.compile(r"\b0,\d\d\b")),
                                           ("en", "In short", re.compile(r"\b0\.\d\d\b"))):
                page.goto(f"{live_server.url}/about/measurement?lang={language}")
                page.wait_for_selector(".chart-area[data-rendered=true] svg.main-svg")
                headings = page.locator("main h2, h2").all_inner_texts()
                assert headings[0] == short and len(page.locator(".in-short li").all()) == 5
                reliability = page.locator("#reliability-title ~ .table-scroll table").inner_text()
                assert comma.search(reliability), reliability
                if language == "sv":
                    assert not re.search(r"\b0\.\d\d\b", reliability), "no decimal points in Swedish"
                text = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
                for flag in ("straight_lining", "too_fast", "impression_management_high", "inconsistent"):
                    assert flag not in text
                first_item = instrument.items[0]
                assert first_item.text[language] in text
                assert axe_violations(page) == []
                assert layout_problems(page) == [], (language, width)
                page.screenshot(path=str(shots / f"measurement-{language}-{width}.png"), full_page=True)
