"""One name for one concept (the final walk): the score's range is the "likely range" / "troligt
spann" on the salesperson's and the coach's screens and PDFs, its 90 % meaning said where a reader
needs it (no "90 % interval" left beside it); the bands are fixed limits, not a comparison with
others, in the same words everywhere and once on the profile page; the profile chart's note says
what its brackets are; the plan calls the driver a driver."""

from __future__ import annotations

import html as html_lib
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from .support.answers import varied_answers
from .support.coaches import create_workshop, join_and_complete
from .support.followup import NOW, THEN, answers_for, retake
from .support.forms import Respondent

WORDS = {
    "en": {
        "footer": "Free and open source. Bands are fixed limits, not a comparison with others.",
        "caption": "Scores from 0 (never) to 100 (almost always); the numbers in brackets are the likely range. Bands are fixed limits, not a comparison with others.",
        "bands": "The bands have fixed limits on the answer scale: they don't compare you with other salespeople, "
                 "and we may still adjust them.",
        "team_bands": "The bands have fixed limits on the answer scale: they don't compare anyone with other "
                      "salespeople, and we may still adjust them.",
        "chart_key": "The bar is your score; the thin line across it, and the numbers in brackets where shown, "
                     "give its likely range.",
        "pdf_range": "The likely range after each score (“likely between”) is where the true score",
        "comparison": "In brackets is each score's likely range: where the true score lies with 90 % confidence.",
        "no_overlap": "Two likely ranges that do not overlap are not enough on their own",
        "grid": "In brackets: the likely range – where the score lies with 90 % confidence.",
        "header": "Likely range",
        "then_and_now": "Then and now",
        "plan_label": "Behaviour or driver",
        "plan_choose": "Choose one (optional)",
    },
    "sv": {
        "footer": "Fri och öppen källkod. Nivåerna är fasta gränser, ingen jämförelse med andra.",
        "caption": "Poäng från 0 (aldrig) till 100 (nästan alltid); siffrorna inom parentes är det troliga spannet. Nivåerna är fasta gränser, ingen jämförelse med andra.",
        "bands": "Nivåerna har fasta gränser på svarsskalan: de jämför dig inte med andra säljare, och vi kan "
                 "komma att justera dem.",
        "team_bands": "Nivåerna har fasta gränser på svarsskalan: de jämför ingen med andra säljare, och vi kan "
                      "komma att justera dem.",
        "chart_key": "Stapeln är din poäng; det tunna strecket över den, och siffrorna inom parentes där de visas, "
                     "anger dess troliga spann.",
        "pdf_range": "Det troliga spannet efter varje poäng (”troligen mellan”) är där det sanna värdet",
        "comparison": "Inom parentes står varje poängs troliga spann: där det sanna värdet ligger med 90 procents "
                      "säkerhet.",
        "no_overlap": "Att två troliga spann inte överlappar räcker inte ensamt",
        "grid": "Inom parentes: det troliga spannet – där poängen ligger med 90 procents säkerhet.",
        "header": "Troligt spann",
        "then_and_now": "Då och nu",
        "plan_label": "Beteende eller drivkraft",
        "plan_choose": "Välj (valfritt)",
    },
}
# The old names: an "interval" beside the "likely range", and bands called provisional / not norms.
OLD = ("90 % interval", "90 %-intervall", "90-procentsintervall", "90 % interval", "90 %-intervall",
       "Bands are provisional", "Nivåerna är preliminära", "provisional criterion", "preliminära kriterie",
       "not norms", "inte normer")


def plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", html_lib.unescape(text)).split())


def page_text(reply) -> str:
    assert reply.status_code == 200
    return plain(reply.text)


def pdf_text(data: bytes) -> str:
    return " ".join(plain(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def old_words(text: str) -> list[str]:
    return [old for old in OLD if plain(old) in text]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_profile_page_keys_its_brackets_and_says_the_bands_once(client, instrument, language):
    words = WORDS[language]
    done = Respondent(client, instrument)
    done.start(language=language)
    done.complete(varied_answers(instrument))
    page = page_text(client.get(done.url(f"/profile?lang={language}")))
    assert words["chart_key"] in page  # true at 1280 px (brackets) and 375 px (none)
    assert page.count(words["bands"]) == 1  # under the chart, not again inside "How sure"
    assert words["footer"] in page
    assert ("90 procents säkerhet" if language == "sv" else "90 % confidence") in page
    assert old_words(page) == []

    pages = pdf_pages(client.get(done.url(f"/profile.pdf?lang={language}")).data)
    assert words["caption"] in pages[0]
    assert words["pdf_range"] in " ".join(pages)
    assert old_words(" ".join(pages)) == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_then_and_now_names_the_brackets_the_likely_range(client, instrument, language):
    words = WORDS[language]
    first = Respondent(client, instrument)
    first.start(language=language)
    first.complete(answers_for(instrument, THEN))
    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    page = client.get(second.url(f"/profile?lang={language}"))
    how_we_count = plain(page.text.split("data-how-we-count")[1])
    assert words["comparison"] in how_we_count and words["no_overlap"] in how_we_count
    assert old_words(page_text(page)) == []

    pages = pdf_pages(client.get(second.url(f"/profile.pdf?lang={language}")).data)
    start = next(n for n, p in enumerate(pages) if words["then_and_now"] in p)
    comparison = " ".join(pages[start:start + 2])
    assert words["comparison"] in comparison and words["no_overlap"] in comparison
    assert old_words(" ".join(pages)) == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_coachs_grid_team_pdf_and_edition_say_likely_range(app, coach, instrument, language):
    words = WORDS[language]
    workshop_id, code = create_workshop(coach, title="Named", privacy="named", language=language)
    for k, name in enumerate(("Åsa", "Bo")):
        join_and_complete(app.test_client(), instrument, code, name=name, share=True, offset=k, language=language)
    show = page_text(coach.get(f"/coach/workshops/{workshop_id}?lang={language}"))
    assert words["grid"] in show and words["footer"] in show
    assert old_words(show) == []

    team = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/team.pdf?lang={language}").data)
    assert words["grid"] in team and words["team_bands"] in team
    assert old_words(team) == []

    ids = re.findall(r'<tr data-id="(\d+)">', coach.get(f"/coach/workshops/{workshop_id}").text)
    edition = pdf_text(coach.get(f"/coach/workshops/{workshop_id}/responses/{ids[0]}/coach.pdf?lang={language}").data)
    assert f"{words['header']} " in edition
    assert old_words(edition) == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_plan_names_the_driver_a_driver(client, instrument, language):
    words = WORDS[language]
    done = Respondent(client, instrument)
    done.start(language=language)
    done.complete(varied_answers(instrument))
    page = client.get(done.url(f"/plan?lang={language}")).text
    assert words["plan_label"] in plain(page) and words["plan_choose"] in plain(page)
    driver = instrument.scale("fear_of_pushiness").name[language]
    behaviour = instrument.scale("weak_close").name[language]
    assert f'<option value="fear_of_pushiness">{driver}</option>' in page  # the driver, under a label that says so
    assert f'<option value="weak_close">{behaviour}</option>' in page
