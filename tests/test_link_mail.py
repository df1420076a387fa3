""""E-mail me my link" (issue 27 §7) under the reminders' double opt-in (issue 25, F5): the first
mail to an address is fixed text and a confirmation link; the private link goes out only after
the owner confirms; unconfirmed addresses go after 7 days; at most three confirmation e-mails.
A real local SMTP server (aiosmtpd) and the real routes; the share sheet in Chromium."""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from services.db import db
from services.link_mail import CONFIRM_PATH
from services.models import LinkMail

from .support.answers import varied_answers
from .support.browser import axe_violations, layout_problems
from .support.forms import Respondent, csrf_of

PUBLIC = "https://tripwire.example.org"


def started(client, instrument, language="en"):
    person = Respondent(client, instrument)
    person.start(language=language, name="IT support http://evil.example")
    answers = varied_answers(instrument)
    person.answer_page(1, {i.id: answers[i.id] for i in instrument.pages[0]})
    return person


def ask(person, address, language="en"):
    page = person.client.get(person.url(f"/email-link?lang={language}"))
    assert page.status_code == 200, page.text[:300]
    return person.client.post(person.url("/email-link"), data={"csrf_token": csrf_of(page.text), "email": address})


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def confirm_link(message) -> str:
    return next(line.strip() for line in body(message).splitlines() if "/link-mail/confirm/" in line)


def everything_stored(app) -> str:
    with app.app_context():
        return "\n".join(str(row) for table in db.metadata.sorted_tables for row in db.session.execute(table.select()))


def test_the_link_goes_out_only_after_the_address_is_confirmed_and_then_the_address_is_deleted(
        mail_app, client, instrument, inbox):
    person = started(client, instrument)
    assert 'href="/response/' in client.get(person.url("/later")).text and "E-mail me my link" in client.get(person.url("/later")).text
    reply = ask(person, "karin@example.org")
    assert reply.status_code == 302
    assert "We've sent a confirmation link to karin@example.org" in html.unescape(client.get(reply.location).text)
    [first] = inbox.messages
    text = first.as_string()
    assert first["To"] == "karin@example.org" and first["Subject"] == "Confirm your e-mail address to get your private link"
    assert person.token not in text and "/response/" not in text, "nothing but fixed text and the confirmation link"
    assert "evil.example" not in text and "IT support" not in text
    link = confirm_link(first)
    token = link.rsplit("/", 1)[1]
    assert link == PUBLIC + CONFIRM_PATH.format(token=token) and len(token) >= 43
    stored = everything_stored(mail_app)
    assert token not in stored and person.token not in stored, "only hashes, and the link sealed"

    path = link.removeprefix(PUBLIC)
    page = client.get(path)
    assert page.status_code == 200 and "Yes, send me my link" in page.text
    assert len(inbox.messages) == 1, "opening the link sends nothing (a mail scanner opens links)"
    sent = client.post(path, data={"csrf_token": csrf_of(page.text)})
    assert sent.status_code == 200 and "Your link is on its way" in sent.text
    assert len(inbox.messages) == 2
    second = inbox.messages[1]
    assert second["To"] == "karin@example.org" and second["Subject"] == "Your private link to Snubbeltråd"
    assert f"{PUBLIC}/response/{person.token}" in body(second)
    assert client.get(path).status_code == 404, "the confirmation link works once"
    with mail_app.app_context():
        assert db.session.scalars(select(LinkMail)).all() == [], "the address is deleted once the link went out"
    assert "karin@example.org" not in everything_stored(mail_app)


def test_in_swedish_and_a_wrong_confirmation_token_opens_nothing(mail_app, client, instrument, inbox):
    person = started(client, instrument, language="sv")
    assert "Mejla mig min länk" in client.get(person.url("/later?lang=sv")).text
    assert ask(person, "asa@example.org", language="sv").status_code == 302
    [first] = inbox.messages
    assert first["Subject"] == "Bekräfta din e-postadress för att få din privata länk"
    assert "Någon, troligen du, bad Snubbeltråd att skicka en privat länk" in body(first)
    link = confirm_link(first).removeprefix(PUBLIC)
    forged = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    assert client.get(forged).status_code == 404
    page = client.get(link)
    assert client.post(link, data={"csrf_token": csrf_of(page.text)}).status_code == 200
    assert inbox.messages[1]["Subject"] == "Din privata länk till Snubbeltråd"
    assert "Här är din privata länk" in body(inbox.messages[1])


def test_the_confirmation_pages_speak_the_takes_language_not_the_browsers(mail_app, client, instrument, inbox):
    """Opened from an English browser (the mail app's, another device), a Swedish take's
    confirmation link shows its pages in Swedish, as its e-mail was."""
    person = started(client, instrument, language="sv")
    assert ask(person, "asa@example.org", language="sv").status_code == 302
    link = confirm_link(inbox.messages[0]).removeprefix(PUBLIC)
    english_browser = mail_app.test_client()
    page = english_browser.get(link, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and '<html lang="sv"' in page.text and "Ja, skicka min länk" in page.text
    sent = english_browser.post(link, data={"csrf_token": csrf_of(page.text)}, headers={"Accept-Language": "en"})
    assert sent.status_code == 200 and '<html lang="sv"' in sent.text and "Din länk är på väg" in sent.text


def test_an_unconfirmed_address_is_deleted_after_seven_days(mail_app, client, instrument, inbox, runner):
    old, recent = started(client, instrument), started(client, instrument)
    assert ask(old, "old@example.org").status_code == 302
    assert ask(recent, "recent@example.org").status_code == 302
    old_link = confirm_link(inbox.messages[0]).removeprefix(PUBLIC)
    with mail_app.app_context():
        now = datetime.now(timezone.utc)
        db.session.execute(update(LinkMail).where(LinkMail.email == "old@example.org").values(given_at=now - timedelta(days=7, minutes=1)))
        db.session.commit()
    assert client.get(old_link).status_code == 404, "the confirmation link expired"
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "Deleted 1 “e-mail me my link” address not confirmed within 7 days" in result.output, result.output
    stored = everything_stored(mail_app)
    assert "old@example.org" not in stored and "recent@example.org" in stored


def test_at_most_three_confirmation_mails_and_a_crafted_address_is_refused(mail_app, client, instrument, inbox):
    person = started(client, instrument)
    crafted = ask(person, "=?utf-8?q?a=0D=0ABcc=3A_victim=40evil.example?=@example.org")
    assert crafted.status_code == 422 and "Enter an e-mail address such as name@example.com." in crafted.text
    assert inbox.messages == []
    for address in ("one@example.org", "two@example.org", "three@example.org"):
        assert ask(person, address).status_code == 302
    refused = ask(person, "four@example.org")
    assert refused.status_code == 422 and "send no more" in refused.text
    assert [m["To"] for m in inbox.messages] == ["one@example.org", "two@example.org", "three@example.org"]
    # only the newest confirmation link works
    assert client.get(confirm_link(inbox.messages[0]).removeprefix(PUBLIC)).status_code == 404
    assert client.get(confirm_link(inbox.messages[2]).removeprefix(PUBLIC)).status_code == 200


def test_a_mail_server_that_is_down_stores_nothing(mail_app, client, instrument):
    person = started(client, instrument)  # no `inbox`: nothing listens on the port
    reply = ask(person, "karin@example.org")
    assert reply.status_code == 422 and "couldn't send the e-mail just now" in html.unescape(reply.text)
    with mail_app.app_context():
        assert db.session.scalars(select(LinkMail)).all() == []


def test_without_a_mail_server_there_is_no_offer(app, client, instrument):
    person = started(client, instrument)
    assert "E-mail me my link" not in client.get(person.url("/later")).text
    assert client.get(person.url("/email-link")).status_code == 404


def test_deleting_the_answers_deletes_a_pending_address(mail_app, client, instrument, inbox):
    person = started(client, instrument)
    assert ask(person, "karin@example.org").status_code == 302
    page = client.get(person.url("/delete"))
    assert client.post(person.url("/delete"), data={"csrf_token": csrf_of(page.text)}).status_code == 302
    assert "karin@example.org" not in everything_stored(mail_app)


@pytest.mark.browser
@pytest.mark.parametrize("language,width", [("sv", 375), ("en", 1280)])
def test_the_share_sheet_offers_the_private_link_where_the_phone_has_one(live_server, browser, instrument,
                                                                         language, width, tmp_path):
    """navigator.share is the phone's share sheet; where a browser has none, the button stays hidden."""
    person = started(live_server.app.test_client(), instrument, language=language)
    for has_share in (True, False):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.add_init_script(
            "window.__shared = []; navigator.share = (data) => { window.__shared.push(data); return Promise.resolve(); };"
            if has_share else "Object.defineProperty(Navigator.prototype, 'share', {value: undefined, configurable: true});")
        page = context.new_page()
        try:
            page.goto(f"{live_server.url}{person.url('/later')}?lang={language}")
            button = page.locator("[data-share]")
            if has_share:
                assert button.is_visible()
                button.click()
                shared = page.evaluate("window.__shared")
                assert shared == [{"title": "Min privata länk till Snubbeltråd" if language == "sv" else
                                   "My private link to Snubbeltråd", "url": f"{live_server.url}/response/{person.token}"}]
                assert axe_violations(page) == []
                assert layout_problems(page) == []
                page.screenshot(path=str(tmp_path / f"later-{language}-{width}.png"), full_page=True)
            else:
                assert not button.is_visible()
        finally:
            context.close()
