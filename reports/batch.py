"""Many personal reports at once: the CLI with several answers files, a
workshop's ZIP of individual PDFs, the benchmark.

A report is two kinds of work: chart export, done by the process's browser,
and page layout, done by WeasyPrint in pure Python on one core. With one
process the next report's charts are exported while this one is laid out.
With a layout pool, the pages are laid out by `processes` layout processes
while this process builds and exports the charts, so both cores lay out.

The pool's processes are forked from a forkserver (never from this process,
whose threads may hold locks a fork would copy) and kept warm between
batches. Like any multiprocessing child they import the program's main
module, so its work must sit under `if __name__ == "__main__"` (flask, gunicorn,
rq and pytest do so); if they cannot start, this process lays out everything. They take about a second to start; until they are ready this
process lays the reports out itself. A layout process that dies breaks the pool: the
reports still missing are then laid out here, and the next batch starts a
new pool.

Layout processes run at the lowest CPU priority (reports/cpu_priority.py): a process
that lays a PDF out in one of them keeps its own GIL and the CPU for the
work it does meanwhile (`profile_pdf_in_layout_process`)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from typing import Iterable, Iterator, Mapping

from .chart_export import ChartExporter, batch_chart_exporter, default_chart_exporter
from .pdf import (
    lay_out_profile_pdf,
    profile_chart_images_of,
    render_document_pdf,
    warm_up,
)
from .report_model import ProfileReport, ReportDocument

# How long one PDF waits for a starting layout process before it is laid out here after all.
START_WAIT = 20.0

log = logging.getLogger(__name__)

# A layout takes ~0.2 s; a layout process that needs this long is stuck.
LAYOUT_TIMEOUT = 120.0


def _process_is_up() -> bool:
    return True


def _start_layout_process(languages: tuple[str, ...]) -> None:
    # Already at the lowest priority, as its forkserver is (reports/lowest_priority.py).
    warm_up(languages)


class LayoutPool:
    def __init__(self, processes: int):
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._pid: int | None = None
        self._ready = threading.Event()
        self._settled = threading.Event()  # ready, or failed to start
        self._lock = threading.Lock()

    def start(self, languages: Iterable[str]) -> None:
        """Start the layout processes in the background, unless they run already; each
        warms up for `languages` (the instrument's)."""
        with self._lock:
            if self._executor is not None and self._pid == os.getpid():
                return
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["reports.lowest_priority", "reports.pdf", "reports.layout"])
            executor = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_start_layout_process,
                                           initargs=(tuple(languages),))
            self._executor, self._pid = executor, os.getpid()
            self._ready.clear()
            self._settled.clear()
        threading.Thread(target=self._wait_until_ready, args=(executor,), name="layout-pool-start", daemon=True).start()

    def _wait_until_ready(self, executor: ProcessPoolExecutor) -> None:
        try:
            # Each submit starts one more layout process until there are `processes`.
            for started in [executor.submit(_process_is_up) for _ in range(self.processes)]:
                started.result(LAYOUT_TIMEOUT)
        except Exception as exc:  # the batch goes on in this process
            log.warning("the layout pool did not start (%s); laying out in this process", exc)
            self.discard()
            self._settled.set()
            return
        with self._lock:
            if self._executor is executor:
                self._ready.set()
        self._settled.set()

    def ready_executor(self) -> ProcessPoolExecutor | None:
        """The executor once its layout processes are up; None while they start, or after a failure."""
        with self._lock:
            return self._executor if self._ready.is_set() and self._pid == os.getpid() else None

    def wait_until_ready(self, timeout: float) -> bool:
        """True once the layout processes are up; False if they failed to start or took too long."""
        self._settled.wait(timeout)
        return self._ready.is_set()

    def process_pids(self) -> list[int]:
        processes = getattr(self._executor, "_processes", None) or {}
        return [process.pid for process in processes.values()]

    def discard(self) -> None:
        self._shut_down(wait=False)

    def close(self) -> None:
        self._shut_down(wait=True)

    def _shut_down(self, wait: bool) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
            self._ready.clear()
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)


_pools: dict[int, LayoutPool] = {}
_pools_lock = threading.Lock()


def layout_pool(processes: int) -> LayoutPool:
    """The process's layout pool of that size, created on first use."""
    with _pools_lock:
        return _pools.setdefault(processes, LayoutPool(processes))


def close_layout_pools() -> None:
    """End the process's layout processes and wait for them. A process that ends without the
    interpreter's teardown must do this first (cli/reports.py): a layout process holds its
    own end of the pipe it waits on, so it would never see its parent go."""
    with _pools_lock:
        pools = list(_pools.values())
    for pool in pools:
        pool.close()


def profile_pdf_in_layout_process(report: ProfileReport, exporter: ChartExporter | None = None) -> bytes:
    """One PDF, as reports.pdf.render_profile_pdf_in_process makes it, but made whole in a
    layout process at the lowest CPU priority (a report worker's; a web worker asks the
    host's report server instead, reports/report_client.py): its charts by that process's own
    chart browser (started there, so at the lowest priority from its first instruction), and
    its layout. Made in a web process, a PDF held that process's GIL for the
    figures, the browser's replies and the layout (WeasyPrint is pure Python), so
    every page the process served meanwhile waited
    (docs/decisions/0002-no-lowered-python-thread-in-a-web-process.md). This
    thread waits for the bytes without the GIL. The process's own
    exporter gives the chart timeout; another one given (a test's) is used here,
    as is the process's when the layout process cannot start or dies."""
    own = default_chart_exporter()
    exporter = exporter or own
    if exporter is own:
        pool = layout_pool(1)
        pool.start(report.instrument.languages)
        executor = pool.ready_executor() if pool.wait_until_ready(START_WAIT) else None
        if executor is not None:
            try:
                future = executor.submit(_make_profile_pdf, report, exporter.timeout)
                return future.result(LAYOUT_TIMEOUT)  # a ChartExportError from there is raised here
            except BrokenProcessPool:
                log.warning("the layout process died; making this PDF in this process")
                pool.discard()
    return lay_out_profile_pdf(report, profile_chart_images_of(report, exporter))


def _make_profile_pdf(report: ProfileReport, chart_timeout: float) -> bytes:
    """In a layout process: the charts through this process's chart browser, then the layout."""
    return lay_out_profile_pdf(report, profile_chart_images_of(report, default_chart_exporter(chart_timeout)))


def render_profile_pdfs(reports: Iterable[ProfileReport], exporter: ChartExporter | None = None,
                        processes: int = 1) -> Iterator[bytes]:
    """One PDF per report, in order."""
    if exporter is None:
        exporter = batch_chart_exporter()
        # The browser starts (~1 s, most of it loading plotly.js into its page) while the layout
        # processes start and the first figures are built, not after them (the `report` command
        # starts it sooner still, cli/reports.py).
        exporter.start_soon()
    if processes > 1:
        return _pooled(iter(reports), exporter, layout_pool(processes))
    return _pipelined(iter(reports), exporter)


def _pipelined(reports: Iterator[ProfileReport], exporter: ChartExporter) -> Iterator[bytes]:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart-export") as ahead:
        current = next(reports, None)
        images = ahead.submit(profile_chart_images_of, current, exporter) if current is not None else None
        while current is not None:
            ready = images.result()
            following = next(reports, None)
            if following is not None:
                images = ahead.submit(profile_chart_images_of, following, exporter)
            yield lay_out_profile_pdf(current, ready)
            current = following


# A report waiting for its PDF: laid out here already (bytes) or in a layout process (Future).
_Pending = tuple[ProfileReport, Mapping[str, str], "bytes | Future"]


def _pooled(reports: Iterator[ProfileReport], exporter: ChartExporter, pool: LayoutPool) -> Iterator[bytes]:
    first = next(reports, None)
    if first is None:
        return
    pool.start(first.instrument.languages)
    # At most two layouts per layout process wait in line, so memory stays flat however long the batch.
    in_flight: deque[_Pending] = deque()
    for report in chain([first], reports):
        images = profile_chart_images_of(report, exporter)
        in_flight.append((report, images, _lay_out(pool, report, images)))
        if len(in_flight) >= 2 * pool.processes or isinstance(in_flight[0][2], bytes):
            yield _collect(in_flight.popleft(), pool)
    while in_flight:
        yield _collect(in_flight.popleft(), pool)


def _lay_out(pool: LayoutPool, report: ProfileReport, images: Mapping[str, str]) -> bytes | Future:
    executor = pool.ready_executor()
    if executor is not None:
        try:
            return executor.submit(lay_out_profile_pdf, report, images)
        except (BrokenProcessPool, RuntimeError):
            log.warning("the layout pool is broken; laying out the rest of this batch in this process")
            pool.discard()
    return lay_out_profile_pdf(report, images)  # the layout processes are still starting, or gone


def _collect(entry: _Pending, pool: LayoutPool) -> bytes:
    report, images, pending = entry
    if isinstance(pending, bytes):
        return pending
    try:
        return pending.result(LAYOUT_TIMEOUT)
    except BrokenProcessPool:
        log.warning("a layout process died; laying out the rest of this batch in this process")
        pool.discard()
        return lay_out_profile_pdf(report, images)


class InProcessPdfs:
    """The PDFs made by this process and its layout processes: a report worker's (worker.py)
    and a command's. The same methods as reports.report_client.ReportServerClient, which
    web workers use instead, so that services/reporting/production.py asks either alike."""

    def __init__(self, chart_timeout: float = 20.0, processes: int = 1):
        self.chart_timeout = chart_timeout
        self.processes = processes

    def profile_pdf(self, report: ProfileReport) -> bytes:
        return profile_pdf_in_layout_process(report, default_chart_exporter(self.chart_timeout))

    def profile_pdfs(self, reports: Iterable[ProfileReport]) -> Iterator[bytes]:
        return render_profile_pdfs(reports, default_chart_exporter(self.chart_timeout), processes=self.processes)

    def document_pdf(self, document: ReportDocument) -> bytes:
        return render_document_pdf(document, default_chart_exporter(self.chart_timeout))
