"""Issue 25's attacks on reminders, replayed: a crafted address (F2) and addresses left
behind in command output and Redis (F13). A real local SMTP server (aiosmtpd), the
real command, a private Redis."""

from __future__ import annotations

import base64
import binascii
import zlib
from datetime import date, datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller
from rq import Queue
from sqlalchemy import select, update

from assessment.followup import on_a_weekday
from services.db import db
from services.jobs import QUEUE_NAME
from services.mail_addresses import AddressError, checked_address
from services.models import Reminder, Response
from worker import send_reminders_job

from .support.answers import varied_answers
from .support.followup import make_plan
from .support.forms import Respondent, csrf_of
from .support.jobs import work_until
from .support.mail import Inbox, confirmation_link, person_with_reminder

# The reminder tests' fixtures: a real local SMTP server and the app configured for it.

CRAFTED = "=?utf-8?q?a=0D=0ABcc=3A_victim=40evil.example?=@example.org"  # the form took it


@pytest.mark.parametrize("address", [
    CRAFTED,
    "=?utf-8?q?other?=@example.org",   # decodes to a different address
    "a\u2028b@example.org", "a\x85b@example.org", "a\rb@example.org", "a\x00b@example.org",
    "\"a\\\r\\\nb\"@example.org",
])
def test_the_address_rule_refuses_what_decodes_to_something_else(address):
    with pytest.raises(AddressError):
        checked_address(address)


def test_an_international_domain_is_kept_in_the_form_it_is_sent_to():
    assert checked_address(" asa@exämple.org ") == "asa@xn--exmple-cua.org"
    assert checked_address("Karin.Berg@Example.ORG") == "Karin.Berg@example.org"


def test_the_plan_form_refuses_the_crafted_address_and_keeps_the_saved_plan(mail_app, client, instrument):
    app = mail_app
    person = Respondent(client, instrument)
    person.start()
    person.complete(varied_answers(instrument))
    assert make_plan(person, email="karin@example.org").status_code == 302
    refused = make_plan(person, email=CRAFTED)
    assert refused.status_code == 422
    assert "Enter an e-mail address such as name@example.com." in refused.text
    with app.app_context():
        assert [r.email for r in db.session.scalars(select(Reminder))] == ["karin@example.org"]


def _store_crafted_address(app, due_on):
    """As a row saved before the form's rule existed (or by any other way in): the sender must cope."""
    with app.app_context():
        response = db.session.scalars(select(Response).order_by(Response.id.desc())).first()
        db.session.add(Reminder(response_id=response.id, email=CRAFTED, language="en", due_on=due_on, attempts=0,
                                confirmed_at=datetime.now(timezone.utc)))
        db.session.commit()
        return response.id


def test_one_crafted_address_stops_no_reminder_and_is_deleted(mail_app, client, instrument, runner, inbox):
    day = on_a_weekday(date.today() + timedelta(days=14))  # the plan moves a weekend date to the Monday
    person_with_reminder(client, instrument, "before@example.com", inbox=inbox)
    crafted = Respondent(client, instrument)
    crafted.start()
    crafted.complete(varied_answers(instrument))
    crafted_id = _store_crafted_address(mail_app, day - timedelta(days=1))  # due first: sent first
    person_with_reminder(client, instrument, "after@example.com", inbox=inbox)

    result = runner.invoke(args=["send-reminders", "--as-of", day.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Sent 2 reminders" in result.output
    assert f"Skipped: reminder #{crafted_id} due {(day - timedelta(days=1)).isoformat()}" in result.output
    assert "evil.example" not in result.output and "=?utf-8" not in result.output
    assert sorted(m["To"] for m in inbox.messages) == ["after@example.com", "before@example.com"]
    assert all("victim" not in m.as_string() for m in inbox.messages)
    with mail_app.app_context():
        assert db.session.scalars(select(Reminder)).all() == [], "the crafted address is deleted, not kept due"


def test_a_refused_address_is_in_no_command_output(mail_app, client, instrument, runner, smtp_port):
    person_with_reminder(client, instrument, "gone.person@example.com")
    handler = Inbox(refuse="gone.person@example.com",
                    refusal="550 5.1.1 <gone.person@example.com>: Recipient address rejected")
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        result = runner.invoke(args=["send-reminders", "--as-of", on_a_weekday(date.today() + timedelta(days=14)).isoformat()])
    finally:
        controller.stop()
    assert result.exit_code == 1 and "550" in result.output and "the address was deleted" in result.output
    assert "gone.person" not in result.output.lower()


def test_a_refused_address_is_kept_nowhere_in_redis(queued_app, client, instrument, smtp_port, monkeypatch):
    """The RQ job fails (as it should: a delivery problem) and RQ keeps its exception for a
    year: that record must not hold the deleted address."""
    app, connection = queued_app
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_SECURITY": "none",
                        "MAIL_FROM": "uppfoljning@example.org", "PUBLIC_URL": "https://tripwire.example.org"}.items():
        monkeypatch.setenv(name, value)  # the worker's environment
        app.config[name] = int(value) if name == "SMTP_PORT" else value  # the web app's: the plan page offers the field
    person_with_reminder(client, instrument, "gone.person@example.com")
    with app.app_context():
        reminder = db.session.scalars(select(Reminder)).one()
        reminder.due_on = date.today() - timedelta(days=1)
        db.session.commit()
    handler = Inbox(refuse="gone.person@example.com",
                    refusal="550 5.1.1 <gone.person@example.com>: Recipient address rejected")
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        job = Queue(QUEUE_NAME, connection=connection).enqueue(send_reminders_job)
        work_until(connection, lambda: job.get_status(refresh=True) in ("finished", "failed"))
    finally:
        controller.stop()
    assert job.get_status() == "failed" and "550" in job.latest_result().exc_string
    with app.app_context():
        assert db.session.scalars(select(Reminder)).all() == []
    assert b"gone.person" not in everything_in(connection).lower()


def everything_in(connection) -> bytes:
    """Every key and value in Redis, with what RQ stores compressed (zlib, base64 + zlib) opened."""
    values: list[bytes] = []
    for key in connection.scan_iter():
        values.append(key)
        kind = connection.type(key)
        if kind == b"string":
            values.append(connection.get(key) or b"")
        elif kind == b"hash":
            values += [part for pair in connection.hgetall(key).items() for part in pair]
        elif kind == b"list":
            values += connection.lrange(key, 0, -1)
        elif kind == b"set":
            values += list(connection.smembers(key))
        elif kind == b"zset":
            values += connection.zrange(key, 0, -1)
        elif kind == b"stream":
            values += [part for _, fields in connection.xrange(key) for pair in fields.items() for part in pair]
    opened = []
    for value in values:
        opened.append(value)
        for unpack in (zlib.decompress, lambda v: zlib.decompress(base64.b64decode(v, validate=True))):
            try:
                opened.append(unpack(value))
            except (zlib.error, binascii.Error, ValueError):
                pass
    return b"\n".join(opened)


# --- F5: double opt-in ------------------------------------------------------------------

RELAY_TEXT = "Your account is locked: restore it at http://evil.example/verify"


def plan_with_address(client, instrument, address, *, name="", language="en", **plan):
    person = Respondent(client, instrument)
    person.start(name=name, language=language)
    person.complete(varied_answers(instrument))
    client.get(person.url(f"/profile?lang={language}"))
    reply = make_plan(person, email=address, follow_up="14", **plan)
    return person, reply


def test_the_first_mail_to_an_address_is_fixed_text_and_a_link_and_nothing_else_comes_before_confirmation(
        mail_app, client, instrument, runner, inbox):
    """Issue 25, F5: the plan form sent any text the visitor chose to any address (an open relay)."""
    person, reply = plan_with_address(client, instrument, "stranger@example.com", name="IT support http://evil.example",
                                      **{"actions-0-situation": RELAY_TEXT, "actions-0-step": RELAY_TEXT})
    assert reply.status_code == 302
    assert "confirmation link" in client.get(person.url("/profile")).text
    assert len(inbox.messages) == 1, "the confirmation goes out at once"
    first = inbox.messages[0]
    text = first.as_string()
    assert first["To"] == "stranger@example.com" and "Confirm" in first["Subject"]
    assert "evil.example" not in text and "IT support" not in text and "restore it" not in text
    assert person.token not in text and "/retake/" not in text
    _, link = confirmation_link(inbox, "stranger@example.com")
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43
    with mail_app.app_context():
        dump = "\n".join(str(row) for table in db.metadata.sorted_tables for row in db.session.execute(table.select()))
        assert token not in dump, "only the token's hash is stored"

    day = on_a_weekday(date.today() + timedelta(days=14)).isoformat()
    before = runner.invoke(args=["send-reminders", "--as-of", day])
    assert before.exit_code == 0 and "Sent 0 reminders" in before.output
    assert len(inbox.messages) == 1, "nothing but the confirmation before it is confirmed"

    path = link.removeprefix("https://tripwire.example.org")
    page = client.get(path)
    assert page.status_code == 200 and "Yes, send me the reminder" in page.text
    with mail_app.app_context():
        assert db.session.scalars(select(Reminder)).one().confirmed_at is None, "opening the link confirms nothing"
    confirmed = client.post(path, data={"csrf_token": csrf_of(page.text)})
    assert confirmed.status_code == 200 and "Reminder confirmed" in confirmed.text
    assert client.get(path).status_code == 404, "the link works once"
    assert "We'll e-mail a reminder to stranger@example.com" in client.get(person.url("/profile")).text

    after = runner.invoke(args=["send-reminders", "--as-of", day])
    assert after.exit_code == 0 and "Sent 1 reminder " in after.output
    assert [m["To"] for m in inbox.messages] == ["stranger@example.com"] * 2


def test_an_unconfirmed_address_is_deleted_after_seven_days(mail_app, client, instrument, runner, inbox):
    plan_with_address(client, instrument, "old@example.com")
    plan_with_address(client, instrument, "recent@example.com")
    _, old_link = confirmation_link(inbox, "old@example.com")
    with mail_app.app_context():
        now = datetime.now(timezone.utc)
        db.session.execute(update(Reminder).where(Reminder.email == "old@example.com").values(given_at=now - timedelta(days=7, minutes=1)))
        db.session.execute(update(Reminder).where(Reminder.email == "recent@example.com").values(given_at=now - timedelta(days=6)))
        db.session.commit()
    assert client.get(old_link.removeprefix("https://tripwire.example.org")).status_code == 404, "the link expired"
    purged = runner.invoke(args=["purge"])
    assert purged.exit_code == 0 and "Deleted 1 reminder address not confirmed within 7 days" in purged.output, purged.output
    with mail_app.app_context():
        assert [r.email for r in db.session.scalars(select(Reminder))] == ["recent@example.com"]
        dump = "\n".join(str(row) for table in db.metadata.sorted_tables for row in db.session.execute(table.select()))
        assert "old@example.com" not in dump


def test_one_plan_sends_confirmations_to_at_most_three_addresses(mail_app, client, instrument, inbox):
    person, first = plan_with_address(client, instrument, "one@example.com")
    assert first.status_code == 302
    for address in ("two@example.com", "three@example.com"):
        assert make_plan(person, email=address).status_code == 302
    assert make_plan(person, email="three@example.com").status_code == 302, "the same address again costs nothing"
    refused = make_plan(person, email="four@example.com")
    assert refused.status_code == 422 and "send no more" in refused.text
    assert [m["To"] for m in inbox.messages] == ["one@example.com", "two@example.com", "three@example.com"]


def test_a_confirmation_the_mail_server_missed_goes_out_with_the_next_run(mail_app, client, instrument, runner, smtp_port):
    plan_with_address(client, instrument, "later@example.com")  # no mail server yet
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        result = runner.invoke(args=["send-reminders", "--as-of", on_a_weekday(date.today() + timedelta(days=14)).isoformat()])
    finally:
        controller.stop()
    assert result.exit_code == 0 and "Sent 0 reminders" in result.output
    assert "Sent 1 confirmation e-mail " in result.output
    assert [m["To"] for m in handler.messages] == ["later@example.com"] and "Confirm" in handler.messages[0]["Subject"]
