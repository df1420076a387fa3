"""The threat model in the README and the privacy page make the same promises
(issue 25): word for word in English, and every one of them in Swedish too."""

from __future__ import annotations

import html
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
KEYS = {"visitor", "participant", "self-test", "named", "anonymous", "operator"}


def promises(page: str) -> dict[str, str]:
    found = re.findall(r'<li data-promise="([a-z-]+)">(.*?)</li>', page, re.S)
    return {key: " ".join(html.unescape(text).split()) for key, text in found}


def readme_promises() -> dict[str, str]:
    section = README.read_text(encoding="utf-8").split("## Threat model")[1].split("\n## ")[0]
    return {key: " ".join(text.split()) for key, text in re.findall(r"^- \*\*([a-z-]+)\*\*: (.+?)(?=\n- |\n\n)", section, re.S | re.M)}


def test_the_readme_and_the_privacy_page_make_the_same_promises(client):
    english = promises(client.get("/privacy?lang=en").text)
    assert set(english) == KEYS
    assert readme_promises() == english
    # the promises the issue asks for are among them
    assert "Never the plan" in english["named"] and "follow-up code" in english["named"]
    assert "neither change nor delete the earlier one" in english["participant"]
    assert "no coach's follow-up session can be linked" in english["self-test"]
    assert "never one person's answers or scores" in english["anonymous"]
    assert "never contain a private link" in english["operator"]


def test_the_swedish_privacy_page_makes_every_promise_in_swedish(client):
    english = promises(client.get("/privacy?lang=en").text)
    swedish = promises(client.get("/privacy?lang=sv").text)
    assert set(swedish) == KEYS
    assert all(swedish[key] != english[key] for key in KEYS), "a promise left in English"
    assert "Aldrig planen" in swedish["named"] and "uppföljningskod" in swedish["named"]
    assert "varken ändra eller radera" in swedish["participant"]
