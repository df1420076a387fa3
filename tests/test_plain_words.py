"""What the salesperson reads, in plain words and true for them (a fresh-eyes walk, 2026-12-07):
a healthy seller was told to look at questions they had answered "Often", which they never had;
"How sure are these numbers?" opened on reliability and standard errors; the consent box spoke of
"reliability and comparison figures"."""

from __future__ import annotations

import io

import markupsafe
import pytest
from pypdf import PdfReader

from reports.i18n import translations

from .support.followup import answers_for
from .support.forms import Respondent

NEVER = {"postponing_contact": 1, "weak_close": 1, "abandoned_follow_up": 1, "fear_of_pushiness": 1}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_healthy_seller_is_told_to_keep_doing_what_works_and_nothing_untrue(client, instrument, language):
    person = Respondent(client, instrument)
    person.start(language=language)
    person.complete(answers_for(instrument, NEVER))
    gettext = translations(language).gettext
    page = markupsafe.Markup(client.get(person.url(f"/profile?lang={language}")).text).unescape()
    pdf = " ".join(" ".join(p.extract_text().split()) for p in
                   PdfReader(io.BytesIO(client.get(person.url(f"/profile.pdf?lang={language}")).data)).pages)
    said = gettext("None of your scores is high or moderate, so there's nothing in particular to fix. Keep doing what works.")
    assert gettext("No big tripwire") in page and said in page and said in pdf
    often, always = ("”Ofta”", "”Nästan alltid”") if language == "sv" else ("“Often”", "“Almost always”")
    assert often not in page and always not in page and often not in pdf, "they answered neither"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_how_sure_opens_with_one_plain_sentence_and_the_consent_box_speaks_plainly(client, instrument, language):
    person = Respondent(client, instrument)
    person.start(language=language)
    person.complete(answers_for(instrument, {"weak_close": 4}))
    gettext = translations(language).gettext
    page = markupsafe.Markup(client.get(person.url(f"/profile?lang={language}")).text).unescape()
    how_sure = page.split("data-how-sure>")[1].split("</details>")[0]
    first = how_sure.split('<p class="in-short"><b>')[1].split("</b>")[0]
    assert first == gettext("In short: no questionnaire measures exactly, so each score comes with a range it "
                            "likely lies in. Below is the detail behind that.")
    assert how_sure.index(first) < how_sure.index(gettext("Likely range"))
    for word in ("standard error", "standardavvikelse"):
        assert word not in how_sure
    assert ("typiskt mätfel" if language == "sv" else "typical measurement error") in how_sure
    start = markupsafe.Markup(client.get(f"/?lang={language}").text).unescape()
    assert ("hur exakt det mäter" if language == "sv" else "how exactly it measures") in start
    assert "reliabilitet och jämförelsesiffror" not in start and "reliability and comparison figures" not in start


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_yielders_first_screen_says_all_three_habits_are_high_too(client, instrument, language):
    """The article's Yielder (every behaviour and the driver high) saw only "Your biggest tripwire:
    fear of seeming pushy" and a writing exercise first; the three high habits were a scroll away."""
    person = Respondent(client, instrument)
    person.start(language=language)
    person.complete(answers_for(instrument, {"postponing_contact": 4, "weak_close": 4, "abandoned_follow_up": 4,
                                             "fear_of_pushiness": 5}))
    page = markupsafe.Markup(client.get(person.url(f"/profile?lang={language}")).text).unescape()
    headline = page.split("data-headline>")[1].split("</section>")[0]
    also = headline.split("data-also-high>")[1].split("</p>")[0]
    gettext = translations(language).gettext
    assert also.startswith(gettext("Also high: %(scales)s.").split("%")[0])
    names = [s.name[language] for s in instrument.scales if s.kind == "behaviour"]
    assert all(name in also for name in names), also
    assert instrument.scale("fear_of_pushiness").name[language] not in also, "the biggest is named above, once"


def test_a_person_with_one_high_scale_gets_no_also_high_line(client, instrument):
    person = Respondent(client, instrument)
    person.start(language="en")
    person.complete(answers_for(instrument, {"weak_close": 5, "postponing_contact": 1, "abandoned_follow_up": 1,
                                             "fear_of_pushiness": 1}))
    assert "data-also-high" not in client.get(person.url("/profile?lang=en")).text
