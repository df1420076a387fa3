"""Where one warm profile report's CPU goes (issue 29, "Each PDF cheaper"): the figures, the
chart export (this process's side, and the chart browser's CPU read from /proc), the SVG
slimming, the HTML, WeasyPrint's parse, layout and PDF writing, and the garbage collector's
share of all that. Medians over N reports after a warm-up; CPU time, not wall time, so that
load from other processes counts little.

  .venv/bin/python bench/pdf_stages.py [--reports 20] [--lite-js]
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
    args = parser.parse_args()
    instrument = load_instrument(ROOT / "questions" / "v3")
    rng = random.Random(7)
    reports = []
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


if __name__ == "__main__":
    main()
