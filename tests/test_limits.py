"""Per-client limits on starting responses and rendering PDFs, the
machine-wide render slot, and the client address behind a proxy."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
from redis import Redis

from app import register_proxy
from services.db import db
from services.models import Response, RetakeLink, hash_token, new_token
from services.reporting import production

from .support.answers import varied_answers
from .support.app import make_app
from .support.coaches import create_workshop, login, make_coach
from .support.forms import Respondent, csrf_of


@pytest.fixture
def limited_app(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def start(client) -> int:
    page = client.get("/")
    return client.post("/start", data={"csrf_token": csrf_of(page.text), "language": "en", "name": ""}).status_code


def test_a_whole_workshop_behind_one_address_gets_in_with_the_default_limit(limited_app):
    coach = limited_app.test_client()
    login(coach, *make_coach(limited_app))
    _, code = create_workshop(coach)
    office = client_at(limited_app, "192.0.2.10")
    statuses = []
    for n in range(50):
        page = office.get(f"/join/{code}")
        statuses.append(office.post(f"/join/{code}", data={"csrf_token": csrf_of(page.text), "language": "en"}).status_code)
    assert statuses == [302] * 50


def test_starting_responses_is_limited_per_client(limited_app):
    limited_app.config["START_RATE_LIMIT"] = "3 per minute"
    flood = client_at(limited_app, "198.51.100.7")
    page = flood.get("/")
    assert flood.post("/start", data={"csrf_token": csrf_of(page.text), "language": "xx"}).status_code == 400  # not counted
    assert [start(flood) for _ in range(4)] == [302, 302, 302, 429]
    refused = flood.post("/start", data={"csrf_token": csrf_of(flood.get("/").text), "language": "en"})
    assert "Too many attempts" in refused.text and "Retry-After" in refused.headers
    assert start(client_at(limited_app, "198.51.100.8")) == 302  # someone else is not slowed down


def test_rendering_pdfs_is_limited_per_client_and_cached_ones_are_free(limited_app):
    # (not the `instrument` fixture: it makes a second app, and the one limiter follows the last app's settings)
    instrument = limited_app.extensions["instrument_bank"].current
    limited_app.config["RENDER_RATE_LIMIT"] = "2 per minute"
    person = Respondent(client_at(limited_app, "203.0.113.5"), instrument)
    person.start(name="Åsa")
    person.complete(varied_answers(instrument))
    assert person.client.get(person.url("/profile.pdf?lang=en")).status_code == 200  # rendered: 1
    assert person.client.get(person.url("/profile.pdf?lang=en")).status_code == 200  # cached: still 1
    assert person.client.get(person.url("/profile.pdf?lang=sv")).status_code == 200  # rendered: 2
    assert person.client.get(person.url("/profile.pdf?lang=sv")).status_code == 429  # this address is done for now
    other = client_at(limited_app, "203.0.113.6")
    assert other.get(person.url("/profile.pdf?lang=sv")).status_code == 200


def test_asking_again_while_a_pdf_is_being_made_costs_nothing_of_the_render_limit(limited_app):
    # The "being prepared" page asks again every 2 s, and each ask counted as a render: a
    # workshop behind one office address used up its limit waiting for its PDFs.
    instrument = limited_app.extensions["instrument_bank"].current
    limited_app.config.update(RENDER_RATE_LIMIT="2 per minute", RENDER_SLOTS=1)
    person = Respondent(client_at(limited_app, "203.0.113.9"), instrument)
    person.start()
    person.complete(varied_answers(instrument))
    slot = Path(limited_app.instance_path) / "render-slots" / ".render-slot-0"
    slot.parent.mkdir(parents=True, exist_ok=True)
    with open(slot, "a") as busy:
        fcntl.flock(busy, fcntl.LOCK_EX)  # another gunicorn worker is rendering
        waiting = [person.client.get(person.url("/profile.pdf?lang=en")).status_code for _ in range(5)]
        fcntl.flock(busy, fcntl.LOCK_UN)
    assert waiting == [202] * 5
    assert person.client.get(person.url("/profile.pdf?lang=en")).status_code == 200  # rendered: 1
    assert person.client.get(person.url("/profile.pdf?lang=sv")).status_code == 200  # rendered: 2


def test_with_a_report_queue_only_the_download_that_queues_a_pdf_counts(limited_app, redis_url):
    instrument = limited_app.extensions["instrument_bank"].current
    limited_app.config.update(RENDER_RATE_LIMIT="1 per minute", REDIS_URL=redis_url)
    Redis.from_url(redis_url).flushdb()
    try:
        person = Respondent(client_at(limited_app, "203.0.113.10"), instrument)
        person.start(language="en")
        person.complete(varied_answers(instrument))  # queues the English PDF: paid for by the start
        asking_again = [person.client.get(person.url("/profile.pdf?lang=en")).status_code for _ in range(3)]
        swedish = person.client.get(person.url("/profile.pdf?lang=sv")).status_code  # queues it: the one render allowed
        after = person.client.get(person.url("/profile.pdf?lang=sv")).status_code
    finally:
        Redis.from_url(redis_url).flushdb()
    assert asking_again == [202] * 3 and swedish == 202  # had asking again counted, Swedish would be refused
    assert after == 429  # the Swedish PDF's queuing was counted


def test_renders_beyond_the_machines_render_slots_wait_on_the_being_prepared_page(app, respondent, instrument,
                                                                                   monkeypatch):
    respondent.start()
    respondent.complete(varied_answers(instrument))
    slot = Path(app.instance_path) / "render-slots" / ".render-slot-0"
    slot.parent.mkdir(parents=True, exist_ok=True)
    with open(slot, "a") as busy, monkeypatch.context() as patched:
        fcntl.flock(busy, fcntl.LOCK_EX)  # another gunicorn worker is rendering
        # Asking again while the slot is busy costs no profile (issue #11 §6: those polls held the GIL).
        patched.setattr(production, "profile_report", lambda *a: pytest.fail("worked out the profile"))
        waiting = respondent.client.get(respondent.url("/profile.pdf"))
        fcntl.flock(busy, fcntl.LOCK_UN)
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "2"
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in waiting.text
    ready = respondent.client.get(respondent.url("/profile.pdf"))
    assert ready.status_code == 200 and ready.data.startswith(b"%PDF-")


def test_behind_a_proxy_the_client_is_the_forwarded_address(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, START_RATE_LIMIT="1 per minute", PROXY_COUNT=1)
    register_proxy(app)  # make_app set PROXY_COUNT after the factory ran
    proxy = app.test_client()
    for forwarded, expected in (("192.0.2.1", 302), ("192.0.2.2", 302), ("192.0.2.1", 429)):
        proxy.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
        assert start(proxy) == expected, forwarded


def test_retakes_count_against_the_same_limit_as_starts(limited_app):
    """Issue 25, F4: 150 retakes went through in 2.5 s while /start answered 429."""
    instrument = limited_app.extensions["instrument_bank"].current
    limited_app.config["START_RATE_LIMIT"] = "4 per minute"
    flood = client_at(limited_app, "198.51.100.20")
    person = Respondent(flood, instrument)
    person.start(name="Åsa")  # 1
    person.complete(varied_answers(instrument))
    link = new_token()
    with limited_app.app_context():
        db.session.add(RetakeLink(token_hash=hash_token(link), response_id=Response.by_token(person.token).id))
        db.session.commit()

    def retake(path):
        return flood.post(path, data={"csrf_token": csrf_of(flood.get(path).text)}).status_code

    assert retake(person.url("/retake")) == 302  # 2
    assert retake(f"/retake/{link}") == 302  # 3
    assert start(flood) == 302  # 4: starts and retakes share one budget
    assert [retake(person.url("/retake")), retake(f"/retake/{link}"), start(flood)] == [429, 429, 429]
    other = client_at(limited_app, "198.51.100.21")
    assert other.post(f"/retake/{link}", data={"csrf_token": csrf_of(other.get(f"/retake/{link}").text)}).status_code == 302


def test_heavy_pages_go_through_the_per_client_limiter(limited_app):
    """Issue 25, F14: the measurement page, profiles and plans had no limit."""
    instrument = limited_app.extensions["instrument_bank"].current
    limited_app.config["HEAVY_PAGE_RATE_LIMIT"] = "4 per minute"
    person = Respondent(client_at(limited_app, "198.51.100.29"), instrument)
    person.start()
    person.complete(varied_answers(instrument))
    client = client_at(limited_app, "198.51.100.30")
    statuses = [client.get("/about/measurement").status_code, client.get(person.url("/profile")).status_code,
                client.get(person.url("/plan")).status_code, client.get("/about/measurement").status_code]
    assert statuses == [200] * 4  # one budget for all heavy pages
    assert [client.get(p).status_code for p in ("/about/measurement", person.url("/profile"), person.url("/plan"))] == [429] * 3
    assert client.get("/about").status_code == 200  # a light page is not limited
    other = client_at(limited_app, "198.51.100.31")
    assert other.get("/about/measurement").status_code == 200 and other.get(person.url("/profile")).status_code == 200
