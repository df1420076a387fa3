"""Defects a first-time user hit, each checked in Chromium: Enter on a
questionnaire page, pages at 375 px in both languages, the coach's team view
on a laptop, the private link notice, the favicon."""

import re

import pytest
from playwright.sync_api import expect

from .support.answers import varied_answers
from .support.browser import (
    axe_violations,
    browser_page,
    layout_problems,
    log_in,
    plot_area_width,
)
from .support.coaches import coach_with_workshop, completed_person

pytestmark = pytest.mark.browser


def start_in(page, url, language):
    page.goto(f"{url}/?lang={language}")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/page/1")


def test_enter_on_a_questionnaire_page_means_next(live_server, page, instrument):
    start_in(page, live_server.url, "en")
    answers = varied_answers(instrument)
    first = instrument.pages[0]
    for item in first:
        page.check(f"input[name={item.id}][value='{answers[item.id]}']")
    page.focus(f"input[name={first[-1].id}]:checked")
    page.keyboard.press("Enter")
    page.wait_for_url("**/page/2")
    assert page.locator("html").get_attribute("lang") == "en"
    # A page with a blank: Enter still means Next, and the page says what is missing, in English.
    page.check(f"input[name={instrument.pages[1][0].id}][value='3']")
    page.focus(f"input[name={instrument.pages[1][0].id}]:checked")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/page/2" in page.url


def test_private_link_notice_stays_when_page_one_has_errors_and_can_be_copied(live_server, browser, instrument):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        start_in(page, live_server.url, "sv")
        link = page.locator(".resume-box .link-field").input_value()
        assert "/response/" in link
        page.click("button[value=next]")  # nothing ticked
        page.wait_for_selector(".error-summary")
        assert page.locator(".resume-box .link-field").input_value() == link, "the one-time notice is kept"
        page.click(".resume-box summary")  # one short line opens it (issue 27 §2)
        assert layout_problems(page) == []
        field = page.locator(".resume-box .link-field")
        box, card = field.bounding_box(), page.locator(".resume-box").bounding_box()
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 1
        assert page.evaluate("(f) => f.scrollWidth <= f.clientWidth + 1 && f.scrollHeight <= f.clientHeight + 1",
                             field.element_handle()), "the whole link is visible"
        page.click(".resume-box [data-copy]")
        expect(page.locator(".resume-box [data-copied]")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == link
    finally:
        context.close()


def test_download_pdf_is_near_the_top_of_the_profile(live_server, browser, instrument):
    done = completed_person(live_server.app, instrument, name="Karin", language="en")
    with browser_page(browser, 375, 740, is_mobile=True) as page:
        page.goto(live_server.url + done.url("/profile"))
        top = page.locator("a#pdf-top")
        assert top.get_attribute("href").endswith("/profile.pdf")
        assert top.bounding_box()["y"] + top.bounding_box()["height"] <= 740, "visible without scrolling"


def test_favicon_and_heading_below_the_header(live_server, page):
    reply = page.request.get(live_server.url + "/favicon.ico")
    assert reply.status == 200 and reply.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    page.goto(live_server.url + "/?lang=en")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_server.url + icon).status == 200
    gap = page.evaluate("""() => document.querySelector('main h1').getBoundingClientRect().top
                                 - document.querySelector('.site-header').getBoundingClientRect().bottom""")
    assert gap >= 16, f"the heading sits {gap}px below the header"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_phone_375_nothing_clipped_or_broken_mid_word(live_server, browser, instrument, language):
    done = completed_person(live_server.app, instrument, name="Karin", language=language)
    coach = coach_with_workshop(live_server.app, instrument, names=("Åsa Öström", "Bo", "Cecilia Lind"),
                                title="Säljteamet Öst", privacy="named", language=language)

    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    failures = {}
    try:
        for name, path in {
            "start": "/", "page 1": None, "profile": done.url("/profile"), "privacy": "/privacy", "join": "/join",
        }.items():
            if path is None:
                start_in(page, live_server.url, language)
            else:
                page.goto(f"{live_server.url}{path}?lang={language}")
            if name == "profile":
                page.wait_for_selector(".chart-area[data-rendered=true]")
                plot, chart = plot_area_width(page)
                assert plot >= 0.75 * chart, f"profile plot area {plot}px of {chart}px"
            if problems := layout_problems(page):
                failures[name] = problems
        log_in(page, live_server.url, coach.email, coach.password, language)
        if problems := layout_problems(page):
            failures["workshops"] = problems
        page.goto(f"{live_server.url}/coach/workshops/{coach.workshop_id}?lang={language}")
        page.wait_for_selector("[data-chart-figure] .chart-area[data-rendered=true]")
        plot, chart = plot_area_width(page, "[data-chart-figure] .chart-area")
        assert plot >= 0.75 * chart, f"team plot area {plot}px of {chart}px"
        if problems := layout_problems(page):
            failures["team view"] = problems
    finally:
        context.close()
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())


def _team_page(live_server, browser, instrument, *, participants, language="en", width=1280):
    coach = coach_with_workshop(live_server.app, instrument, names=[f"Deltagare {n + 1}" for n in range(participants)],
                                title="Laptop", privacy="named", language=language)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    log_in(page, live_server.url, coach.email, coach.password, language)
    page.goto(f"{live_server.url}/coach/workshops/{coach.workshop_id}")
    return context, page


def test_team_view_on_a_laptop(live_server, browser, instrument):
    context, page = _team_page(live_server, browser, instrument, participants=2, language="sv")
    try:
        page.wait_for_selector("[data-chart-figure] .chart-area[data-rendered=true]")
        assert layout_problems(page) == []
        ticks = page.eval_on_selector_all("[data-chart-figure] .xtick text", "els => els.map((e) => e.textContent)")
        assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks), f"people axis ticks: {ticks}"
        # The legend reads in the order the bars are stacked: low, moderate, high.
        legend = page.eval_on_selector_all("[data-chart-figure] .legend .traces text", "els => els.map((e) => e.textContent)")
        assert legend == ["Låg", "Måttlig", "Hög"], legend
        xs = page.evaluate("""() => Array.from(document.querySelectorAll('[data-chart-figure] .legend .traces'))
                                    .map((t) => t.getBoundingClientRect().left)""")
        assert xs == sorted(xs)
        widths = page.evaluate("""() => Array.from(document.querySelectorAll('[data-grid] thead th'))
                                        .map((th) => th.getBoundingClientRect().width)""")
        assert min(widths) >= 40, widths
        # An interval is one unit: "(53–76)" never breaks after the dash.
        broken = page.evaluate("""() => Array.from(document.querySelectorAll('[data-grid] td.cell small'))
                                        .filter((s) => s.getClientRects().length > 1).map((s) => s.textContent)""")
        assert broken == [], f"intervals broken over two lines: {broken}"
    finally:
        context.close()


def test_empty_workshop_shows_an_empty_state_not_an_empty_chart(live_server, browser, instrument):
    context, page = _team_page(live_server, browser, instrument, participants=0)
    try:
        assert page.locator("[data-empty-state]").is_visible()
        assert not page.locator("[data-chart-figure]").is_visible()
        assert axe_violations(page) == []
    finally:
        context.close()


def test_profile_chart_keeps_its_height_and_whole_axis_when_the_window_is_resized(live_server, browser, instrument):
    """A phone turned or a window resized re-lays the chart out: it must keep
    its rows' height and not spill over the table below it."""
    done = completed_person(live_server.app, instrument, name="Karin", language="sv")
    with browser_page(browser, 1280, 800) as page:
        page.goto(live_server.url + done.url("/profile"))
        page.wait_for_selector(".chart-area[data-rendered=true]")
        drawn = page.evaluate("() => document.querySelector('.chart-area svg.main-svg').getBoundingClientRect().height")
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(600)  # plotly's resize handler is debounced
            area, svg, below = page.evaluate("""() => {
                const area = document.querySelector('.chart-area');
                const next = area.closest('figure').nextElementSibling;
                return [area.getBoundingClientRect().bottom,
                        area.querySelector('svg.main-svg').getBoundingClientRect(),
                        next.getBoundingClientRect().top]; }""")
            assert svg["height"] == drawn, f"at {width}px the chart is {svg['height']}px high, drawn {drawn}px"
            assert svg["bottom"] <= area + 1 and area <= below, f"at {width}px the chart spills over the table"
            # plotly hides a tick label that would stick out of the figure: the axis must reach 100.
            shown = page.eval_on_selector_all(
                ".chart-area .xtick text", "els => els.filter((e) => e.getBoundingClientRect().width > 0).map((e) => e.textContent)")
            assert shown == ["0", "25", "50", "75", "100"], f"at {width}px the score axis shows {shown}"


def test_plan_page_select_looks_like_the_fields_beside_it(live_server, browser, instrument):
    """The plan's "Behaviour" list was the browser's small unstyled select
    between full-size text fields."""
    done = completed_person(live_server.app, instrument, name="Karin", language="sv")
    with browser_page(browser, 375, 800, is_mobile=True) as page:
        page.goto(live_server.url + done.url("/plan"))
        select, field = page.evaluate("""() => [document.querySelector('main select'), document.querySelector('main input[type=text]')]
            .map((e) => { const s = getComputedStyle(e); return [s.fontSize, s.borderTopWidth, e.getBoundingClientRect().height]; })""")
        assert select[:2] == field[:2], f"select {select}, text field {field}"
        assert select[2] >= field[2] - 4, f"select {select[2]}px high beside a {field[2]}px field"
        assert layout_problems(page) == []


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("width", [375, 1280])
def test_footer_separators_never_start_a_line_and_links_never_break(live_server, page, width, language):
    """A footer line began with "· För coacher": each dot stays with the link before it.
    "For coaches" broke after "For" at 1280 px: a link is never split over two lines."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + f"/?lang={language}")
    broken = page.evaluate("""() => [...document.querySelectorAll('.site-footer a')]
        .filter(a => a.getClientRects().length > 1).map(a => a.textContent)""")
    assert broken == [], f"footer links split over two lines: {broken}"
    starts = page.evaluate("""() => {
        const p = document.querySelector('.site-footer p'); const left = p.getBoundingClientRect().left;
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT); const range = document.createRange(); const found = [];
        while (walker.nextNode()) { const n = walker.currentNode; let i = -1;
          while ((i = n.data.indexOf('·', i + 1)) >= 0) { range.setStart(n, i); range.setEnd(n, i + 1);
            if (range.getBoundingClientRect().left - left < 2) found.push(n.data.trim()); } }
        return found; }""")
    assert starts == [], f"a footer line starts with a separator: {starts}"


def test_profile_score_table_headings_do_not_break(live_server, browser, instrument):
    """'90 %-intervall' broke after its hyphen in the profile's score table at 1280px."""
    done = completed_person(live_server.app, instrument, name="Karin", language="sv")
    with browser_page(browser, 1280, 800) as page:
        page.goto(live_server.url + done.url("/profile"))
        heights = page.eval_on_selector_all(
            "table.scores thead th", "els => els.map((e) => [e.textContent, e.getClientRects().length, e.firstChild && (() => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; })()])")
        assert all(lines == 1 for _, _, lines in heights), heights


def test_team_medians_table_fits_a_phone_without_sideways_scrolling(live_server, browser, instrument):
    """At 375px the medians table scrolled sideways with the 'High' column out
    of sight; it is stacked into labelled rows like the profile's score table."""
    context, page = _team_page(live_server, browser, instrument, participants=2, language="sv", width=375)
    try:
        page.wait_for_selector("[data-medians]:not([hidden]) tbody tr")
        box, table, labels = page.evaluate("""() => { const d = document.querySelector('[data-medians]');
            return [d.clientWidth, d.querySelector('table').scrollWidth,
                    Array.from(d.querySelectorAll('tbody td')).map((td) => getComputedStyle(td, '::before').content)]; }""")
        assert table <= box, f"the medians table is {table}px wide in {box}px"
        assert labels and all(label.startswith('"') and len(label) > 4 for label in labels), labels
    finally:
        context.close()
