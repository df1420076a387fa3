"""The reminder confirmation page in Chromium: at 375 and 1280 px, in Swedish and English,
no sideways scrolling and no axe-core violations; only pressing the button confirms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.db import db
from services.followup import confirmations
from services.models import Reminder, Response

from .support.answers import varied_answers
from .support.browser import axe_violations
from .support.forms import Respondent

pytestmark = pytest.mark.browser


def unconfirmed_reminder(app, client, instrument, language) -> str:
    person = Respondent(client, instrument)
    person.start(language=language)
    person.complete(varied_answers(instrument))
    with app.app_context():
        response = Response.by_token(person.token)
        reminder = Reminder(response_id=response.id, email=f"{language}@example.com", language=language,
                            due_on=date.today() + timedelta(days=30), attempts=0)
        db.session.add(reminder)
        confirmations.set_address(reminder, f"{language}@example.com")
        token = confirmations.new_token()
        reminder.confirm_token_hash = confirmations.hash_token(token)
        db.session.commit()
    return token


@pytest.mark.parametrize("width", [375, 1280])
def test_the_confirmation_page_in_both_languages(live_server, page, instrument, width, tmp_path):
    client = live_server.app.test_client()
    page.set_viewport_size({"width": width, "height": 800})
    for language, button, done in (("sv", "Ja, skicka påminnelsen till mig", "Påminnelsen är bekräftad"),
                                   ("en", "Yes, send me the reminder", "Reminder confirmed")):
        token = unconfirmed_reminder(live_server.app, client, instrument, language)
        page.goto(f"{live_server.url}/reminder/confirm/{token}?lang={language}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / f"confirm-{language}-{width}.png"), full_page=True)
        with live_server.app.app_context():
            assert db.session.scalar(db.select(Reminder).where(Reminder.language == language)).confirmed_at is None
        page.click(f"text={button}")
        assert page.locator("h1").inner_text() == done
        with live_server.app.app_context():
            assert db.session.scalar(db.select(Reminder).where(Reminder.language == language)).confirmed_at is not None
        page.screenshot(path=str(tmp_path / f"confirmed-{language}-{width}.png"), full_page=True)
