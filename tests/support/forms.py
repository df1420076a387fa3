"""Driving the app's forms as a browser does: CSRF tokens, answers shown on a page,
and a respondent who fills in the questionnaire."""

from __future__ import annotations

import re

# --- driving forms as a browser does --------------------------------------------

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN = re.compile(r'id="shown" name="shown" type="hidden" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def checked_answers(html: str) -> dict[str, int]:
    """The radios a page shows as ticked: {item id: value}."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if " checked" in tag and 'type="radio"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            found[name] = int(re.search(r'value="([^"]+)"', tag).group(1))
    return found


def page_fields(html: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(html), "shown": SHOWN.search(html).group(1)}


class Respondent:
    """Takes the questionnaire through the test client."""

    def __init__(self, client, instrument):
        self.client = client
        self.instrument = instrument
        self.token = None

    def start(self, name="", language="en", path="/", data=None):
        page = self.client.get(path)
        reply = self.client.post(
            "/start" if path == "/" else path,
            data={"csrf_token": csrf_of(page.text), "name": name, "language": language, **(data or {})},
        )
        assert reply.status_code == 302, reply.text[:500]
        self.token = reply.location.split("/response/")[1].split("/")[0]
        return reply

    def url(self, suffix=""):
        return f"/response/{self.token}{suffix}"

    def answer_page(self, number, answers, action="next", extra=None):
        page = self.client.get(self.url(f"/page/{number}"))
        assert page.status_code == 200, page.text[:300]
        data = {**page_fields(page.text), "action": action, **{k: str(v) for k, v in answers.items()}, **(extra or {})}
        return self.client.post(self.url(f"/page/{number}"), data=data)

    def complete(self, answers):
        for number, items in enumerate(self.instrument.pages, 1):
            reply = self.answer_page(number, {i.id: answers[i.id] for i in items if i.id in answers})
            assert reply.status_code == 302, reply.text[:500]
        return reply
