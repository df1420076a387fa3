"""`make bench`: one table of figures, each beside its naive baseline where one
exists, all measured in this run on this machine. Prints the table and writes
it as Markdown to bench/out/latest.md (bench/RESULTS.md keeps the record).

  naive chart export = plotly.io.to_image per chart, a new browser each call
  ours               = one persistent Chromium per process (reports/chart_export.py)

Usage: .venv/bin/python bench/bench.py [--quick]
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.io  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from assessment import AnswerSet, score_answers  # noqa: E402
from assessment.bank import InstrumentBank  # noqa: E402
from assessment.team import release_of, summarise_team  # noqa: E402
from cli.database import enable_migrations  # noqa: E402
from cli.workshops import NAMES, synthetic_answers  # noqa: E402
from reports import pdf as pdfmod  # noqa: E402
from reports import report_model  # noqa: E402
from reports.batch import layout_pool, render_profile_pdfs  # noqa: E402
from reports.chart_export import ChartExporter  # noqa: E402
from services.reporting.store import ReportStore  # noqa: E402
from tests.support.forms import Respondent  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import footprint  # noqa: E402


class NaiveChartExporter:
    """The baseline: plotly's own to_image, which starts a browser per call."""

    def svgs(self, figures):
        return [plotly.io.to_image(f, format="svg").decode() for f in figures]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def reports_for(instrument, n: int, seed: int = 1):
    rng = random.Random(seed)
    out = []
    for k in range(n):
        answers = synthetic_answers(instrument, rng)
        profile = score_answers(instrument, AnswerSet(rng.choice(instrument.languages), answers, NAMES[k % len(NAMES)]))
        out.append(report_model.ProfileReport(profile, instrument, answers, NAMES[k % len(NAMES)], date(2026, 11, 27)))
    return out


def page_latency(instrument, repeat: int) -> list[float]:
    """GET + POST of one questionnaire page through the full Flask stack and SQLite."""
    work = Path(tempfile.mkdtemp())
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'b.sqlite'}",
                      "REPORT_CACHE_DIR": str(work / "cache"), "RATELIMIT_ENABLED": False})
    enable_migrations(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    person = Respondent(app.test_client(), instrument)
    person.start()
    items = instrument.pages[0]

    def one():
        reply = person.answer_page(1, {i.id: 3 for i in items})
        assert reply.status_code == 302

    one()
    return timed(one, repeat)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    q = args.quick
    # The version new responses get (the questionnaire page below serves it), whichever it is.
    instrument = InstrumentBank.load(ROOT / "questions").current
    rows: list[tuple[str, str, str, str]] = []

    def row(what, ours, naive="–", note=""):
        rows.append((what, ours, naive, note))
        print(f"  {what:<52} {ours:>12} {naive:>14}  {note}", flush=True)

    print(f"Tripwire benchmarks, {date.today()}, {platform.node()}, {platform.processor() or platform.machine()}")
    # First, on a machine this benchmark has not yet loaded: make serve's footprint and cold start,
    # each beside its budget (issue 29) and a baseline from this run (bench/footprint.py).
    print("Footprint and cold start (bench/footprint.py):")
    for what, ours, budget, naive, verdict in footprint.rows(pdfs=3, repeat=3 if not q else 1):
        rows.append((what, ours, naive, f"budget {budget}: {verdict}"))
    print(f"  {'measure':<52} {'ours':>12} {'naive':>14}")

    lat = page_latency(instrument, 30 if q else 100)
    row("questionnaire page, GET+POST (median / p95)",
        f"{ms(statistics.median(lat))} / {ms(sorted(lat)[int(len(lat) * 0.95) - 1])}", note="test client, SQLite")

    sets = [AnswerSet("sv", synthetic_answers(instrument, random.Random(k))) for k in range(2000)]
    start = time.perf_counter()
    for s in sets:
        score_answers(instrument, s)
    per = (time.perf_counter() - start) / len(sets)
    row("scoring throughput", f"{1 / per:,.0f} /s", note=f"{per * 1e6:.0f} µs per profile")

    exporter = ChartExporter()
    reports = reports_for(instrument, 40)
    cold_start = time.perf_counter()
    pdfmod.render_profile_pdf_in_process(reports[0], exporter)
    cold = time.perf_counter() - cold_start
    naive = NaiveChartExporter()
    naive_single = timed(lambda: pdfmod.render_profile_pdf_in_process(reports[1], naive), 1 if q else 3)
    row("single PDF, cold (browser starts)", ms(cold), ms(statistics.median(naive_single)),
        "naive is cold every time")
    warm = [timed(lambda r=r: pdfmod.render_profile_pdf_in_process(r, exporter), 1)[0] for r in reports[2:12 if q else 22]]
    row("single PDF, warm (median)", ms(statistics.median(warm)), ms(statistics.median(naive_single)), "target ≤ 400 ms")
    charts = [timed(lambda r=r: exporter.svgs(report_model.profile_figures(r)), 1)[0] for r in reports[:10]]
    naive_charts = timed(lambda: naive.svgs(report_model.profile_figures(reports[0])), 1)
    row("  of which the 4 charts (median)", ms(statistics.median(charts)), ms(naive_charts[0]))

    naive_batch = ms(statistics.median(naive_single)) + "*"
    batch_note = "target ≤ 250 ms; *naive: per-report figure above"
    one_process = timed(lambda: list(render_profile_pdfs(reports[:20], exporter, processes=1)), 1)[0] / 20
    row("batch of 20 PDFs, one process, per report", ms(one_process), naive_batch,
        "next report's charts exported during this one's layout")
    cold_pool = timed(lambda: list(render_profile_pdfs(reports[20:40], exporter, processes=2)), 1)[0] / 20
    row("batch of 20 PDFs, layout pool starting, per report", ms(cold_pool), naive_batch, "includes starting 2 layout processes")
    warm_pool = [timed(lambda: list(render_profile_pdfs(reports[k:k + 20], exporter, processes=2)), 1)[0] / 20 for k in (0, 10, 20)]
    row("batch of 20 PDFs, warm layout pool, per report", ms(statistics.median(warm_pool)), naive_batch, batch_note)

    # The app's own report store (services/reporting/store.py), as a repeat download reads it.
    store = ReportStore(tempfile.mkdtemp(), tempfile.mkdtemp())
    data = pdfmod.render_profile_pdf_in_process(reports[0], exporter)
    store.put_pdf("1", ("k",), data, still_wanted=lambda: True)
    hits = timed(lambda: store.cached_pdf("1", ("k",)), 50)
    row("repeat download (report cache hit)", ms(statistics.median(hits)), "–")

    team_reports = reports_for(instrument, 50, seed=9)
    team = summarise_team(instrument, release_of(instrument, [r.profile for r in team_reports], anonymous=False),
                          language="sv", joined=50, completed=50, anonymous=False)
    grid = [type("Row", (), {"name": r.name, "scores": {s.scale_id: (s.score, s.band) for s in r.profile.of_kind("behaviour", "driver")}})
            for r in team_reports]
    def team_pdf(with_exporter):
        document = report_model.team_document(team, instrument, "sv", title="Bench", held_on=date.today(), grid=grid)
        return pdfmod.render_document_pdf(document, with_exporter)

    team_ours = timed(lambda: team_pdf(exporter), 3)
    team_naive = timed(lambda: team_pdf(naive), 1)
    row("team PDF, 50 participants", ms(statistics.median(team_ours)), ms(team_naive[0]))

    def zip_of(pdfs):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for k, pdf in enumerate(pdfs):
                archive.writestr(f"{k}.pdf", pdf)
        return buffer

    zip_reports = reports_for(instrument, 50, seed=11)
    zip_one = timed(lambda: zip_of(render_profile_pdfs(zip_reports, exporter, processes=1)), 1)[0]
    zip_pool = timed(lambda: zip_of(render_profile_pdfs(zip_reports, exporter, processes=2)), 1)[0]
    sample = 2 if q else 5
    zip_naive_sample = timed(lambda: zip_of(pdfmod.render_profile_pdf_in_process(r, naive) for r in zip_reports[:sample]), 1)[0]
    zip_naive = f"{zip_naive_sample / sample * 50:.0f} s*"
    row("ZIP of 50 individual PDFs, one process", f"{zip_one:.1f} s", zip_naive,
        f"REPORT_PROCESSES=1 (default); *naive estimated from {sample} reports")
    row("ZIP of 50 individual PDFs, layout pool of 2", f"{zip_pool:.1f} s", zip_naive, "REPORT_PROCESSES=2")
    layout_pool(2).close()
    exporter.close()

    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    lines = ["| measure | ours | naive | note |", "|---|---|---|---|"] + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    (out / "latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out / 'latest.md'}")


if __name__ == "__main__":
    main()
