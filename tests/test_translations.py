"""The Swedish catalog is complete and in use."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def _forms(string) -> tuple:
    return string if isinstance(string, tuple) else (string,)


def test_every_ui_string_has_a_swedish_translation():
    template = read_po(open(TRANSLATIONS / "messages.pot", "rb"))
    swedish = read_po(open(TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po", "rb"))
    # A message with a context (pgettext) is a message of its own: looked up by id and context.
    translated = [(m, swedish.get(m.id, context=m.context)) for m in template if m.id]
    missing = [m.id for m, sv in translated if sv is None or not all(_forms(sv.string))]
    fuzzy = [m.id for m in swedish if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []
    assert len(template) > 200


def test_placeholders_survive_translation():
    swedish = read_po(open(TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po", "rb"))
    for message in swedish:
        if message.id:
            # Plural messages are tuples: every form keeps the source's placeholders.
            source = message.id if isinstance(message.id, tuple) else (message.id,)
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = sorted(set(re.findall(r"%\(\w+\)[sd]", " ".join(source))))
            for form in forms:
                assert sorted(set(re.findall(r"%\(\w+\)[sd]", form))) == wanted, message.id


def test_the_catalog_is_compiled_and_used(client):
    # Babel falls back to English silently when the .mo is missing; this would notice.
    page = client.get("/", headers={"Accept-Language": "sv"})
    assert "Börja svara" in page.text and "Start the questionnaire" not in page.text
