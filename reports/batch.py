"""Many personal reports at once: the CLI with several answers files, a
workshop's ZIP of individual PDFs, the benchmark.

A report is two kinds of work: chart export, done by the process's browser,
and page layout, done by WeasyPrint in pure Python on one core. With one
process the next report's charts are exported while this one is laid out.
With a layout pool, the pages are laid out by `processes` worker processes
while this process builds and exports the charts, so both cores lay out.

The pool's workers are forked from a forkserver started once (never from
this process, whose threads may hold locks a fork would copy), and it is
kept warm between batches. A worker that dies breaks the pool: the reports
still missing are then laid out here, and the next batch starts a new pool."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator, Mapping

from .pdf import ProfileReport, lay_out_profile_pdf, profile_chart_images_of
from .renderer import ChartRenderer, default_renderer

log = logging.getLogger(__name__)

# A layout takes ~0.2 s; a worker that needs this long is stuck.
LAYOUT_TIMEOUT = 120.0


class LayoutPool:
    def __init__(self, processes: int):
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["reports.pdf"])
                self._executor = ProcessPoolExecutor(self.processes, mp_context=context)
                self._pid = os.getpid()
            return self._executor

    def worker_pids(self) -> list[int]:
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return [process.pid for process in processes.values()]

    def discard(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_pools: dict[int, LayoutPool] = {}
_pools_lock = threading.Lock()


def layout_pool(processes: int) -> LayoutPool:
    """The process's layout pool of that size, created on first use."""
    with _pools_lock:
        return _pools.setdefault(processes, LayoutPool(processes))


def render_profile_pdfs(reports: Iterable[ProfileReport], renderer: ChartRenderer | None = None,
                        processes: int = 1) -> Iterator[bytes]:
    """One PDF per report, in order."""
    renderer = renderer or default_renderer()
    if processes > 1:
        return _pooled(iter(reports), renderer, layout_pool(processes))
    return _pipelined(iter(reports), renderer)


def _pipelined(reports: Iterator[ProfileReport], renderer: ChartRenderer) -> Iterator[bytes]:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart-export") as ahead:
        current = next(reports, None)
        images = ahead.submit(profile_chart_images_of, current, renderer) if current is not None else None
        while current is not None:
            ready = images.result()
            following = next(reports, None)
            if following is not None:
                images = ahead.submit(profile_chart_images_of, following, renderer)
            yield lay_out_profile_pdf(current, ready)
            current = following


def _pooled(reports: Iterator[ProfileReport], renderer: ChartRenderer, pool: LayoutPool) -> Iterator[bytes]:
    # At most two layouts per worker wait in line, so memory stays flat however long the batch.
    in_flight: deque[tuple[ProfileReport, Mapping[str, str], Future | None]] = deque()
    executor: ProcessPoolExecutor | None = pool.executor()

    def submit(report: ProfileReport) -> None:
        nonlocal executor
        images = profile_chart_images_of(report, renderer)
        future = None
        if executor is not None:
            try:
                future = executor.submit(lay_out_profile_pdf, report, images)
            except (BrokenProcessPool, RuntimeError):
                executor = None
        in_flight.append((report, images, future))

    for report in reports:
        submit(report)
        if len(in_flight) >= 2 * pool.processes:
            yield _collect(in_flight.popleft(), pool)
    while in_flight:
        yield _collect(in_flight.popleft(), pool)


def _collect(entry: tuple[ProfileReport, Mapping[str, str], Future | None], pool: LayoutPool) -> bytes:
    report, images, future = entry
    if future is not None:
        try:
            return future.result(LAYOUT_TIMEOUT)
        except BrokenProcessPool:
            log.warning("a layout worker died; laying out the rest of this batch in this process")
            pool.discard()
    return lay_out_profile_pdf(report, images)
