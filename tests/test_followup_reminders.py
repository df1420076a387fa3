"""Reminder e-mails through a real local SMTP server (aiosmtpd): sent once in
the person's language with a working retake link, never twice even with two
concurrent runs, kept due through an SMTP outage, and the address deleted
after sending and with the response, or when the mail server refuses it for good
or after the last attempt; retake links expire."""

from __future__ import annotations

import os
import smtplib
import ssl
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage

import icalendar
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from rq import Queue
from rq.cron import CronScheduler
from sqlalchemy import select, update

from assessment.followup import on_a_weekday
from services.db import db
from services.followup.reminders import MAX_ATTEMPTS
from services.jobs import QUEUE_NAME
from services.mail import SMTP_TIMEOUT, quitting, send_mail
from services.models import Reminder, RetakeLink
from worker import send_reminders_job

from .support.answers import varied_answers
from .support.followup import make_plan
from .support.forms import Respondent, csrf_of
from .support.jobs import work_until
from .support.mail import (
    Inbox,
    confirmation_link,
    person_with_reminder,
)
from .support.paths import ROOT


def test_due_reminder_is_sent_once_in_the_persons_language_and_the_address_deleted(mail_app, client, instrument, runner, inbox):
    person_with_reminder(client, instrument, "asa@example.com", language="sv", days="14", inbox=inbox)
    person_with_reminder(client, instrument, "bob@example.com", language="en", days="30", inbox=inbox)
    day = on_a_weekday(date.today() + timedelta(days=14))

    early = runner.invoke(args=["send-reminders", "--as-of", (day - timedelta(days=1)).isoformat()])
    assert early.exit_code == 0 and "Sent 0 reminders" in early.output and inbox.messages == []

    result = runner.invoke(args=["send-reminders", "--as-of", day.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Sent 1 reminder " in result.output
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "asa@example.com" and message["From"] == "uppfoljning@example.org"
    body = message.get_body(("plain",)).get_content()
    assert "Uppföljning" in message["Subject"] or "uppföljning" in message["Subject"]
    assert "propose a date before we hang up" in body  # the plan, in the person's own words
    link = next(line for line in body.splitlines() if line.startswith("https://tripwire.example.org/retake/"))
    with mail_app.app_context():
        remaining = db.session.scalars(select(Reminder)).all()
        assert [r.email for r in remaining] == ["bob@example.com"], "the sent address is gone, the other stays"

    # the link in the e-mail starts a retake of that person's response
    path = link.removeprefix("https://tripwire.example.org")
    page = client.get(path)
    assert page.status_code == 200
    reply = client.post(path, data={"csrf_token": csrf_of(page.text)})
    assert reply.status_code == 302 and "/page/1" in reply.location

    again = runner.invoke(args=["send-reminders", "--as-of", day.isoformat()])
    assert again.exit_code == 0 and "Sent 0 reminders" in again.output and len(inbox.messages) == 1

    later = runner.invoke(args=["send-reminders", "--as-of", (day + timedelta(days=30)).isoformat()])
    assert "Sent 1 reminder " in later.output
    assert [m["To"] for m in inbox.messages] == ["asa@example.com", "bob@example.com"]
    assert "follow-up" in inbox.messages[1]["Subject"]
    with mail_app.app_context():
        assert db.session.scalars(select(Reminder)).all() == []


def test_smtp_outage_leaves_the_reminder_due_and_is_reported(mail_app, client, instrument, runner, smtp_port):
    person_with_reminder(client, instrument, "asa@example.com")
    day = on_a_weekday(date.today() + timedelta(days=14)).isoformat()
    down = runner.invoke(args=["send-reminders", "--as-of", day])
    assert down.exit_code == 1
    assert "Not sent (still due" in down.output and f"127.0.0.1:{smtp_port}" in down.output
    with mail_app.app_context():
        reminder = db.session.scalars(select(Reminder)).one()
        assert reminder.email == "asa@example.com" and reminder.claimed_by is None and reminder.last_error

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        up = runner.invoke(args=["send-reminders", "--as-of", day])
    finally:
        controller.stop()
    assert up.exit_code == 0 and "Sent 1 reminder " in up.output
    assert [m["To"] for m in inbox.messages] == ["asa@example.com"]


def test_an_address_refused_for_good_is_deleted_while_the_others_are_sent(mail_app, client, instrument, runner, smtp_port):
    # Kept due, a 550 "no such mailbox" was retried daily and the address kept until retention.
    person_with_reminder(client, instrument, "gone@example.com")
    person_with_reminder(client, instrument, "here@example.com")
    inbox = Inbox(refuse="gone@example.com")
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        result = runner.invoke(args=["send-reminders", "--as-of", on_a_weekday(date.today() + timedelta(days=14)).isoformat()])
    finally:
        controller.stop()
    assert result.exit_code == 1 and "Sent 1 reminder " in result.output and "550" in result.output
    assert "Not sent, and not tried again" in result.output and "refused for good: the address was deleted" in result.output
    assert [m["To"] for m in inbox.messages] == ["here@example.com"]
    with mail_app.app_context():
        assert db.session.scalars(select(Reminder)).all() == []
        assert len(db.session.scalars(select(RetakeLink)).all()) == 1, "no retake link for the unsent one"


def test_a_temporary_refusal_stays_due_for_at_most_the_last_attempt(mail_app, client, instrument, runner, smtp_port):
    person_with_reminder(client, instrument, "full@example.com")
    inbox = Inbox(refuse="full@example.com", refusal="452 4.2.2 mailbox full")
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    day = on_a_weekday(date.today() + timedelta(days=14))
    try:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            result = runner.invoke(args=["send-reminders", "--as-of", (day + timedelta(days=attempt - 1)).isoformat()])
            assert result.exit_code == 1 and "452" in result.output, result.output
            with mail_app.app_context():
                kept = db.session.scalars(select(Reminder)).all()
            if attempt < MAX_ATTEMPTS:
                assert "Not sent (still due" in result.output
                assert [(r.email, r.attempts, r.claimed_by) for r in kept] == [("full@example.com", attempt, None)]
        assert f"attempt {MAX_ATTEMPTS} of {MAX_ATTEMPTS}: the address was deleted" in result.output
        assert kept == [] and inbox.messages == []
    finally:
        controller.stop()


def test_a_retake_link_stops_working_after_retake_link_days_and_purge_deletes_it(mail_app, client, instrument, runner, inbox):
    person_with_reminder(client, instrument, "asa@example.com", inbox=inbox)
    sent = runner.invoke(args=["send-reminders", "--as-of", on_a_weekday(date.today() + timedelta(days=14)).isoformat()])
    assert sent.exit_code == 0, sent.output
    body = inbox.messages[0].get_body(("plain",)).get_content()
    path = next(line for line in body.splitlines() if "/retake/" in line).removeprefix("https://tripwire.example.org")
    assert client.get(path).status_code == 200
    days = mail_app.config["RETAKE_LINK_DAYS"]
    with mail_app.app_context():
        db.session.execute(update(RetakeLink).values(
            created_at=datetime.now(timezone.utc) - timedelta(days=days, minutes=1)))
        db.session.commit()
    page = client.get(path)
    assert page.status_code == 410 and "This link has expired" in page.text and f"works for {days} days" in page.text
    started = client.post(path, data={"csrf_token": csrf_of(client.get("/").text)})
    assert started.status_code == 410, "an expired link starts no retake"
    purged = runner.invoke(args=["purge"])
    assert purged.exit_code == 0 and "1 expired retake link " in purged.output, purged.output
    with mail_app.app_context():
        assert db.session.scalars(select(RetakeLink)).all() == []
    assert client.get(path).status_code == 404


def test_two_concurrent_runs_send_each_reminder_exactly_once(mail_app, client, instrument, smtp_port, tmp_path):
    count = 12
    for n in range(count):
        person_with_reminder(client, instrument, f"person{n}@example.com")
    inbox = Inbox(delay=0.05)  # slow enough that the two runs overlap
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {
        **os.environ, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_SECURITY": "none",
        "MAIL_FROM": "uppfoljning@example.org", "PUBLIC_URL": "https://tripwire.example.org",
        "DATABASE_URL": mail_app.config["SQLALCHEMY_DATABASE_URI"],
    }
    env.pop("SECRET_KEY", None)
    command = [sys.executable, "-m", "flask", "--app", "app", "send-reminders",
               "--as-of", on_a_weekday(date.today() + timedelta(days=14)).isoformat()]
    try:
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
    finally:
        controller.stop()
    assert [run.returncode for run in runs] == [0, 0], outputs
    sent = [int(out.split("Sent ")[1].split(" ")[0]) for out, _ in outputs]
    assert sum(sent) == count
    addresses = sorted(m["To"] for m in inbox.messages)
    assert addresses == sorted(f"person{n}@example.com" for n in range(count)), "each exactly once"
    with mail_app.app_context():
        assert db.session.scalars(select(Reminder)).all() == []


def test_deleting_the_response_deletes_the_pending_address(mail_app, client, instrument, runner, inbox):
    person = person_with_reminder(client, instrument, "asa@example.com", inbox=inbox)
    page = client.get(person.url("/delete"))
    client.post(person.url("/delete"), data={"csrf_token": csrf_of(page.text)})
    with mail_app.app_context():
        assert db.session.scalars(select(Reminder)).all() == []
        dump = "\n".join(str(row) for table in db.metadata.sorted_tables
                         for row in db.session.execute(table.select()))
        assert "asa@example.com" not in dump
    result = runner.invoke(args=["send-reminders", "--as-of", (date.today() + timedelta(days=99)).isoformat()])
    assert "Sent 0 reminders" in result.output and inbox.messages == []


def test_bad_as_of_and_missing_configuration_are_named(app, runner):
    bad = runner.invoke(args=["send-reminders", "--as-of", "next tuesday"])
    assert bad.exit_code == 2 and "'next tuesday' is not a date like 2027-01-31" in bad.output
    unconfigured = runner.invoke(args=["send-reminders"])
    assert unconfigured.exit_code == 2 and "SMTP_HOST" in unconfigured.output and "PUBLIC_URL" in unconfigured.output


def test_rq_cron_schedules_the_daily_job_and_a_report_worker_sends(queued_app, client, instrument, smtp_port, inbox, monkeypatch):
    """With REDIS_URL: RQ's cron scheduler registers the job from scripts/reminder_cron.py, and a
    `make worker` SimpleWorker running it sends what is due today."""
    app, connection = queued_app
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_SECURITY": "none",
                        "MAIL_FROM": "uppfoljning@example.org", "PUBLIC_URL": "https://tripwire.example.org"}.items():
        monkeypatch.setenv(name, value)  # the worker's environment
        app.config[name] = int(value) if name == "SMTP_PORT" else value  # the web app's: the plan page offers the field
    person_with_reminder(client, instrument, "due@example.com", inbox=inbox)
    with app.app_context():
        reminder = db.session.scalars(select(Reminder)).one()
        reminder.due_on = date.today() - timedelta(days=1)  # already due
        db.session.commit()
    person_with_reminder(client, instrument, "later@example.com", inbox=inbox)

    scheduler = CronScheduler(connection=connection)
    scheduler.load_config_from_file(str(ROOT / "scripts" / "reminder_cron.py"))
    [job] = scheduler.get_jobs()
    assert job.func is send_reminders_job and job.queue_name == QUEUE_NAME and job.cron == "0 8 * * *"

    queued = Queue(QUEUE_NAME, connection=connection).enqueue(send_reminders_job)
    work_until(connection, lambda: queued.get_status(refresh=True) in ("finished", "failed"))
    assert queued.get_status() == "finished", queued.latest_result().exc_string
    assert queued.return_value()["sent"] == 1
    assert [m["To"] for m in inbox.messages] == ["due@example.com"]
    with app.app_context():
        assert [r.email for r in db.session.scalars(select(Reminder))] == ["later@example.com"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throw-away CA-less certificate for 127.0.0.1, made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_reminders_over_tls_with_a_login(mail_app, client, instrument, runner, smtp_port, certificate, security):
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"mailer", b"s3cret")
        logins.append((auth_data.login, ok))
        # handled=False: the server answers the refusal with 535 itself. The default (handled=True)
        # means "the hook has already replied", so a wrong password got no answer at all and the
        # client waited out its 30 s timeout instead of meeting a refusal.
        return AuthResult(success=ok, handled=False)

    inbox = Inbox()
    tls = {"ssl_context": server_context} if security == "ssl" else {"tls_context": server_context, "require_starttls": True}
    # aiosmtpd does not count implicit TLS as TLS for its AUTH rule, so that rule is on for STARTTLS only.
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port, authenticator=authenticate,
                            auth_require_tls=security == "starttls", **tls)
    person_with_reminder(client, instrument, "asa@example.com")
    day = on_a_weekday(date.today() + timedelta(days=14)).isoformat()
    mail_app.config.update(SMTP_SECURITY=security, SMTP_USER="mailer", SMTP_PASSWORD="wrong", SMTP_CA_FILE=None)
    controller.start()
    try:
        untrusted = runner.invoke(args=["send-reminders", "--as-of", day])
        assert untrusted.exit_code == 1 and "CERTIFICATE_VERIFY_FAILED" in untrusted.output, untrusted.output
        mail_app.config["SMTP_CA_FILE"] = str(cert)
        refused = runner.invoke(args=["send-reminders", "--as-of", day])
        assert refused.exit_code == 1 and "Not sent (still due" in refused.output and inbox.messages == []
        assert "535" in refused.output, refused.output  # refused by the server, not timed out
        mail_app.config["SMTP_PASSWORD"] = "s3cret"
        sent = runner.invoke(args=["send-reminders", "--as-of", day])
    finally:
        controller.stop()
    assert sent.exit_code == 0 and "Sent 1 reminder " in sent.output, sent.output
    assert [m["To"] for m in inbox.messages] == ["asa@example.com"]
    # smtplib tries each mechanism the server offers (PLAIN, then LOGIN) before giving up on a password.
    assert logins == [(b"mailer", False), (b"mailer", False), (b"mailer", True)]


class RecordingSmtp:
    """An SMTP connection that records what is done with it; sending raises `fails` when given."""

    def __init__(self, fails: Exception | None = None, quit_fails: bool = False):
        self.sent, self.quits, self.fails, self.quit_fails = [], 0, fails, quit_fails

    def send_message(self, message):
        if self.fails is not None:
            raise self.fails
        self.sent.append(message)

    def quit(self):
        self.quits += 1
        if self.quit_fails:
            raise smtplib.SMTPServerDisconnected("gone already")


class RecordingSettings:
    def __init__(self, smtp: RecordingSmtp):
        self.smtp, self.timeouts = smtp, []

    def connect(self, timeout):
        self.timeouts.append(timeout)
        return self.smtp


def test_send_mail_always_quits_its_own_connection_and_leaves_a_given_one_open():
    message = EmailMessage()
    own = RecordingSettings(RecordingSmtp(quit_fails=True))
    send_mail(own, message, timeout=7)  # a server that hung up before QUIT does not make the mail unsent
    assert (own.timeouts, own.smtp.sent, own.smtp.quits) == ([7], [message], 1)

    refusing = RecordingSettings(RecordingSmtp(fails=smtplib.SMTPDataError(554, b"no")))
    with pytest.raises(smtplib.SMTPDataError):  # the caller decides what a refusal means
        send_mail(refusing, message)
    assert (refusing.timeouts, refusing.smtp.quits) == ([SMTP_TIMEOUT], 1)

    shared, unused = RecordingSmtp(), RecordingSettings(RecordingSmtp())
    send_mail(unused, message, smtp=shared)  # a run's connection: the run quits it, once, at its end
    assert (shared.sent, shared.quits, unused.timeouts) == ([message], 0, [])
    with quitting(shared):
        pass
    assert shared.quits == 1


def test_the_confirmation_page_and_the_calendar_file_speak_the_takes_language_not_the_browsers(
        mail_app, client, instrument, inbox):
    """The walk found a Swedish take's reminder confirmation and .ics in English when opened from
    an English browser (the mail app's, or another device): they follow the take, as its mail does."""
    person = Respondent(client, instrument)
    person.start(language="sv")
    person.complete(varied_answers(instrument))
    client.get(person.url("/profile"))
    assert make_plan(person, email="asa@example.com", follow_up="14").status_code == 302
    _message, link = confirmation_link(inbox, "asa@example.com")
    path = link.removeprefix("https://tripwire.example.org")

    english_browser = mail_app.test_client()
    english = {"Accept-Language": "en"}
    page = english_browser.get(path, headers=english)
    assert page.status_code == 200 and '<html lang="sv"' in page.text
    assert "Bekräfta din påminnelse" in page.text and "Ja, skicka påminnelsen till mig" in page.text
    done = english_browser.post(path, data={"csrf_token": csrf_of(page.text)}, headers=english)
    assert done.status_code == 200 and "Påminnelsen är bekräftad" in done.text and '<html lang="sv"' in done.text

    calendar = english_browser.get(person.url("/follow-up.ics"), headers=english)
    event = icalendar.Calendar.from_ical(calendar.data).walk("VEVENT")[0]
    assert "Uppföljning" in str(event["SUMMARY"]) and "Din plan:" in str(event["DESCRIPTION"])
    # The visitor's own choice still wins.
    chosen = english_browser.get(person.url("/follow-up.ics?lang=en"), headers=english)
    assert "Your plan:" in str(icalendar.Calendar.from_ical(chosen.data).walk("VEVENT")[0]["DESCRIPTION"])
