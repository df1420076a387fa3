"""Page layout with WeasyPrint: the one module that uses it (reports/weasyprint_hooks.py
imports it and holds the project's hooks on it), imported by
reports/pdf.py, which only the processes that make PDFs import (the report server,
a report worker and its layout processes, a PDF command), so that the processes that
only describe a report (reports/report_model.py: the web workers, every other flask
command) never load WeasyPrint, Pango and the fonts (issue 29,
bench/investigations/footprint-start-and-pdf-cost.md, "Footprint and cold start")."""

from __future__ import annotations

import atexit
import gc
import logging
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from . import weasyprint_hooks
from .weasyprint_hooks import (
    CSS,
    HTML,
    FontConfiguration,
    URLFetcher,
    URLFetcherResponse,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PDF_VARIANT = "pdf/ua-1"

# Chart text shaped once per letter and style in a process, not once per letter drawn. A
# WeasyPrint the hook was not written for lays out without it (slower, the same pages), and
# tests/test_weasyprint_hooks.py fails until the hook has been read against it again.
try:
    weasyprint_hooks.install()
except weasyprint_hooks.WeasyPrintChanged as exc:
    logging.getLogger(__name__).warning("PDF letter cache not installed: %s", exc)


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    # Parsed once per process instead of once per report.
    return CSS(filename=str(TEMPLATES / "pdf" / "report.css"), font_config=_fonts())


@atexit.register
def _release_fonts() -> None:
    # Pango objects still alive when the interpreter shuts down are freed after
    # cffi has unloaded Pango, and the process crashes on exit (seen in make bench).
    # Freed here, while the libraries are still loaded.
    weasyprint_hooks.clear()
    _stylesheet.cache_clear()
    _fonts.cache_clear()
    gc.collect()


class _ChartFetcher(URLFetcher):
    """Hands WeasyPrint the report's own charts (`chart:NAME` URLs) and refuses
    every other URL: a report never reads a file or the network, whatever text
    ends up in it. Passing charts this way also spares encoding them into the
    HTML and parsing them back out."""

    def __init__(self, images: Mapping[str, str]):
        super().__init__()
        self.images = images

    def fetch(self, url, headers=None):
        svg = self.images.get(url)
        if svg is None:
            raise ValueError(f"a report loads only its own charts, not {url!r}")
        return URLFetcherResponse(url, svg.encode("utf-8"), {"Content-Type": "image/svg+xml"})


@contextmanager
def _one_collection_after():
    """No garbage collection during a layout, one young collection after it. A layout set off
    ~50 young, ~5 middle-aged and now and then a full collection, each walking the document
    while all of it was still in use: ~40-70 ms of a ~400 ms report on this machine. With none
    during it, everything the layout made is still young, so one young collection after it,
    the document gone, frees its reference cycles and walks nothing else: ~15-20 ms
    (bench/investigations/footprint-start-and-pdf-cost.md, "Each PDF cheaper").
    The switch is the process's: a thread that starts while another's layout holds it off leaves it to that one."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def write_pdf(html: str, chart_images: Mapping[str, str] | None = None) -> bytes:
    with _one_collection_after():
        document = HTML(string=html, base_url=str(TEMPLATES / "pdf"), url_fetcher=_ChartFetcher(chart_images or {}))
        return document.write_pdf(
            stylesheets=[_stylesheet()], pdf_variant=PDF_VARIANT, font_config=_fonts(), pdf_identifier=False,
        )
