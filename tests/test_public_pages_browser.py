"""Public pages that earn trust (issue 27 §9): every public page fits a 375 px phone
and a 1280 px laptop in both languages, without sideways scrolling, with zero axe-core
violations; the operator's details come from the configuration."""

import pytest

from .support.app import make_app
from .support.browser import axe_violations, layout_problems

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/about", "/privacy", "/accessibility", "/about/measurement", "/join"]


@pytest.mark.parametrize("width,height", [(375, 667), (1280, 800)])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_public_page_overflows_or_fails_axe(live_server, browser, language, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    failures = {}
    try:
        for path in PUBLIC_PAGES:
            reply = page.goto(f"{live_server.url}{path}?lang={language}")
            assert reply.status == 200, path
            problems = layout_problems(page) + axe_violations(page)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{wide}px wide")
            if problems:
                failures[path] = problems
    finally:
        context.close()
    assert failures == {}


def test_the_operator_is_named_from_the_configuration(tmp_path, monkeypatch):
    unset = make_app(tmp_path / "unset").test_client().get("/privacy?lang=en").text
    assert "has not given its details yet" in unset
    monkeypatch.setenv("OPERATOR_NAME", "Säljakademin AB")
    monkeypatch.setenv("OPERATOR_EMAIL", "integritet@example.org")
    monkeypatch.setenv("OPERATOR_PROCESSORS", "Värdhotellet AB (drift), Postverket AB (e-post)")
    app = make_app(tmp_path)
    client = app.test_client()
    for path in ("/about", "/privacy", "/accessibility"):
        html = client.get(f"{path}?lang=sv").text
        assert "Säljakademin AB" in html and "mailto:integritet@example.org" in html, path
    privacy = client.get("/privacy?lang=sv").text
    assert "Värdhotellet AB (drift), Postverket AB (e-post)" in privacy
    assert "Integritetsskyddsmyndigheten (IMY)" in privacy and "GDPR artikel 6.1 a" in privacy
