"""Virtual workshop participants and a coach, driven by bench/loadtest.py.

Each participant behaves like a browser: fetches each form, posts it back with
its CSRF token and page stamp, reaches the profile and downloads the PDF. Some
join the workshop with its code; the coach polls the live team view. Every page
the server acknowledged (302) is written to LOADTEST_LOG, so the driver can
check afterwards that the database has every acknowledged answer."""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time

import gevent
from locust import HttpUser, between, events, task

CODE = os.environ["LOADTEST_JOIN_CODE"]
PARTICIPANTS = int(os.environ["LOADTEST_PARTICIPANTS"])
WORKSHOP_SHARE = float(os.environ.get("LOADTEST_WORKSHOP_SHARE", "0.5"))
LOG = os.environ["LOADTEST_LOG"]
ITEMS = json.loads(os.environ["LOADTEST_PAGES"])  # [[item ids of page 1], ...]
LANGUAGES = json.loads(os.environ["LOADTEST_LANGUAGES"])  # the instrument's
DOWNLOAD_PDF = os.environ.get("LOADTEST_PDF", "1") == "1"
ATTACKERS = int(os.environ.get("LOADTEST_ATTACKERS", "0"))
READING_SECONDS = (10.0, 30.0)
# Participants arrive this many seconds after the run starts (the attackers start at once):
# a workshop that begins while an attack is already running, on a server it has warmed.
PARTICIPANTS_AFTER = float(os.environ.get("LOADTEST_PARTICIPANTS_AFTER", "0"))
# Participant n arrives n / SPAWN_RATE seconds after that, with or without attackers. Locust's own
# spawn rate covers all users, so it is raised by the number of attackers to start them at once;
# left to it, a run with 8 attackers brought the 60 participants in 6 s instead of 15 s, and the
# paired runs compared two different workshops (docs/decisions/0009-the-load-test-measures-the-server.md).
SPAWN_RATE = float(os.environ.get("LOADTEST_SPAWN_RATE", "4"))
_arrivals = iter(range(10**6))

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN = re.compile(r'name="shown" type="hidden" value="([^"]+)"')
_lock = threading.Lock()
_acknowledged: list[dict] = []
_finished = 0
_started_at = time.monotonic()
_arrival_times: list[float] = []  # seconds from start until each participant's first request
_profile_times: list[float] = []  # seconds from start until each participant reached the profile
_finish_times: list[float] = []
_timeline: list[tuple[float, str, float]] = []  # (seconds from start, request name, ms): when the slow ones happened


def csrf(html: str) -> str:
    return CSRF.search(html).group(1)


_addresses = iter(range(1, 10**6))


def own_address(user: HttpUser, prefix: str) -> None:
    # The server trusts one proxy (PROXY_COUNT=1): each virtual client is its own address,
    # as real people and an attacker's machines are behind a reverse proxy.
    n = next(_addresses)
    user.client.headers["X-Forwarded-For"] = f"{prefix}.{n // 250 % 250}.{n % 250 + 1}"


class Participant(HttpUser):
    weight = 100
    wait_time = between(0.2, 1.0)

    done = False

    def on_start(self):
        own_address(self, "10.1")
        arrival = _started_at + PARTICIPANTS_AFTER + next(_arrivals) / SPAWN_RATE
        gevent.sleep(max(0.0, arrival - time.monotonic()))

    @task
    def take_the_test(self):
        # One run through per virtual participant. (Locust would replace a user
        # that raised StopUser, adding participants; a finished one idles instead.)
        if self.done:
            time.sleep(5)
            return
        self.done = True
        self._run_once()

    def _run_once(self):
        rng = random.Random()
        with _lock:
            _arrival_times.append(time.monotonic() - _started_at)
        if rng.random() < WORKSHOP_SHARE:
            page = self.client.get(f"/join/{CODE}", name="/join/[code]")
            reply = self.client.post(f"/join/{CODE}", name="/join/[code] POST", allow_redirects=False,
                                     data={"csrf_token": csrf(page.text), "language": "sv", "name": f"P{rng.randint(1, 10**6)}",
                                           "share_with_coach": "y"})
        else:
            page = self.client.get("/", name="/")
            reply = self.client.post("/start", name="/start", allow_redirects=False,
                                     data={"csrf_token": csrf(page.text), "language": rng.choice(LANGUAGES), "name": ""})
        if reply.status_code != 302:
            return
        token = reply.headers["Location"].split("/response/")[1].split("/")[0]
        for number, items in enumerate(ITEMS, 1):
            url = f"/response/{token}/page/{number}"
            page = self.client.get(url, name="page GET")
            self.wait()
            answers = {item: rng.randint(1, 5) for item in items}
            with self.client.post(url, name="page POST", allow_redirects=False, catch_response=True,
                                  data={"csrf_token": csrf(page.text), "shown": SHOWN.search(page.text).group(1),
                                        "action": "next", **{k: str(v) for k, v in answers.items()}}) as posted:
                if posted.status_code == 302:
                    posted.success()
                    with _lock:
                        _acknowledged.append({"token": token, "page": number, "answers": answers})
                else:
                    posted.failure(f"page {number}: HTTP {posted.status_code}")
                    return
        self.client.get(f"/response/{token}/profile", name="profile")
        with _lock:
            _profile_times.append(time.monotonic() - _started_at)
        if not DOWNLOAD_PDF:
            self._finish()
            return
        time.sleep(random.uniform(*READING_SECONDS))  # people read their profile before downloading
        waited_from = time.monotonic()
        for _ in range(200):  # as a browser follows the "being prepared" page's 2-second refresh
            pdf = self.client.get(f"/response/{token}/profile.pdf", name="profile.pdf")
            if pdf.status_code != 202:
                break
            time.sleep(2)
        events.request.fire(request_type="WAIT", name="PDF ready after", response_time=(time.monotonic() - waited_from) * 1000,
                            response_length=0, exception=None)
        if pdf.content[:5] != b"%PDF-":
            events.request.fire(request_type="CHECK", name="pdf is a PDF", response_time=0, response_length=0,
                                exception=Exception("not a PDF"))
        self._finish()

    def _finish(self):
        global _finished
        with _lock:
            _finished += 1
            _finish_times.append(time.monotonic() - _started_at)
            if _finished >= PARTICIPANTS:
                # From its own greenlet: quit() stops all users, this one included.
                gevent.spawn(self.environment.runner.quit)


class Attacker(HttpUser):
    """Starts responses, answers every page at once and has each PDF rendered,
    as fast as the server lets it, until the participants are done. Its
    requests are named "attack …", so the participants' figures stay their own."""

    fixed_count = ATTACKERS
    abstract = ATTACKERS == 0  # (a fixed_count of 0 would make it a weighted user)
    wait_time = between(0, 0)

    def on_start(self):
        own_address(self, "198.51")

    @task
    def flood(self):
        page = self.client.get("/", name="attack /")
        reply = self.client.post("/start", name="attack /start", allow_redirects=False,
                                 data={"csrf_token": csrf(page.text), "language": "en", "name": "Flood"})
        if reply.status_code == 429:
            time.sleep(1)
            return
        if reply.status_code != 302:
            return
        token = reply.headers["Location"].split("/response/")[1].split("/")[0]
        for number, items in enumerate(ITEMS, 1):
            url = f"/response/{token}/page/{number}"
            page = self.client.get(url, name="attack page GET")
            posted = self.client.post(url, name="attack page POST", allow_redirects=False,
                                      data={"csrf_token": csrf(page.text), "shown": SHOWN.search(page.text).group(1),
                                            "action": "next", **{item: "3" for item in items}})
            if posted.status_code != 302:
                return
        for _ in range(30):
            pdf = self.client.get(f"/response/{token}/profile.pdf", name="attack profile.pdf")
            if pdf.status_code != 202:
                break
            time.sleep(2)
        if pdf.status_code == 200:
            events.request.fire(request_type="ATTACK", name="attack PDF rendered", response_time=0, response_length=0, exception=None)
        elif pdf.status_code == 429:
            time.sleep(1)


class Coach(HttpUser):
    fixed_count = 1
    wait_time = between(3, 3)

    def on_start(self):
        page = self.client.get("/coach/login", name="coach login")
        self.client.post("/coach/login", name="coach login POST",
                         data={"csrf_token": csrf(page.text), "email": os.environ["LOADTEST_COACH_EMAIL"],
                               "password": os.environ["LOADTEST_COACH_PASSWORD"]})

    @task
    def watch_the_team(self):
        self.client.get(f"/coach/workshops/{os.environ['LOADTEST_WORKSHOP_ID']}/team.json", name="team view poll",
                        headers={"Accept": "application/json"})


@events.test_start.add_listener
def _start_clock(environment, **_kwargs):
    global _started_at
    _started_at = time.monotonic()


@events.request.add_listener
def _record(request_type, name, response_time, **_kwargs):
    _timeline.append((round(time.monotonic() - _started_at, 3), name, round(response_time, 1)))


@events.quitting.add_listener
def _write_log(environment, **_kwargs):
    with open(LOG, "w", encoding="utf-8") as handle:
        json.dump({"acknowledged": _acknowledged, "finished": _finished, "arrival_times": _arrival_times,
                   "profile_times": _profile_times, "finish_times": _finish_times,
                   # CLOCK_MONOTONIC is the machine's: the driver places its pressure samples with it
                   "started_at_monotonic": _started_at, "timeline": _timeline}, handle)
