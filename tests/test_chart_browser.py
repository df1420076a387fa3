"""Which Chromium draws the PDF charts (issue 29): Debian's chromium-headless-shell, which
holds less memory than the full browser, and draws the same charts as the full browser did."""

import random
import re
import shutil
from datetime import date

import pytest

from assessment import AnswerSet, load_instrument, score_answers
from reports import chart_export
from reports.chart_export import HEADLESS_SHELL, ChartExporter, find_browser
from reports.report_model import ProfileReport, profile_figures

from .support.paths import QUESTIONS

# plotly names its clip paths and definitions after a random id per export
RANDOM_IDS = re.compile(r"(defs-|clip|topdefs-)[0-9a-f]{6}")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
# CI once saw the two browsers' charts differ in one run of two on the same machine (neither
# run here showed it again in 80 exports of the four charts, half of them under load): a coordinate a pixel apart is the same
# chart to a reader; different text, elements or a shift of more than a pixel is not.
PIXEL = 1.0


def differences(first: str, second: str) -> list[str]:
    """Where two exports of one chart differ: in their text and elements, or in a number by more
    than a pixel; each difference with the text around it."""
    if NUMBER.split(first) != NUMBER.split(second):
        at = next(i for i, (a, b) in enumerate(zip(first, second)) if a != b) if first != second else 0
        return [f"text or elements differ near {first[max(0, at - 120):at + 120]!r} / {second[max(0, at - 120):at + 120]!r}"]
    found = []
    for a, b in zip(NUMBER.finditer(first), NUMBER.finditer(second)):
        if abs(float(a.group()) - float(b.group())) > PIXEL:
            found.append(f"{a.group()} against {b.group()} in {first[max(0, a.start() - 100):a.end() + 20]!r}")
    return found


def export_with(browser: str, figures) -> list[str]:
    exporter = ChartExporter(timeout=30)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("BROWSER_PATH", browser)
            return [RANDOM_IDS.sub(r"\1ID", svg) for svg in exporter.svgs(figures)]
    finally:
        exporter.close()


def test_the_headless_shell_is_the_chart_browser_when_installed(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert find_browser() == HEADLESS_SHELL  # scripts/system-deps.sh installs it
    monkeypatch.setattr(chart_export, "HEADLESS_SHELL", "/nonexistent/chromium-headless-shell")
    monkeypatch.setattr(chart_export.shutil, "which", lambda name: "/usr/bin/chromium" if name == "chromium" else None)
    assert find_browser() == "/usr/bin/chromium"


def test_the_headless_shell_draws_the_same_charts_as_the_full_browser():
    # Every chart of a Swedish v3 profile (labels with å, ä, ö, dashes and end-anchored score
    # texts, where the two browsers' text measurement once differed by 1-2 px).
    instrument = load_instrument(QUESTIONS / "v3")
    rng = random.Random(3)
    answers = {item.id: rng.randint(1, 5) for item in instrument.items}
    profile = score_answers(instrument, AnswerSet("sv", answers, "Åsa Öström"))
    figures = profile_figures(ProfileReport(profile, instrument, answers, "Åsa Öström", date(2026, 12, 7)))
    full = shutil.which("chromium") or "/usr/bin/chromium"
    shell = export_with(HEADLESS_SHELL, figures)
    assert len(shell) == len(figures) == 4
    full_svgs = export_with(full, figures)
    found = [f"chart {n}: {d}" for n, (a, b) in enumerate(zip(shell, full_svgs)) for d in differences(a, b)]
    assert not found, "\n".join(found[:8])


def test_a_difference_beyond_a_pixel_or_in_text_is_found():
    chart = '<svg width="640"><text x="17.5" y="3.85">Skjuter upp</text></svg>'
    assert differences(chart, chart.replace("17.5", "18.3")) == []
    assert differences(chart, chart.replace("17.5", "19.0"))
    assert differences(chart, chart.replace("Skjuter upp", "Skjuter fram"))
    assert differences(chart, chart.replace("</text>", "</text><rect/>"))

