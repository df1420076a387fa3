"""Where one warm profile report's CPU goes (issue 29, "Each PDF cheaper"): the figures, the
chart export (this process's side, and the chart browser's CPU read from /proc), the SVG
slimming, the HTML, WeasyPrint's parse, layout and PDF writing, and the garbage collector's
share of all that. Medians over N reports after a warm-up; CPU time, not wall time, so that
load from other processes counts little.

  .venv/bin/python bench/pdf_stages.py [--reports 20] [--lite-js] [--floor]

--floor adds what WeasyPrint alone costs on the same reports with each chart an empty image
of its size (no chart drawn) and as an untagged PDF (no PDF/UA structure), and the marginal cost
a batch on two cores could reach if the chart browser cost nothing: the lower bound for any
change short of a smaller report or another layout engine (docs/decisions/0014).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import AnswerSet, load_instrument, score_answers  # noqa: E402
from cli.workshops import synthetic_answers  # noqa: E402
from reports import layout, pdf  # noqa: E402
from reports.batch import batch_chart_exporter  # noqa: E402
from reports.chart_export import ChartExporter  # noqa: E402
from reports.report_model import profile_chart_urls  # noqa: E402
from reports.svg import slim_svg  # noqa: E402
from reports.weasyprint_hooks import HTML  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def group_cpu(pgid: int) -> float:
    """CPU seconds of every process in the chart browser's process group."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--lite-js", action="store_true", help="the serving processes' browser (V8 lite mode)")
    parser.add_argument("--floor", action="store_true", help="WeasyPrint alone, without charts and untagged")
    args = parser.parse_args()
    instrument = load_instrument(ROOT / "questions" / "v3")
    rng = random.Random(7)
    reports = []
    prepared = []  # (html, chart images) of each report, for --floor
    for k in range(args.reports + 1):
        answers = synthetic_answers(instrument, rng)
        profile = score_answers(instrument, AnswerSet("sv", answers, f"Person {k}"))
        reports.append(pdf.ProfileReport(profile, instrument, answers, f"Person {k}", date(2026, 12, 6)))
    exporter = ChartExporter() if args.lite_js else batch_chart_exporter()
    pdf.warm_up(instrument.languages)
    pdf.render_profile_pdf_in_process(reports.pop(), exporter)

    in_gc = [0.0, 0.0]  # total, start

    def gc_clock(phase, _info):
        if phase == "start":
            in_gc[1] = time.thread_time()
        else:
            in_gc[0] += time.thread_time() - in_gc[1]

    gc.callbacks.append(gc_clock)
    stages: dict[str, list[float]] = {}

    def timed(name, work):
        start = time.thread_time()
        result = work()
        stages.setdefault(name, []).append((time.thread_time() - start) * 1000)
        return result

    browser_before = group_cpu(exporter.browser_pid)
    for report in reports:
        figures = timed("figures", lambda: pdf.profile_figures(report))
        raw = timed("chart export (this process)", lambda: exporter.svgs(figures))
        svgs = timed("SVG slimming", lambda: [slim_svg(svg) for svg in raw])
        images = dict(zip(profile_chart_urls(report), svgs))
        html = timed("HTML", lambda: pdf.profile_html(report))
        prepared.append((html, images))
        with layout._one_collection_after():
            document = timed("WeasyPrint parse", lambda: HTML(
                string=html, base_url=str(layout.TEMPLATES / "pdf"), url_fetcher=layout._ChartFetcher(images)))
            rendered = timed("WeasyPrint layout", lambda: document.render(
                stylesheets=[layout._stylesheet()], pdf_variant=layout.PDF_VARIANT, font_config=layout._fonts(),
                pdf_identifier=False))
            timed("WeasyPrint draw + fonts + write", lambda: rendered.write_pdf(
                pdf_variant=layout.PDF_VARIANT, pdf_identifier=False))
            collected = in_gc[0]
        stages.setdefault("garbage collection after the layout", []).append((in_gc[0] - collected) * 1000)
    browser_ms = (group_cpu(exporter.browser_pid) - browser_before) / len(reports) * 1000
    gc_ms = in_gc[0] / len(reports) * 1000
    gc.callbacks.remove(gc_clock)
    print(f"CPU per warm report, median of {len(reports)} (ms); chart browser {'lite' if args.lite_js else 'full-speed'} JS")
    total = 0.0
    for name, values in stages.items():
        total += statistics.median(values)
        print(f"  {name:<38} {statistics.median(values):7.1f}")
    print(f"  {'chart browser (mean, from /proc)':<38} {browser_ms:7.1f}")
    print(f"  {'total':<38} {total + browser_ms:7.1f}")
    print(f"  {'of which garbage collection (mean)':<38} {gc_ms:7.1f}")
    if args.floor:
        weasyprint_floor(prepared)


EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"></svg>'


def _size(svg: str) -> tuple[str, str]:
    head = svg[:400]
    width = head.split('width="', 1)[1].split('"', 1)[0]
    height = head.split('height="', 1)[1].split('"', 1)[0]
    return width, height


def weasyprint_floor(prepared: list[tuple[str, dict[str, str]]]) -> None:
    """WeasyPrint's parse, layout, drawing and writing (CPU, with the collection after it) on
    the same reports as shipped, with every chart an empty image of its size, untagged, and both;
    interleaved over three rounds so that load hits all alike."""
    variants = {
        "as shipped (PDF/UA, charts drawn)": (layout.PDF_VARIANT, False),
        "charts not drawn (empty images)": (layout.PDF_VARIANT, True),
        "untagged (no PDF/UA structure)": (None, False),
        "untagged, charts not drawn": (None, True),
    }
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(3):
        for name, (variant, empty) in variants.items():
            for html, images in prepared:
                if empty:
                    images = {url: EMPTY_SVG.format(w=_size(svg)[0], h=_size(svg)[1]) for url, svg in images.items()}
                start = time.thread_time()
                with layout._one_collection_after():
                    document = HTML(string=html, base_url=str(layout.TEMPLATES / "pdf"),
                                    url_fetcher=layout._ChartFetcher(images))
                    document.write_pdf(stylesheets=[layout._stylesheet()], pdf_variant=variant,
                                       font_config=layout._fonts(), pdf_identifier=False)
                cpu[name].append((time.thread_time() - start) * 1000)
    print("WeasyPrint alone, CPU per warm report, median of 3 rounds (ms); the marginal cost it allows on")
    print("two cores with the chart browser free (CPU / 2)")
    for name, values in cpu.items():
        median = statistics.median(values)
        print(f"  {name:<38} {median:7.1f}   floor {median / 2:6.1f} ms a report")


if __name__ == "__main__":
    main()
