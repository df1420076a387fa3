"""Is the PDF the same in content after the footprint work (issue 29)? One fixed profile
is made four ways: in this process with the full Chromium in its default processes (as
before), the full Chromium in one process, the chart browser found by
reports/chart_export.find_browser (Debian's chromium-headless-shell), and by the host's report server (reports/report_server.py). Compared: the text read back
(pdftotext), the page count (pdfinfo) and each page rendered at 50 dpi (pdftoppm).

  .venv/bin/python bench/pdf_identity.py
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import AnswerSet, load_instrument, score_answers  # noqa: E402
from cli.workshops import synthetic_answers  # noqa: E402
from reports import browser, chart_export  # noqa: E402
from reports.pdf import render_profile_pdf_in_process  # noqa: E402
from reports.report_client import ReportServerClient  # noqa: E402
from reports.report_model import ProfileReport  # noqa: E402


def read_back(pdf: bytes, work: Path, name: str) -> tuple[str, int, list[str]]:
    path = work / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(work / name)], check=True)
    images = [hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in sorted(work.glob(f"{name}-*.png"))]
    return text, pages, images


def main() -> None:
    instrument = load_instrument(ROOT / "questions" / "v3")
    answers = synthetic_answers(instrument, random.Random(7))
    profile = score_answers(instrument, AnswerSet("sv", answers, "Åsa Öström"))
    report = ProfileReport(profile, instrument, answers, "Åsa Öström", date(2026, 12, 6))
    work = Path(tempfile.mkdtemp(prefix="pdf-identity-"))
    made = {}
    flags = browser.LowestPriorityChromium.FEWER_PROCESSES, browser.LowestPriorityChromium.SAME_TEXT_METRICS
    browser.LowestPriorityChromium.FEWER_PROCESSES = browser.LowestPriorityChromium.SAME_TEXT_METRICS = ()
    os.environ["BROWSER_PATH"] = "/usr/bin/chromium"
    exporter = chart_export.ChartExporter()
    made["before (full Chromium, its own processes, in process)"] = render_profile_pdf_in_process(report, exporter)
    exporter.close()
    browser.LowestPriorityChromium.FEWER_PROCESSES, browser.LowestPriorityChromium.SAME_TEXT_METRICS = flags
    exporter = chart_export.ChartExporter()
    made["full Chromium in one process, in process"] = render_profile_pdf_in_process(report, exporter)
    exporter.close()
    del os.environ["BROWSER_PATH"]
    exporter = chart_export.ChartExporter()
    made[f"{chart_export.find_browser()}, in process"] = render_profile_pdf_in_process(report, exporter)
    exporter.close()
    client = ReportServerClient(str(work / "rs" / "socket"), instrument.languages)
    made["report server"] = client.call("profile_pdf", report)
    results = {name: read_back(pdf, work, f"p{k}") for k, (name, pdf) in enumerate(made.items())}
    first_text, first_pages, first_images = next(iter(results.values()))
    same = True
    for name, (text, pages, images) in results.items():
        match = text == first_text and pages == first_pages and images == first_images
        same &= match
        print(f"  {name:<50} pages {pages}, text {hashlib.sha256(text.encode()).hexdigest()[:12]}, "
              f"page images {' '.join(images)}  {'same' if match else 'DIFFERENT'}")
    print("identical in text, pages and rendering" if same else "NOT identical")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
