"""Follow-up helpers: a plan made on a finished profile, its calendar file, answers
keyed per scale, a retake, and a follow-up workshop with people joining it.

Import these from here (tests/support/followup.py), never from another test module."""

from __future__ import annotations

import math
import re

from .forms import Respondent, csrf_of


def plan_data(html, **overrides):
    data = {
        "csrf_token": csrf_of(html),
        "actions-0-scale_id": "weak_close",
        "actions-0-situation": "a meeting is about to end without a next step",
        "actions-0-step": "propose a date before we hang up",
        "actions-1-scale_id": "", "actions-1-situation": "", "actions-1-step": "",
        "actions-2-scale_id": "", "actions-2-situation": "", "actions-2-step": "",
        "follow_up": "30", "follow_up_on": "", "email": "",
    }
    data.update(overrides)
    return data

def make_plan(done, **overrides):
    page = done.client.get(done.url("/plan"))
    assert page.status_code == 200
    return done.client.post(done.url("/plan"), data=plan_data(page.text, **overrides))

def _ics(done, lang="en"):
    reply = done.client.get(done.url(f"/follow-up.ics?lang={lang}"))
    assert reply.status_code == 200 and reply.mimetype == "text/calendar"
    assert "attachment" in reply.headers["Content-Disposition"]
    return reply.data

def answers_for(instrument, keyed: dict[str, list[int] | int], default: int = 2) -> dict[str, int]:
    """Answers giving each scale's items these keyed values (before reverse keying)."""
    answers = {}
    for scale in instrument.scales:
        wanted = keyed.get(scale.id, default)
        values = wanted if isinstance(wanted, list) else [wanted] * len(scale.items)
        for item, value in zip(scale.items, values):
            answers[item.id] = 6 - value if item.reverse else value
    return answers

def by_hand(instrument, keyed_then, keyed_now, scale_id):
    """Score each take and the change score the slow way: mean → 0–100; expected retest
    M + r·(then − M); z = (now − expected) / (SD·√(1 − r²))."""
    scale = instrument.scale(scale_id)

    def score(keyed):
        wanted = keyed.get(scale_id, 2)
        values = wanted[:len(scale.items)] if isinstance(wanted, list) else [wanted] * len(scale.items)
        return (sum(values) / len(values) - 1) / 4 * 100

    r, mean, sd = scale.retest.value, scale.retest.mean, scale.retest.sd
    then, now = score(keyed_then), score(keyed_now)
    return then, now, (now - (mean + r * (then - mean))) / (sd * math.sqrt(1 - r * r))

def retake(client, previous: Respondent) -> Respondent:
    page = client.get(previous.url("/retake"))
    assert page.status_code == 200
    reply = client.post(previous.url("/retake"), data={"csrf_token": csrf_of(page.text)})
    assert reply.status_code == 302 and "/page/1" in reply.location
    new = Respondent(client, previous.instrument)
    new.token = reply.location.split("/response/")[1].split("/")[0]
    return new

THEN = {"postponing_contact": 5, "weak_close": 5, "abandoned_follow_up": 4, "fear_of_pushiness": 3}

NOW = {"postponing_contact": 2, "weak_close": 4, "abandoned_follow_up": 4, "fear_of_pushiness": [4] + [3] * 20}

def create_follow_up(coach, workshop_id, held_on="2027-01-15"):
    page = coach.get(f"/coach/workshops/{workshop_id}")
    reply = coach.post(f"/coach/workshops/{workshop_id}/follow-up",
                       data={"csrf_token": csrf_of(page.text), "held_on": held_on})
    assert reply.status_code == 302
    follow_up_id = int(reply.location.rstrip("/").split("/")[-1])
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', coach.get(reply.location).text).group(1)
    return follow_up_id, code

def join(client, instrument, code, *, name="", share=True, previous_link=None, keyed=None):
    person = Respondent(client, instrument)
    page = client.get(f"/join/{code}")
    data = {"csrf_token": csrf_of(page.text), "language": "en", "name": name}
    if share:
        data["share_with_coach"] = "y"
    if previous_link is not None:
        data["previous_link"] = previous_link
    reply = client.post(f"/join/{code}", data=data)
    if reply.status_code != 302:
        return reply
    person.token = reply.location.split("/response/")[1].split("/")[0]
    person.complete(answers_for(instrument, keyed or THEN))
    return person
