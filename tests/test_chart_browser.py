"""Which Chromium draws the PDF charts (issue 29): Debian's chromium-headless-shell, which
holds less memory than the full browser, and draws the same charts as the full browser did."""

import random
import shutil
from datetime import date

import pytest

from assessment import AnswerSet, load_instrument, score_answers
from reports import chart_export
from reports.chart_export import HEADLESS_SHELL, ChartExporter, find_browser
from reports.report_model import ProfileReport, profile_figures

from .support.paths import QUESTIONS
from .support.reports import canonical_svg


def first_difference(first: str, second: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(first, second)) if a != b), min(len(first), len(second)))
    return f"{first[max(0, at - 150) : at + 80]!r}\n  against\n{second[max(0, at - 150) : at + 80]!r}"


def export_with(browser: str, figures) -> list[str]:
    exporter = ChartExporter(timeout=30)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("BROWSER_PATH", browser)
            return [canonical_svg(svg) for svg in exporter.svgs(figures)]
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
    found = [f"chart {n}: {first_difference(a, b)}" for n, (a, b) in enumerate(zip(shell, export_with(full, figures))) if a != b]
    assert not found, "\n".join(found)
