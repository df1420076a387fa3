"""Issue 27, item 6: the reminder e-mail people act on, read back from a real local SMTP
server (aiosmtpd): greeting with the name, the date of the take, the time a retake takes,
the plan, one button, the link's last day, HTML and plain text, in the person's language;
the HTML part drawn by headless Chromium at 375 px."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from assessment.completion_time import typical_minutes
from assessment.followup import on_a_weekday
from reports.i18n import long_date

from .support.browser import axe_violations
from .support.mail import person_with_reminder


def sent_reminder(client, instrument, runner, inbox, *, name, language):
    person_with_reminder(client, instrument, f"{language}@example.com", language=language, days="14", name=name, inbox=inbox)
    result = runner.invoke(args=["send-reminders", "--as-of", on_a_weekday(date.today() + timedelta(days=14)).isoformat()])
    assert result.exit_code == 0 and "Sent 1 reminder " in result.output, result.output
    [message] = [m for m in inbox.messages if m["To"] == f"{language}@example.com"]
    return message


def parts(message):
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    return plain.get_content().replace("\r\n", "\n"), html.get_content()


def expected_dates(app, language):
    zone = ZoneInfo(app.config["FOLLOW_UP_TIMEZONE"])
    today = datetime.now(zone).date()
    last = (datetime.now(zone) + timedelta(days=app.config["RETAKE_LINK_DAYS"] - 1)).date()
    return long_date(today, language), long_date(last, language)


def test_the_swedish_reminder_greets_by_name_and_says_when_how_long_and_until_when(mail_app, client, instrument, runner, inbox):
    message = sent_reminder(client, instrument, runner, inbox, name="Karin <b>&", language="sv")
    plain, html = parts(message)
    taken, last = expected_dates(mail_app, "sv")
    assert message["Subject"] == "Din uppföljning: dags att göra frågorna igen"
    assert message["Content-Language"] == "sv"
    assert plain.startswith("Hej Karin <b>&!\n")
    assert f"Den {taken} svarade du på frågorna om säljhämningar" in plain
    assert f"Det tar ungefär {typical_minutes(instrument)} minuter." in plain
    assert f"Länken fungerar till och med den {last}." in plain
    assert "När ett kundmöte" not in plain and "propose a date before we hang up" in plain  # the plan, in their words
    link = next(line for line in plain.splitlines() if line.startswith("https://tripwire.example.org/retake/"))
    # HTML: the same content, the name escaped, and exactly one button, to the same link
    assert "Hej Karin &lt;b&gt;&amp;!" in html and "<b>&" not in html
    assert f"till och med den {last}" in html and f"ungefär {typical_minutes(instrument)} minuter" in html
    buttons = re.findall(r'<a href="([^"]+)" style="display:inline-block', html)
    assert buttons == [link]
    assert ">Svara på frågorna igen<" in html


def test_the_english_reminder_without_a_name(mail_app, client, instrument, runner, inbox):
    message = sent_reminder(client, instrument, runner, inbox, name="", language="en")
    plain, html = parts(message)
    taken, last = expected_dates(mail_app, "en")
    assert plain.startswith("Hi,\n")
    assert f"On {taken} you answered the questionnaire about sales call reluctance" in plain
    assert f"It takes about {typical_minutes(instrument)} minutes." in plain
    assert f"The link works up to and including {last}." in plain
    assert ">Take the questionnaire again<" in html and 'lang="en"' in html


def test_the_html_part_on_a_375_px_phone(mail_app, client, instrument, runner, inbox, page, tmp_path):
    """Drawn by Chromium as a phone's mail app would: no sideways scrolling, the button whole on
    screen and big enough to tap, no axe-core violations. Screenshots (to look at) in tmp_path."""
    for language, name in (("sv", "Karin Ölund"), ("en", "")):
        _, html = parts(sent_reminder(client, instrument, runner, inbox, name=name, language=language))
        page.set_viewport_size({"width": 375, "height": 900})
        page.set_content(html)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        button = page.locator('a[style*="inline-block"]')
        assert button.count() == 1
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 44
        assert box["y"] + box["height"] <= 900, "the button is on the first screen"
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / f"reminder-{language}-375.png"), full_page=True)
