"""The coach's live team view in Chromium, as a coach meets it: the page is open before
anyone has shared, and the profiles arrive by the live update, without a reload.

- The grid had only "Name | PDF" headings (the template wrote the scale headings only once
  someone had shared, and team.js adds cells, never headings): the first row's score stood
  under "PDF" and no scale was named until a reload.
- A median of 62.5 read 62 in the chart (the server, half to even) and 63 in the table after
  a live update (JavaScript's Math.round); on the slides the same. One rule now: half up,
  rounded once by the server (assessment.team.shown_median)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.db import db
from services.models import Response, Retake, Workshop

from .support.answers import answers_with_score, scores_with_median
from .support.browser import browser_page, log_in
from .support.coaches import (
    coach_with_workshop,
    create_workshop,
    join_and_complete,
    login,
    make_coach,
)
from .support.forms import csrf_of

pytestmark = pytest.mark.browser

SCALE = "postponing_contact"
SHOTS = Path("/tmp/coachlive")


def share(app, instrument, code, name, answers):
    person = join_and_complete(app.test_client(), instrument, code, name=name, share=True, complete=False, language="sv")
    person.complete(answers)


def headings(page):
    return page.eval_on_selector_all(
        "[data-grid] thead th", "els => els.map((th) => [th.textContent.trim(), th.getAttribute('scope'), th.dataset.column || null])")


def misplaced_cells(page):
    """Cells of the grid's rows that are not under their own heading: by position on the screen
    and by the table's own column (cellIndex), each [row, cell text, heading text]."""
    return page.evaluate("""() => {
        const grid = document.querySelector('[data-grid]');
        const heads = Array.from(grid.tHead.rows[0].cells);
        const wrong = [];
        Array.from(grid.tBodies[0].rows).forEach((tr) => Array.from(tr.cells).forEach((cell, i) => {
            const head = heads[cell.cellIndex], box = cell.getBoundingClientRect(), top = head && head.getBoundingClientRect();
            const middle = box.left + box.width / 2;
            if (!head || heads.length !== tr.cells.length || middle < top.left || middle > top.right)
                wrong.push([tr.cells[0].textContent, cell.textContent.trim(), head ? head.textContent.trim() : null]);
        }));
        return wrong; }""")


def chart_medians(page, selector):
    """{scale name: the median in the drawn chart's label}."""
    labels = page.eval_on_selector_all(f"{selector} .annotation-text", "els => els.map((e) => e.textContent)")
    return {m.group(1).strip(): int(m.group(2)) for m in (re.match(r"(.*?)\s*·\s*median (\d+)$", t) for t in labels) if m}


def test_rows_arriving_live_sit_under_named_headings_and_medians_agree(live_server, browser, instrument):
    app = live_server.app
    SHOTS.mkdir(exist_ok=True)
    email, password = make_coach(app)
    client = app.test_client()
    login(client, email, password)
    workshop_id, code = create_workshop(client, title="Säljteamet Syd", privacy="named", language="sv")
    names = [s.name["sv"] for s in instrument.scales_of_kind("behaviour", "driver")]
    ids = [s.id for s in instrument.scales_of_kind("behaviour", "driver")]
    low, high = scores_with_median(instrument, SCALE, 62.5)

    with browser_page(browser, 1280, 900) as page:
        log_in(page, live_server.url, email, password, "sv")
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}")
        page.evaluate("window.__notReloaded = true")
        expected = [["Namn", "col", None], *([n, "col", i] for n, i in zip(names, ids)), ["PDF", "col", None]]
        assert headings(page) == expected, "every column is named before anyone has shared"

        share(app, instrument, code, "Karin Ek", answers_with_score(instrument, SCALE, high, 0))
        page.wait_for_selector("[data-grid] tbody tr >> text=Karin Ek", timeout=15000)
        assert headings(page) == expected
        assert misplaced_cells(page) == []
        team = client.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
        scores = {k: v["score"] for k, v in team["grid"][0]["scores"].items()}
        row = page.eval_on_selector_all(
            "[data-grid] tbody tr:first-child td.cell", "els => els.map((td) => Number(td.dataset.value))")
        assert row == [scores[i] for i in ids], "each score under its own scale's heading"
        page.locator("[data-grid]").screenshot(path=str(SHOTS / "grid_after_first_share_1280.png"))

        share(app, instrument, code, "Per Ek", answers_with_score(instrument, SCALE, low, 1))
        page.wait_for_selector("[data-grid] tbody tr >> text=Per Ek", timeout=15000)
        assert misplaced_cells(page) == []
        median_cell = page.locator(f'[data-medians] tr[data-scale="{SCALE}"] [data-median]')
        expect(median_cell).to_have_text("63", timeout=15000)  # 62.5, half up
        page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-chart-figure] .annotation-text'))
            .some((e) => /median/.test(e.textContent))""", timeout=15000)
        page.wait_for_function("(stamp) => Number(document.getElementById('team').dataset.updated) > stamp",
                               arg=page.evaluate("Date.now()"), timeout=15000)
        drawn = chart_medians(page, "[data-chart-figure]")
        table = dict(page.eval_on_selector_all(
            "[data-medians] tbody tr", "els => els.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('[data-median]').textContent])"))
        assert drawn and {name: str(m) for name, m in drawn.items()} == {n: table[n] for n in drawn}, (drawn, table)
        assert drawn[names[ids.index(SCALE)]] == 63
        assert page.evaluate("window.__notReloaded") is True, "updated in place"
        page.screenshot(path=str(SHOTS / "coach_live_1280.png"), full_page=True)

        # The presenter: the team slide's chart and the scale's slide say the same median.
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}/present")
        page.keyboard.press("ArrowRight")
        page.wait_for_selector('[data-slide="team"] .chart-area[data-rendered=true]', timeout=15000)
        assert chart_medians(page, '[data-slide="team"]')[names[ids.index(SCALE)]] == 63
        page.screenshot(path=str(SHOTS / "present_team_1280.png"))
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.getElementById('deck').dataset.current") == f"scale-{SCALE}"
        expect(page.locator(f'[data-slide="scale-{SCALE}"] [data-median]')).to_have_text("63", timeout=15000)
        page.screenshot(path=str(SHOTS / "present_scale_1280.png"))

    with browser_page(browser, 375, 800, is_mobile=True) as page:
        log_in(page, live_server.url, email, password, "sv")
        page.goto(f"{live_server.url}/coach/workshops/{workshop_id}")
        page.wait_for_selector("[data-chart-figure] .chart-area[data-rendered=true]", timeout=15000)
        page.screenshot(path=str(SHOTS / "coach_live_375.png"), full_page=True)


def a_follow_up_with_people(app, instrument):
    """A named workshop in Swedish, its follow-up session, and three people in both who shared
    both times (matched as the follow-up's own matching would)."""
    coach = coach_with_workshop(app, instrument, names=["Karin Ek", "Per Holm", "Åsa Öström"], title="Säljteamet Syd",
                                privacy="named", language="sv")
    page_html = coach.client.get(f"/coach/workshops/{coach.workshop_id}").text
    reply = coach.client.post(f"/coach/workshops/{coach.workshop_id}/follow-up",
                              data={"csrf_token": csrf_of(page_html), "held_on": "2027-01-31"})
    follow_id = int(reply.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        follow_code = db.session.get(Workshop, follow_id).join_code
        earlier = [(r.id, r.respondent_name) for r in db.session.scalars(
            db.select(Response).where(Response.workshop_id == coach.workshop_id).order_by(Response.id))]
    for k, (old_id, name) in enumerate(earlier):
        person = join_and_complete(app.test_client(), instrument, follow_code, name=name, share=True, offset=k + 1,
                                   language="sv")
        with app.app_context():
            db.session.add(Retake(response_id=Response.by_token(person.token).id, previous_id=old_id))
            db.session.commit()
    return coach, follow_id


def test_the_per_person_table_fits_and_a_cut_table_shows_it_scrolls(live_server, browser, instrument):
    """At 1280 px the follow-up's "Per person" table ran out of its card ("Rädsla att verka påt…")
    in a scroll box with nothing to show it scrolled: its headings now wrap so that it fits, and a
    table that still has to scroll (the grid on a phone) fades out at the cut edge."""
    SHOTS.mkdir(exist_ok=True)
    coach, follow_id = a_follow_up_with_people(live_server.app, instrument)
    for width in (1280, 375):
        with browser_page(browser, width, 900) as page:
            log_in(page, live_server.url, coach.email, coach.password, "sv")
            page.goto(f"{live_server.url}/coach/workshops/{follow_id}")
            box = page.locator("table.people-change").locator("xpath=..")
            box.scroll_into_view_if_needed()
            fit = page.evaluate("""() => { const b = document.querySelector('table.people-change').parentElement;
                const right = b.getBoundingClientRect().right;
                return {box: b.clientWidth, table: b.scrollWidth, more: b.dataset.more || null,
                        cut: Array.from(b.querySelectorAll('thead th, tbody td')).filter((c) => c.getClientRects().length
                             && c.getBoundingClientRect().right > right + 0.5).map((c) => c.textContent.trim())}; }""")
            assert fit["table"] <= fit["box"] and fit["cut"] == [] and fit["more"] is None, (width, fit)
            box.screenshot(path=str(SHOTS / f"per_person_{width}.png"))

            grid = page.locator("[data-grid]").locator("xpath=..")
            grid.scroll_into_view_if_needed()
            scrolls = page.evaluate("(b) => b.scrollWidth > b.clientWidth", grid.element_handle())
            mask = lambda: page.evaluate("(b) => [b.dataset.more || null, getComputedStyle(b).maskImage]", grid.element_handle())  # noqa: E731
            if not scrolls:
                assert mask() == [None, "none"], "a table that fits does not fade"
                continue
            more, image = mask()
            assert more == "right" and "gradient" in image, (width, more, image)
            grid.screenshot(path=str(SHOTS / f"grid_cut_{width}.png"))
            grid.evaluate("(b) => { b.scrollLeft = b.scrollWidth; }")
            page.wait_for_function("(b) => b.dataset.more === 'left'", arg=grid.element_handle(), timeout=5000)
            grid.screenshot(path=str(SHOTS / f"grid_scrolled_{width}.png"))
    assert scrolls, "at 375 px the grid of four scales scrolls: the fade is checked there"
