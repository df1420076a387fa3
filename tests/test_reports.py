"""PDF reports read back: text, language, escaping, vector charts, structure;
the report cache; and the chart exporter's failure handling."""

import dataclasses
import gc
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import plotly.io as pio
import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

import services.reporting.production as production
from assessment import AnswerSet, load_instrument, score_answers
from assessment.followup import Take, history
from assessment.item_analysis import analyse
from cli.workshops import synthetic_answers
from reports import batch, charts, layout, pdf, report_client
from reports.batch import layout_pool, render_profile_pdfs
from reports.chart_error import ChartExportError
from reports.chart_export import (
    ChartExporter,
    default_chart_exporter,
    find_browser,
)
from reports.i18n import translations
from reports.pdf import (
    _write_pdf,
    lay_out_profile_pdf,
    render_document_pdf,
    render_profile_pdf_in_process,
)
from reports.report_model import (
    ProfileReport,
    blank_questionnaire_document,
    chart_url,
    profile_figures,
    technical_note_document,
)
from reports.svg import _fast_value, slim_svg
from reports.weasyprint_hooks import HTML

from .support.answers import varied_answers
from .support.paths import QUESTIONS
from .support.processes import (
    LOWEST,
    SCHED_IDLE,
    command_of,
    descendants_of,
    report_servers_on,
    thread_priorities,
)
from .support.reports import (
    HOSTILE,
    canonical_svg,
    every_chart,
    pdf_text,
    profiles_of,
    report_for,
)
from .support.simulated import simulated_answers


@pytest.fixture(scope="module")
def swedish_pdf(v1_instrument):
    answers = varied_answers(v1_instrument)
    answers.update(wc1=5, wc2=5, wc3=5, wc4=4, wc5=5, wc6=4, wc7=5)
    report = report_for(v1_instrument, "sv", answers=answers, seconds=(1.0,))
    return report, render_profile_pdf_in_process(report)


def test_swedish_report_reads_back(swedish_pdf):
    report, data = swedish_pdf
    reader, pages = pdf_text(data)
    text = "\n".join(pages)
    assert len(reader.pages) == 6
    assert "Din profil" in pages[0] and HOSTILE in pages[0]
    assert "27 november 2026" in pages[0] and "Frågeformulär version 1" in pages[0] and "tripwire" not in pages[0].lower().replace("snubbeltråd", "")
    for result in report.profile.of_kind("behaviour", "driver"):
        assert result.name in text
        assert f"{result.score:.0f}" in text
    weak = report.profile.scales["weak_close"]
    assert weak.band_label == "Hög" and "Hög" in text and "Måttlig" in text
    assert "Sug på karamellen" in text  # the article's own example
    assert "Din handlingsplan" in text and "Så läser du poängen" in text
    assert "Nivåerna har fasta gränser på svarsskalan" in text and "kriterienivåer" not in text
    assert "Du svarade mycket snabbt" in text  # the too_fast flag, kindly worded
    for n, page in enumerate(pages, 1):
        assert f"Sida {n} av 6" in page
    assert "påträngande" in text and "tills det får dig att snubbla" in text
    # Each behaviour page lists its questions, numbered as in its chart, with the answer given.
    weak_items = next(s for s in report.instrument.scales if s.id == "weak_close").items
    flat = " ".join(text.split())
    for number, item in enumerate(weak_items, 1):
        assert f"{number}. {' '.join(item.text['sv'].split())[:30]}" in flat
    assert "– Nästan alltid" in flat and "– Ofta" in flat


def test_english_report_uses_english_words(v1_instrument):
    _, pages = pdf_text(render_profile_pdf_in_process(report_for(v1_instrument, "en", name=None)))
    text = "\n".join(pages)
    assert "Your profile" in text and "Anonymous" in text and "Weak closes" in text
    assert "Page 1 of" in text and "Svaga avslut" not in text


def test_hostile_name_appears_literally_and_breaks_nothing(swedish_pdf):
    _, data = swedish_pdf
    reader, pages = pdf_text(data)
    assert HOSTILE in pages[0]
    assert "&amp;" not in pages[0] and "&lt;" not in pages[0]
    assert reader.metadata.title.endswith(HOSTILE)


def test_charts_are_vector_drawings(swedish_pdf):
    _, data = swedish_pdf
    reader = PdfReader(BytesIO(data))
    for number in (0, 1, 2, 3):  # summary page and the three behaviour pages
        page = reader.pages[number]
        xobjects = page["/Resources"]["/XObject"]
        subtypes = {x.get_object()["/Subtype"] for x in xobjects.values()}
        assert subtypes == {"/Form"}, subtypes  # chart text as form XObjects, no raster image
        drawn = page.get_contents().get_data()
        assert drawn.count(b" re\n") + drawn.count(b" l\n") > 10  # bars, zones and grid as paths
    for page in reader.pages:
        for x in (page["/Resources"].get("/XObject") or {}).values():
            assert x.get_object()["/Subtype"] != "/Image"


def test_pdf_is_tagged_with_language_and_title(swedish_pdf):
    _, data = swedish_pdf
    root = PdfReader(BytesIO(data)).trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


def test_qpdf_finds_the_pdf_valid(swedish_pdf, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(swedish_pdf[1])
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_not_scorable_scale_is_said_in_the_report(v1_instrument):
    answers = varied_answers(v1_instrument)
    for item_id in ("af1", "af2", "af3"):
        del answers[item_id]
    _, pages = pdf_text(render_profile_pdf_in_process(report_for(v1_instrument, "en", answers=answers)))
    text = " ".join(" ".join(pages).split())
    assert "Not scored: only 4 of the 7 questions on this scale were answered, and a score needs at least 5." in text


def test_blank_questionnaire_lists_every_item(v1_instrument):
    _, pages = pdf_text(render_document_pdf(blank_questionnaire_document(v1_instrument, "sv")))
    text = " ".join(" ".join(pages).split())
    for item in v1_instrument.items:
        assert " ".join(item.text["sv"].split())[:40] in text
    assert "Nästan alltid" in text


def test_chart_figures_are_the_same_for_web_and_pdf(v1_instrument):
    report = report_for(v1_instrument, "en")
    figure = charts.profile_chart(report.profile)
    assert charts.to_json(figure)["data"][0]["x"] == [r.score for r in report.profile.of_kind("behaviour", "driver")]
    assert figure.layout.font.family == "DejaVu Sans"


def _page_pixels(pdf: bytes, tmp_path, name: str) -> bytes:
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "110", "-singlefile", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    return (tmp_path / f"{name}.ppm").read_bytes()


def test_only_colours_and_pixel_lengths_of_the_same_value_are_rewritten():
    assert _fast_value("fill", "rgb(31, 41, 51)") == "#1f2933"
    assert _fast_value("stroke", "rgb(255,255,255)") == "#ffffff"
    assert _fast_value("fill", "rgb(256, 0, 0)") == "rgb(256, 0, 0)"
    assert _fast_value("fill", "rgba(31, 41, 51, 0.5)") == "rgba(31, 41, 51, 0.5)"
    assert _fast_value("stroke-width", "0.5px") == "0.5"
    assert _fast_value("font-size", "12pt") == "12pt"
    assert _fast_value("stroke-dasharray", "3px") == "3px"


def test_slimmed_charts_draw_exactly_the_same_pixels(v1_instrument, tmp_path):
    raw = default_chart_exporter().svgs(profile_figures(report_for(v1_instrument, "sv")))
    page = '<html lang="sv"><title>chart</title><body><img src="chart:c" alt="chart" style="width: 100%"></body></html>'
    for n, svg in enumerate(raw):
        slim = slim_svg(svg)
        # At least 40 % of the elements go; the summary chart's interval whiskers
        # and labels are drawing elements that stay.
        assert slim.count("<") < svg.count("<") * 0.6
        assert ' class="' not in slim and ' style="' not in slim
        # Colours and pixel lengths in the form WeasyPrint parses fastest (reports/svg.py).
        assert "rgb(" in svg and "rgb(" not in slim and 'px"' not in slim
        before = _page_pixels(_write_pdf(page, {"chart:c": svg}), tmp_path, f"raw{n}")
        after = _page_pixels(_write_pdf(page, {"chart:c": slim}), tmp_path, f"slim{n}")
        assert before == after, f"chart {n} looks different once slimmed"


def test_a_layout_frees_its_own_garbage_and_leaves_collection_on(v1_instrument):
    # reports/layout.py: no garbage collection during a layout, one young collection after it.
    # Left to the collector's own schedule, ~14,000 objects of the last layout's reference
    # cycles waited for a later collection; now the layout's own collection frees them.
    report = report_for(v1_instrument, "sv")
    images = {chart_url(name): '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
              for name in ["summary"] + [r.scale_id for r in report.profile.of_kind("behaviour")]}
    lay_out_profile_pdf(report, images)
    gc.collect()
    thresholds = gc.get_threshold()
    gc.set_threshold(10**9)  # no collection on the collector's own schedule: only the layout's
    try:
        lay_out_profile_pdf(report, images)
        assert gc.isenabled()
        # What the layout built is gone with its own collection: counted as its boxes (243 were
        # left without it), not as the whole process's garbage, which another test's thread may
        # add to meanwhile (CI's fresh clone once counted 4,610 objects after this layout).
        assert sum(isinstance(thing, boxes.Box) for thing in gc.get_objects()) == 0
    finally:
        gc.set_threshold(*thresholds)
    with pytest.MonkeyPatch.context() as patch, pytest.raises(RuntimeError):
        patch.setattr(layout, "_stylesheet", lambda: (_ for _ in ()).throw(RuntimeError("a failed layout")))
        _write_pdf('<html lang="en"><title>t</title><p>t</p></html>')
    assert gc.isenabled()


def _before_after_rows():
    then, now = SimpleNamespace(median=40, cut_points=(25, 75)), SimpleNamespace(median=55, cut_points=(25, 75))
    return [SimpleNamespace(scale_id="weak_close", name="Svag avslutning", before=then, after=now),
            SimpleNamespace(scale_id="put_off", name="Skjuter upp", before=None, after=now)]


def test_charts_with_only_their_trace_types_template_export_the_same_svg(monkeypatch):
    # charts._template keeps plotly's template defaults of the figure's own trace types only;
    # every chart kind must export exactly as it did with the whole template.
    figures = every_chart(load_instrument(QUESTIONS / "v3"), "sv")
    figures["before-after"] = charts.before_after_chart(_before_after_rows(), 3, 4, "sv")
    exporter = ChartExporter(timeout=30)
    try:
        trimmed = [canonical_svg(svg) for svg in exporter.svgs(list(figures.values()))]
        whole = pio.templates[pio.templates.default].to_plotly_json()
        monkeypatch.setattr(charts, "_template", lambda trace_types: whole)
        assert all(len(fig.to_dict()["layout"]["template"].get("data", {})) <= 2 for fig in figures.values())
        figures = every_chart(load_instrument(QUESTIONS / "v3"), "sv")
        figures["before-after"] = charts.before_after_chart(_before_after_rows(), 3, 4, "sv")
        assert all(len(fig.to_dict()["layout"]["template"].get("data", {})) > 20 for fig in figures.values())
        full = [canonical_svg(svg) for svg in exporter.svgs(list(figures.values()))]
    finally:
        exporter.close()
    assert len(trimmed) == 8
    assert trimmed == full


def test_a_report_loads_nothing_but_its_own_charts(tmp_path):
    box = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><rect width="80" height="80"/></svg>'
    private = tmp_path / "private.svg"
    private.write_text(box)

    def page(*sources):
        images = "".join(f'<img src="{src}" alt="">' for src in sources)  # a refused image leaves no alt text
        html = f'<html lang="en"><title>t</title><body>{images}</body></html>'
        return _page_pixels(_write_pdf(html, {"chart:mine": box}), tmp_path, str(len(sources)))

    tried_all = page("chart:mine", private.as_uri(), "http://127.0.0.1:9/x.svg")
    assert tried_all == page("chart:mine")  # the file and the web address were refused
    assert tried_all != page()  # and the report's own chart was drawn


# --- many reports at once ----------------------------------------------------


def _five_reports(v1_instrument):
    return [report_for(v1_instrument, language, name=f"Person {n}", answers=varied_answers(v1_instrument, n))
            for n, language in enumerate(["sv", "en", "sv", "en", "sv"])]


@pytest.mark.parametrize("processes", [1, 2, 3])  # 3: a new pool, whose layout processes are still starting
def test_a_batch_gives_the_same_pdfs_in_the_same_order_as_one_by_one(v1_instrument, processes):
    reports = _five_reports(v1_instrument)
    one_by_one = [render_profile_pdf_in_process(r) for r in reports]
    assert len(set(one_by_one)) == 5
    assert list(render_profile_pdfs(reports, processes=processes)) == one_by_one


def test_a_layout_process_that_dies_loses_no_report(v1_instrument, caplog):
    reports = _five_reports(v1_instrument) * 2
    expected = [render_profile_pdf_in_process(r) for r in reports]
    pool = layout_pool(2)
    pool.start(v1_instrument.languages)
    assert pool.wait_until_ready(60)
    pdfs = render_profile_pdfs(reports, processes=2)
    first = next(pdfs)
    pids = pool.process_pids()
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    assert [first, *pdfs] == expected
    assert "a layout process died" in caplog.text
    assert list(render_profile_pdfs(reports[:2], processes=2)) == expected[:2]  # a new pool next time
    assert set(pool.process_pids()).isdisjoint(pids)


def test_a_download_is_made_whole_in_a_layout_process_at_the_lowest_cpu_priority(v1_instrument, monkeypatch):
    # Made in a web thread, the figures, the browser's replies and WeasyPrint's layout hold
    # that process's GIL and its pages wait (issue #11 §6): charts and layout happen there.
    report = report_for(v1_instrument, "sv", name="Åsa")
    expected = render_profile_pdf_in_process(report)
    pool = layout_pool(1)
    pool.start(report.instrument.languages)
    assert pool.wait_until_ready(60)
    monkeypatch.setattr(pdf, "_write_pdf", lambda *a, **k: pytest.fail("laid out in the web process"))
    monkeypatch.setattr(batch, "profile_chart_images_of", lambda *a, **k: pytest.fail("charts made in the web process"))
    exported_here = default_chart_exporter().exported
    assert batch.profile_pdf_in_layout_process(report) == expected
    assert default_chart_exporter().exported == exported_here
    pids = pool.process_pids()
    assert pids and set(thread_priorities(pids).values()) == {LOWEST}
    # The layout process's own chart browser, and everything it started, every thread at the lowest priority too.
    below = descendants_of(pids[0])
    assert any("chromium" in command_of(pid) for pid in below), below
    assert {thread: p for thread, p in thread_priorities(below).items() if p != LOWEST} == {}


def test_a_chart_failure_in_the_layout_process_reaches_the_caller_as_itself():
    # The download's 503 page (web/errors.py) catches ChartExportError: it must survive the trip back.
    error = pickle.loads(pickle.dumps(ChartExportError("no Chromium found for chart export")))
    assert type(error) is ChartExportError and "no Chromium" in str(error)


def test_if_layout_processes_cannot_start_the_batch_is_laid_out_here(tmp_path):
    # A program read from stdin has no main module the layout processes could import,
    # so they die on start: a real way for the pool to fail.
    program = """
import sys
from datetime import date
from assessment import AnswerSet, load_instrument, score_answers
from reports.batch import layout_pool, render_profile_pdfs
from reports.report_model import ProfileReport
v1_instrument = load_instrument("questions/v1")
answers = {item.id: 1 + n % 5 for n, item in enumerate(v1_instrument.items)}
reports = [ProfileReport(score_answers(v1_instrument, AnswerSet("en", answers, name)), v1_instrument, answers, name, date(2026, 11, 27))
           for name in ("Ann", "Bo", "Cissi")]
pdfs = list(render_profile_pdfs(reports, processes=2))
print(len(pdfs), all(p.startswith(b"%PDF") for p in pdfs), layout_pool(2).wait_until_ready(30))
"""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-"], input=program, capture_output=True, text=True, cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "True", "False"]
    assert "the layout pool did not start" in result.stderr


# --- the chart exporter under failure ----------------------------------------------


def test_no_browser_gives_an_error_that_names_the_fix(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(ChartExportError, match="apt-get install chromium.*BROWSER_PATH"):
        ChartExporter(timeout=2).svgs([charts.go.Figure()])


def test_a_browser_that_never_answers_fails_within_the_timeout(monkeypatch, tmp_path):
    fake = tmp_path / "hanging-browser"
    fake.write_text("#!/bin/sh\nexec sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    exporter = ChartExporter(timeout=2, start_timeout=3)
    started = time.monotonic()
    with pytest.raises(ChartExportError, match="did not start"):
        exporter.svgs([charts.go.Figure()])
    assert time.monotonic() - started < 20


def browser_whose_first_start(does: str, monkeypatch, tmp_path) -> Path:
    """BROWSER_PATH set to a browser whose first start `does` (a shell command) and whose later
    starts are real Chromium; returns the file that counts the starts, a line each."""
    real = find_browser()
    starts = tmp_path / "starts"
    browser = tmp_path / "first-start-fails"
    browser.write_text(
        "#!/bin/sh\n"
        f"echo start >> {starts}\n"
        f'if [ "$(wc -l < {starts})" -eq 1 ]; then {does}; fi\n'
        f'exec {real} "$@"\n'
    )
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(browser))
    return starts


def test_a_browser_that_exits_at_start_is_started_once_more(v1_instrument, monkeypatch, tmp_path):
    # CI once saw Chromium "close immediately after starting" on a loaded machine: the first
    # start here fails as such a start does (it says why and exits), the second is real Chromium.
    starts = browser_whose_first_start('echo "FATAL: could not open the profile (first start)" >&2; exit 1',
                                       monkeypatch, tmp_path)
    exporter = ChartExporter(timeout=30)
    try:
        assert exporter.svgs([charts.profile_chart(report_for(v1_instrument, "en").profile)])[0].startswith("<svg")
        assert exporter.start_failures == 1 and exporter.restarts == 0
        assert starts.read_text().count("start") == 2
    finally:
        exporter.close()


def test_a_browser_whose_start_hangs_is_given_up_and_started_once_more(v1_instrument, monkeypatch, tmp_path):
    # CI once saw a start that never finished (kaleido's first page load never reported): the
    # first start here hangs, the second is real Chromium, and the charts arrive.
    starts = browser_whose_first_start("exec sleep 600", monkeypatch, tmp_path)
    exporter = ChartExporter(timeout=30, start_timeout=3)
    started = time.monotonic()
    try:
        assert exporter.svgs([charts.profile_chart(report_for(v1_instrument, "en").profile)])[0].startswith("<svg")
        assert exporter.start_failures == 1 and starts.read_text().count("start") == 2
        assert time.monotonic() - started < 3 + ChartExporter.START_PAUSE + 30
    finally:
        exporter.close()


def test_a_browser_that_never_starts_says_what_it_wrote(monkeypatch, tmp_path):
    broken = tmp_path / "broken-browser"
    broken.write_text('#!/bin/sh\necho "FATAL: no usable sandbox, code 42" >&2\nexit 1\n')
    broken.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(broken))
    exporter = ChartExporter(timeout=5, start_timeout=10)
    with pytest.raises(ChartExportError, match=r"did not start, 2 times.*it wrote: .*no usable sandbox, code 42.*apt-get install chromium"):
        exporter.svgs([charts.go.Figure()])
    assert exporter.start_failures == 1


def test_the_chart_browser_runs_at_the_lowest_cpu_priority_and_cannot_raise_it(v1_instrument):
    # Run as root, Chromium raised its own threads and processes (display -8, foreground 0,
    # background 5) above a lowered group within seconds, and its charts then took CPU from the
    # participants' pages (docs/decisions/0001-report-work-at-idle-priority.md): every thread is read, after every export.
    exporter = ChartExporter()
    figure = charts.profile_chart(report_for(v1_instrument, "en").profile)
    raised: dict[tuple[int, int], tuple[int, int]] = {}  # any thread seen above the lowest priority
    threads: set[tuple[int, int]] = set()
    try:
        for count in range(1, 7):
            assert exporter.svgs([figure] * count)[-1].startswith("<svg")
            for thread, priority in thread_priorities([exporter.browser_pid, *descendants_of(exporter.browser_pid)]).items():
                threads.add(thread)
                if priority != LOWEST:
                    raised[thread] = priority
        processes = {pid for pid, _ in threads}
        # Chromium, whose renderer, network service and the rest are threads of its one process
        # (--single-process, reports/browser.py; the shell that starts it becomes it): all were read.
        assert len(processes) == 1 and len(threads) > 10, threads
        assert raised == {}
        # Not one thread of the exporting (web) process is lowered, the exporter's own included:
        # a lowered thread there that holds the interpreter lock holds up the pages' threads
        # until it gets a core again (bench/investigations/gil_inversion.py).
        own = thread_priorities([os.getpid()])
        assert len(own) > 1 and all(nice < 19 and policy != SCHED_IDLE for nice, policy in own.values()), own
    finally:
        exporter.close()


def test_a_hung_browser_is_restarted_and_the_export_retried(v1_instrument):
    exporter = ChartExporter(timeout=3)
    figure = charts.profile_chart(report_for(v1_instrument, "en").profile)
    assert exporter.svgs([figure])[0].startswith("<svg")
    pid = exporter.browser_pid
    os.killpg(pid, signal.SIGSTOP)  # the browser hangs
    try:
        started = time.monotonic()
        svg = exporter.svgs([figure])[0]
    finally:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert svg.startswith("<svg") and exporter.restarts == 1
    assert exporter.browser_pid != pid
    assert time.monotonic() - started < 30
    exporter.close()


def test_a_killed_browser_is_restarted_and_the_next_export_succeeds(v1_instrument):
    exporter = ChartExporter(timeout=5)
    figure = charts.profile_chart(report_for(v1_instrument, "en").profile)
    exporter.svgs([figure])
    os.killpg(exporter.browser_pid, signal.SIGKILL)  # the browser dies
    time.sleep(0.5)
    assert exporter.svgs([figure])[0].startswith("<svg")
    assert exporter.restarts == 1
    exporter.close()


def test_a_browser_killed_in_the_middle_of_a_render_is_restarted(v1_instrument):
    # 30 s a chart: on a loaded CI machine (two test processes, PostgreSQL, other browsers) the
    # restarted browser's first charts once took longer than 10 s, and the retry gave up.
    exporter = ChartExporter(timeout=30)
    figure = charts.profile_chart(report_for(v1_instrument, "en").profile)
    exporter.svgs([figure])
    pid = exporter.browser_pid
    result = {}

    def export_batch():
        try:
            result["svgs"] = exporter.svgs([figure] * 30)
        except Exception as exc:  # reported by the assertion below, with its reason
            result["error"] = repr(exc)

    batch = threading.Thread(target=export_batch)
    batch.start()
    deadline = time.monotonic() + 30
    while exporter.exported < 5 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert batch.is_alive()  # some of the 30 are done, the rest not yet
    os.killpg(pid, signal.SIGKILL)
    batch.join(120)
    assert "error" not in result, result["error"]
    assert len(result["svgs"]) == 30 and all(s.startswith("<svg") for s in result["svgs"])
    assert exporter.restarts == 1 and exporter.browser_pid != pid
    assert exporter.svgs([figure])[0].startswith("<svg")  # and the next request succeeds
    exporter.close()


# --- through the web ---------------------------------------------------------


def test_download_is_private_named_safely_and_cached(app, respondent, instrument, monkeypatch):
    calls = []
    real = production.render_profile_pdf
    monkeypatch.setattr(production, "render_profile_pdf", lambda *a, **k: calls.append(1) or real(*a, **k))
    respondent.start(name="Åsa Öström", language="sv")
    respondent.complete(varied_answers(instrument))
    first = respondent.client.get(respondent.url("/profile.pdf"))
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    today = date.today().isoformat()
    assert first.headers["Content-Disposition"] == f'attachment; filename="profil-asa-ostrom-{today}.pdf"'
    assert "no-store" in first.headers["Cache-Control"]
    second = respondent.client.get(respondent.url("/profile.pdf"))
    assert second.data == first.data and len(calls) == 1
    english = respondent.client.get(respondent.url("/profile.pdf?lang=en"))
    assert len(calls) == 2 and english.headers["Content-Disposition"].startswith('attachment; filename="profile-asa-ostrom')
    assert respondent.client.get("/response/wrong-token/profile.pdf").status_code == 404


def test_chart_failure_shows_a_friendly_page(app, respondent, instrument, monkeypatch, tmp_path):
    # A report server of this app's own, started with a browser that is not there: its
    # ChartExportError comes back over the socket and becomes the 503 page.
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    socket_path = str(tmp_path / "report-server" / "socket")
    app.config["REPORT_SERVER_SOCKET"] = socket_path
    respondent.start(language="en")
    respondent.complete(varied_answers(instrument))
    try:
        reply = respondent.client.get(respondent.url("/profile.pdf"))
        assert reply.status_code == 503
        assert "We couldn&#39;t make the PDF just now" in reply.text and "Your answers are safe" in reply.text
    finally:
        for pid in report_servers_on(socket_path):
            os.kill(pid, signal.SIGKILL)


def test_an_unreachable_report_server_gives_the_busy_page_and_no_pdf_is_made_here(app, respondent, instrument, monkeypatch):
    # Issue 29: a web worker never makes a PDF itself (that would load WeasyPrint and a Chromium
    # into it for good). A server that cannot be reached is asked once more, then the 503 page.
    attempts = []

    def unreachable(self):
        attempts.append(1)
        raise report_client.ReportServerUnavailable("the report server did not start (exit status 1)")

    monkeypatch.setattr(report_client.ReportServerClient, "_connect", unreachable)
    monkeypatch.setattr(pdf, "_write_pdf", lambda *a, **k: pytest.fail("laid out in the web process"))
    monkeypatch.setattr(batch, "profile_pdf_in_layout_process", lambda *a, **k: pytest.fail("made in the web process"))
    respondent.start(language="en")
    respondent.complete(varied_answers(instrument))
    reply = respondent.client.get(respondent.url("/profile.pdf"))
    assert reply.status_code == 503 and "Temporarily unavailable" in reply.text
    assert len(attempts) == 2


def test_default_chart_exporter_is_one_per_process():
    assert default_chart_exporter() is default_chart_exporter()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_word_in_a_profile_pdf_table_sticks_out_of_its_cell(language):
    # The review saw "Förändringsvärde (z)", a Swedish compound in the then-and-now table's
    # header, run into the next column; headers now hyphenate. Every table of a retake's
    # profile (then-and-now included), laid out as the PDF is: no text box wider than its cell.
    instrument = load_instrument(QUESTIONS / "v3")
    profiles = profiles_of(instrument, language)
    takes = history([Take(date(2026, 1, day), profile) for day, profile in enumerate(profiles[:3], 1)])
    report = dataclasses.replace(report_for(instrument, language, name="Åsa"), history=takes)
    document = HTML(string=pdf.profile_html(report), base_url=str(layout.TEMPLATES / "pdf"),
                    url_fetcher=layout._ChartFetcher({})).render(stylesheets=[layout._stylesheet()],
                                                                 font_config=layout._fonts())
    cells, out = 0, []
    for page in document.pages:
        for cell in page._page_box.descendants():
            if isinstance(cell, boxes.TableCellBox):
                cells += 1
                right = cell.content_box_x() + cell.width
                out += [(text.text, text.position_x + text.width - right) for text in cell.descendants()
                        if isinstance(text, boxes.TextBox) and text.position_x + text.width > right + 0.5]
    assert cells > 50 and out == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_whole_history_heads_each_take_with_its_number_as_the_chart_does(language):
    # A walk found three takes made on one day headed "2026-01-05" three times over in the
    # "Your whole history" table; each column is now headed by its take's number over its date,
    # word for word the history chart's label for that take.
    instrument = load_instrument(QUESTIONS / "v3")
    takes = history([Take(date(2026, 1, 5), profile) for profile in profiles_of(instrument, language)[:3]])
    report = dataclasses.replace(report_for(instrument, language, name="Åsa"), history=takes)
    _, pages = pdf_text(_write_pdf(pdf.profile_html(report)))
    gettext = translations(language).gettext
    text = " ".join(" ".join(pages).split())
    table = text.split(gettext("Your whole history"), 1)[1]
    header = table.split(takes.now.profile.scales[takes.scale_ids[0]].name, 1)[0].split()
    labels = [label.replace("<br>", " ") for label in charts.change_chart(takes).data[0].x]
    assert len(set(labels)) == 3
    assert " ".join(header) == " ".join([gettext("Scale"), *labels])


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_spread_charts_scale_names_stand_off_a_box_that_starts_at_zero(language):
    # The technical note's "How scores spread": impression management's box, starting at 0,
    # touched the end of its name (1 px apart). Every name ends well short of the plot's left edge.
    instrument = load_instrument(QUESTIONS / "v3")
    spread = [(scale.name[language], {"p10": 0, "p25": 0, "p50": 8, "p75": 20, "p90": 35})
              for scale in instrument.scales]
    svg = default_chart_exporter().svgs([charts.score_distribution_chart(spread, language)])[0]
    zero = re.search(r'<g class="xtick"><text[^>]*transform="translate\(([\d.]+),0\)"[^>]*>0</text>', svg)
    ends = [float(x) + float(dx) for x, dx in re.findall(  # a name's right end: its x, moved by its transform
        r'<g class="ytick"><text text-anchor="end" x="([\d.]+)"[^>]*transform="translate\((-?[\d.]+),', svg)]
    assert zero and len(ends) == len(spread)
    assert min(float(zero[1]) - end for end in ends) >= 8  # px, at 640 px wide


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_line_of_the_technical_note_starts_with_a_percent_sign(language):
    # The walk found "Omega (95" over "% KI)" in the reliability table's header and "0.0" over
    # "%;" among the validity flags: a number and its percent sign are joined by a no-break space.
    instrument = load_instrument(QUESTIONS / "v3")
    analysis = analyse(instrument, simulated_answers(instrument, 40, seed=51, language=language),
                       computed_at=datetime(2026, 12, 1, tzinfo=timezone.utc), language=language, resamples=0)
    note = technical_note_document(analysis, instrument, language, norms={})
    document = HTML(string=note.html, base_url=str(layout.TEMPLATES / "pdf"),
                    url_fetcher=layout._ChartFetcher({})).render(stylesheets=[layout._stylesheet()],
                                                                 font_config=layout._fonts())
    lines = ["".join(text.text for text in line.descendants() if isinstance(text, boxes.TextBox))
             for page in document.pages for line in page._page_box.descendants() if isinstance(line, boxes.LineBox)]
    assert len(lines) > 100 and [line for line in lines if line.lstrip().startswith("%")] == []
    gettext = translations(language).gettext
    for header in ("Alpha (95\u00a0%% CI)", "Omega (95\u00a0%% CI)"):
        assert "95\u00a0%" in gettext(header) and gettext(header).replace("%%", "%") in note.html


def first_list_items_per_page(report):
    """Per page of the report's PDF, laid out with its charts: the answer-list items on it as
    (list, position, length), in order."""
    page = HTML(string=pdf.profile_html(report), base_url=str(layout.TEMPLATES / "pdf"),
                url_fetcher=layout._ChartFetcher(pdf.profile_chart_images_of(report)))
    item_of = {id(li): (id(ol), position, len(ol)) for ol in page.etree_element.iter("ol")
               if "items" in (ol.get("class") or "").split() for position, li in enumerate(ol)}
    pages = []
    for laid_out in page.render(stylesheets=[layout._stylesheet()], font_config=layout._fonts()).pages:
        items = []
        for box in laid_out._page_box.descendants():
            item = item_of.get(id(getattr(box, "element", None)))
            if item and box.element_tag == "li" and item not in items:
                items.append(item)
        pages.append(items)
    return pages


@pytest.mark.parametrize("language", ["en", "sv"])
def test_no_answer_list_leaves_its_last_question_alone_at_the_top_of_a_page(language):
    # The walk found question 8 of abandoned follow-up alone at the top of a page, cut off from
    # its list and heading: so did these synthetic answers (seed 88) in English before the last
    # question was kept with the one before it.
    instrument = load_instrument(QUESTIONS / "v3")
    answers = synthetic_answers(instrument, random.Random(88))
    profile = score_answers(instrument, AnswerSet(language, answers, "Person 88"))
    pages = first_list_items_per_page(ProfileReport(profile, instrument, answers, "Person 88", date(2026, 12, 6)))
    lone = [(number, position + 1) for number, (before, items) in enumerate(zip(pages, pages[1:]), 2)
            for (ol, position, length) in items[:1]
            if position == length - 1 and (ol, position - 1, length) in before and (ol, position, length) not in before]
    listed = sum(len(instrument.scale(result.scale_id).items) for result in profile.of_kind("behaviour"))
    assert len({item for items in pages for item in items}) == listed and lone == []


def test_a_name_of_one_long_word_breaks_instead_of_running_off_the_page():
    # The attack run: a 10,000-letter name printed 41 letters and ran off the right edge.
    report = report_for(load_instrument(QUESTIONS / "v3"), "sv", name="Å" * 3000)
    document = HTML(string=pdf.profile_html(report), base_url=str(layout.TEMPLATES / "pdf"),
                    url_fetcher=layout._ChartFetcher({})).render(stylesheets=[layout._stylesheet()],
                                                                 font_config=layout._fonts())
    out = []
    for page in document.pages:
        right = page._page_box.content_box_x() + page._page_box.width
        out += [text.text[:20] for text in page._page_box.descendants()
                if isinstance(text, boxes.TextBox) and text.position_x + text.width > right + 0.5]
    assert out == []
