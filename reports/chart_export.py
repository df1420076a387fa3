"""Chart export: plotly figures to SVG through kaleido and Debian's Chromium.

One chart exporter per process. The browser starts on first use (never before a
fork: a forked child starts its own), every export is serialised by a lock and
bounded by a timeout, and a browser that dies or hangs is restarted and the
export retried once. kaleido's own sync server shares one return queue between
threads (kaleido issue #444), so we run our own event loop in one thread.

It imports kaleido and choreographer (reports/browser.py, 0.1–0.3 s), so only a process that
makes PDFs imports it (reports/pdf.py's importers); one that only shows or passes on its
error imports reports/chart_error.py (issue 29)."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import logging
import os
import shutil
import signal
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import plotly.graph_objects as go

from .browser import FullSpeedJsChromium, LowestPriorityChromium, ReusingKaleido
from .chart_error import ChartExportError
from .plotly_js import BUNDLE

log = logging.getLogger(__name__)

BROWSER_FIX = (
    "install Chromium (Debian/Ubuntu: 'apt-get install chromium-headless-shell' or 'chromium', or run 'make run'), "
    "or set BROWSER_PATH to a Chrome/Chromium binary"
)


class _BrowserOutput(logging.Handler):
    """The last lines Chromium wrote to its standard error. choreographer feeds them to the
    logger "browser_proc" at DEBUG, which a default set-up drops; kept here, they go into the
    error when a browser does not start (CI once saw Chromium "close immediately after
    starting" and nothing more), and they stay out of the application's own log."""

    KEEP = 40

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: collections.deque[str] = collections.deque(maxlen=self.KEEP)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().strip())

    def last(self, count: int = 6) -> str:
        lines = [line for line in self.lines if line][-count:]
        return " | ".join(lines) if lines else "nothing"


_browser_output_lock = threading.Lock()
_browser_output: _BrowserOutput | None = None


def _browser_output_log() -> _BrowserOutput:
    global _browser_output
    with _browser_output_lock:
        if _browser_output is None:
            _browser_output = _BrowserOutput()
            logger = logging.getLogger("browser_proc")
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
            logger.addHandler(_browser_output)
        return _browser_output


# Debian's chromium-headless-shell first: the same Blink and V8 as the full browser without its
# windowing and UI code; the profile's charts came out the same (with --font-render-hinting=none,
# reports/browser.py) and its one process held ~40 MiB less
# (bench/investigations/footprint-start-and-pdf-cost.md, "Footprint and cold start").
# The binary itself rather than /usr/bin's shell wrapper, which stays alive beside it (no exec).
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
BROWSER_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "chrome")


def find_browser() -> str | None:
    path = os.environ.get("BROWSER_PATH")
    if path:
        return path if os.access(path, os.X_OK) else None
    if os.access(HEADLESS_SHELL, os.X_OK):
        return HEADLESS_SHELL
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


class ChartExporter:
    # A start takes ~1 s here (most of it loading plotly.js into the page), a few seconds on a
    # loaded machine. A start that hangs is given up after START_TIMEOUT and started once more
    # (_ensure_started): CI once saw kaleido's first page load never reported, and at 60 s that
    # one hang kept a PDF waiting over a minute before the second start made it in ~3 s.
    START_TIMEOUT = 30.0

    def __init__(self, timeout: float = 20.0, start_timeout: float = START_TIMEOUT, lite_js: bool = True,
                 plotly_js: Path = BUNDLE):
        self.timeout = timeout
        self.plotly_js = plotly_js  # the pages' bundle (reports/plotly_js.py); a test compares another
        self.start_timeout = start_timeout
        self.lite_js = lite_js  # False: V8 with its optimising compilers (reports/browser.py)
        self.exported = 0
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._start_thread: threading.Thread | None = None
        self._start_pid: int | None = None
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None  # a reports.browser.ReusingKaleido once started
        self.restarts = 0  # browsers replaced after a failed export
        self.start_failures = 0  # starts that failed and were tried again

    # -- public ---------------------------------------------------------------

    def svgs(self, figures: Sequence[go.Figure]) -> list[str]:
        """Export figures to SVG text, in order."""
        specs = [fig.to_dict() for fig in figures]
        with self._lock:
            try:
                return self._export_all(specs)
            except ChartExportError:
                raise
            except Exception as first:  # browser died or hung: one restart, one retry
                log.warning("chart export failed (%s); restarting the browser", first)
                self._stop()
                self.restarts += 1
                try:
                    return self._export_all(specs)
                except ChartExportError:
                    raise
                except Exception as second:
                    self._stop()
                    raise ChartExportError(
                        f"chart export failed twice ({_describe(second)}); if this persists, {BROWSER_FIX}"
                    ) from second

    def start_soon(self) -> None:
        """Start the browser in a thread of its own, once, so that it starts (~1 s, most of it
        loading plotly.js into its page) while this process does other work. A start that fails
        is left to the first export, which meets the same failure and reports it."""
        with self._start_lock:
            if self._start_thread is not None and self._start_pid == os.getpid():
                return
            self._start_thread = threading.Thread(target=self._start_quietly, name="chart-browser-start", daemon=True)
            self._start_pid = os.getpid()
        self._start_thread.start()

    def _start_quietly(self) -> None:
        try:
            self.svgs([])
        except Exception:
            log.debug("the chart browser did not start ahead of the first export", exc_info=True)

    def close(self) -> None:
        with self._lock:
            self._stop()

    @property
    def browser_pid(self) -> int | None:
        """The browser's process (and process group) id."""
        process = getattr(self._kaleido, "subprocess", None)
        return process.pid if process else None

    # -- internals ------------------------------------------------------------

    def _export_all(self, specs: list[dict]) -> list[str]:
        # One figure at a time in one tab: two tabs side by side saved ~5 ms a
        # report here and made the interpreter crash now and then on exit.
        self._ensure_started()
        out = []
        for spec in specs:
            layout = spec.get("layout", {})
            opts = {"format": "svg", "width": layout.get("width", 640), "height": layout.get("height", 400)}
            data = self._run(self._kaleido.calc_fig(spec, opts=opts), self.timeout)
            out.append(data.decode("utf-8") if isinstance(data, bytes) else data)
            self.exported += 1
        return out

    def _run(self, coroutine, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer from the browser within {timeout:g} s") from None

    # A browser that fails to start is started once more, after a pause: a start can fail
    # for a moment's reason (CI once saw Chromium exit at once on a loaded machine, which
    # neither the same machine nor a loaded one showed again, and once saw a start hang).
    START_ATTEMPTS = 2
    START_PAUSE = 1.0

    def _ensure_started(self) -> None:
        if self._kaleido is not None and self._pid == os.getpid():
            return
        if self._pid != os.getpid():
            # A forked child must not touch its parent's browser or loop.
            self._kaleido = self._loop = None
        browser = find_browser()
        if browser is None:
            raise ChartExportError(f"no Chromium found for chart export: {BROWSER_FIX}")
        output = _browser_output_log()
        for attempt in range(1, self.START_ATTEMPTS + 1):
            output.lines.clear()
            try:
                self._start(browser)
                return
            except Exception as exc:
                self._stop()
                said = output.last()
                if attempt < self.START_ATTEMPTS:
                    log.warning("the chart browser did not start (%s; it wrote: %s); starting it once more", _describe(exc), said)
                    self.start_failures += 1
                    time.sleep(self.START_PAUSE)
                    continue
                raise ChartExportError(
                    f"the chart browser ({browser}) did not start, {self.START_ATTEMPTS} times: {_describe(exc)}; "
                    f"it wrote: {said}; {BROWSER_FIX}"
                ) from exc

    def _start(self, browser: str) -> None:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="chart-export", daemon=True).start()
        previous = os.environ.get("BROWSER_PATH")
        os.environ["BROWSER_PATH"] = browser
        try:
            self._run(self._open_browser(), self.start_timeout)
        finally:
            if previous is None:
                os.environ.pop("BROWSER_PATH", None)
            else:
                os.environ["BROWSER_PATH"] = previous
        self._pid = os.getpid()

    async def _open_browser(self) -> None:
        self._kaleido = ReusingKaleido(n=1, mathjax=False, timeout=self.timeout, plotlyjs=str(self.plotly_js),
                                       browser_cls=LowestPriorityChromium if self.lite_js else FullSpeedJsChromium)
        await self._kaleido.open()

    def _stop(self) -> None:
        k, loop = self._kaleido, self._loop
        self._kaleido = self._loop = None
        self._pid = None
        if k is not None and loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(5)
            except Exception:
                pass
            process = getattr(k, "subprocess", None)
            if process is not None:
                # Debian's /usr/bin/chromium is a shell wrapper that does not exec,
                # so kill the whole process group (choreographer starts a new session).
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@lru_cache(maxsize=1)
def batch_chart_exporter() -> ChartExporter:
    """The process's chart exporter for batches, created on first use: its browser runs V8
    with the optimising compilers (reports/browser.py FullSpeedJsChromium), ~35-100 ms less
    browser CPU a report for ~90 MiB more while the batch runs
    (bench/investigations/footprint-start-and-pdf-cost.md, "Each PDF cheaper"). Batches with an
    exporter of their own (a workshop's ZIP in a web process) keep it."""
    return ChartExporter(lite_js=False)


_default: ChartExporter | None = None
_default_lock = threading.Lock()


def default_chart_exporter(timeout: float = 20.0) -> ChartExporter:
    """The process's chart exporter, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ChartExporter(timeout=timeout)
        return _default
