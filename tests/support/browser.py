"""Chromium (Debian's) and what tests measure in it: axe-core, keyboard focus, layout."""

from __future__ import annotations

from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe

# --- Chromium (Debian's: Playwright cannot download its own here) -----------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})" for v in results.response["violations"]]


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with Tab")


# --- layout measured in the browser: overflow, words broken across lines, clipped content ---

# Runs in the page. Returns a list of human-readable problems.
_MEASURE = r"""
() => {
  const problems = [];
  const root = document.documentElement;
  const clippedAway = (el) => { for (let a = el; a; a = a.parentElement) { if (getComputedStyle(a).clip.startsWith("rect")) return true; } return false; };
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !clippedAway(el);
  if (root.scrollWidth > root.clientWidth) {
    const widest = Array.from(document.querySelectorAll("body *")).filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !clippedAway(el))
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}">`).slice(0, 3);
    problems.push(`page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window: ${widest.join(", ")}`);
  }
  // Content cut off by a box that hides overflow, or scrolling that nobody asked for.
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || el.closest("svg, .visually-hidden, .js-plotly-plot, .plotly")) continue;
    const style = getComputedStyle(el);
    if (el.matches("input, textarea, select, progress")) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      if (["hidden", "clip"].includes(style.overflowX)) problems.push(`cut off: <${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent.trim().slice(0, 40)}"`);
      else if (["auto", "scroll"].includes(style.overflowX) && !el.matches("[data-scrolls]")) problems.push(`scrolls sideways: <${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  // A table's caption inside a sideways-scrolling box: readable without scrolling (it says what the table is).
  for (const caption of document.querySelectorAll("[data-scrolls] caption")) {
    if (!visible(caption)) continue;
    const box = caption.closest("[data-scrolls]").getBoundingClientRect();
    if (caption.getBoundingClientRect().right > box.right + 1) problems.push(`caption runs out of its scrolling box: "${caption.textContent.trim().slice(0, 40)}"`);
  }
  // Words broken across two lines.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || !visible(parent) || parent.closest("svg, script, style, .visually-hidden, code, .link-field, [data-url]")) continue;
    const re = /[^\s–—\-\/·:()]+/g;
    let m;
    while ((m = re.exec(node.data))) {
      if (m[0].length < 2 || m[0].includes(".") && m[0].length > 12) continue;
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push(`word broken across lines: "${m[0]}" in <${parent.tagName.toLowerCase()}>`);
    }
  }
  // Chart text must lie inside its chart.
  for (const chart of document.querySelectorAll(".chart-area")) {
    if (!visible(chart)) continue;
    const box = chart.getBoundingClientRect();
    for (const text of chart.querySelectorAll("svg text")) {
      if (!text.textContent.trim()) continue;
      const r = text.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1) problems.push(`chart text cut: "${text.textContent}" spans ${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} of ${Math.round(box.width)}px`);
    }
    // ... and no two labels in it on top of each other.
    const labels = Array.from(chart.querySelectorAll("svg .annotation-text")).map((t) => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    labels.forEach(([a, ra], i) => labels.slice(i + 1).forEach(([b, rb]) => {
      if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1) problems.push(`chart labels overlap: "${a}" and "${b}"`);
    }));
  }
  return problems;
}
"""


def layout_problems(page) -> list[str]:
    # Measured once the page has loaded, its stylesheet included: a check right after a form's
    # answer appeared once measured the coach's page before app.css had come back from a slow
    # revalidation (a loaded fresh-clone run), and found its unstyled caption 437 px wide at 375.
    page.wait_for_load_state("load")
    return page.evaluate(_MEASURE)


def plot_area_width(page, chart_selector: str = ".chart-area") -> tuple[float, float]:
    """(width of the chart's plot area, width of the chart) in pixels."""
    return tuple(page.evaluate(
        """(s) => { const c = document.querySelector(s); const p = c.querySelector('.nsewdrag');
                    return [p.getBoundingClientRect().width, c.getBoundingClientRect().width]; }""",
        chart_selector,
    ))


@contextmanager
def browser_page(browser, width: int = 1280, height: int = 800, **options):
    """A page in a browser context of its own at width × height (`options`: new_context's, e.g.
    accept_downloads, is_mobile), closed with its context when the block ends."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in(page, base, email, password, language="en"):
    """A coach logs in through the login form, in `language`, and lands on My workshops."""
    page.goto(f"{base}/coach/login?lang={language}")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/coach/")
