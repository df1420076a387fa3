"""The host's report server (started by reports/report_client.py; see there why):
`python -m reports.report_server SOCKET --watch PID`. One process, one chart
browser, PDFs laid out one at a time; the next request's charts are exported while
this one is laid out. Runs at the lowest CPU priority (its starter lowers it)."""

from __future__ import annotations

import argparse
import ctypes
import gc
import logging
import os
import threading
import time
from multiprocessing.connection import Connection, Listener
from pathlib import Path

from .chart_export import ChartExporter
from .pdf import ProfileReport, lay_out_profile_pdf, profile_chart_images_of, warm_up

log = logging.getLogger(__name__)

WATCH_EVERY = 2.0  # seconds between checks that the starting process still lives
# Chromium (~200 MiB of the host's ~500 after PDFs) is closed when no PDF was asked for this
# long, and started again (2–5 s) by the next one: on a small server the browser then lives only
# while a workshop is downloading (bench/RESULTS.md, "Footprint"). REPORT_BROWSER_IDLE_SECONDS.
BROWSER_IDLE = float(os.environ.get("REPORT_BROWSER_IDLE_SECONDS", "60"))
_libc = ctypes.CDLL(None)


def release_memory() -> None:
    """What a finished render held goes back to the system: the collector first, then glibc's
    free lists (malloc_trim), which otherwise keep the peak of the largest PDF for good."""
    gc.collect()
    try:
        _libc.malloc_trim(0)
    except AttributeError:  # not glibc
        pass


class _Server:
    def __init__(self, chart_timeout: float):
        self.exporter = ChartExporter(timeout=chart_timeout)
        self._layout = threading.Lock()  # WeasyPrint's font configuration is shared: one layout at a time
        self.busy = 0
        self.last_request = time.monotonic()
        self._busy_lock = threading.Lock()

    def profile_pdf(self, report: ProfileReport) -> bytes:
        images = profile_chart_images_of(report, self.exporter)
        with self._layout:
            return lay_out_profile_pdf(report, images)

    def handle(self, connection: Connection) -> None:
        with self._busy_lock:
            self.busy += 1
            self.last_request = time.monotonic()
        try:
            what, args = connection.recv()
            if what != "profile_pdf":
                connection.send(("error", f"unknown request {what!r}"))
                return
            try:
                connection.send(("ok", self.profile_pdf(*args)))
            except Exception as exc:  # noqa: BLE001 - raised again in the asking process
                connection.send(("error", exc))
        except (EOFError, OSError):
            pass  # the asking process went away
        finally:
            connection.close()
            with self._busy_lock:
                self.busy -= 1
                self.last_request = time.monotonic()
                idle = self.busy == 0
            if idle:
                release_memory()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve(socket_path: str, watch: int, languages: list[str], chart_timeout: float) -> None:
    server = _Server(chart_timeout)
    path = Path(socket_path)
    try:
        path.unlink()  # a socket left by a server that was killed
    except FileNotFoundError:
        pass
    old_mask = os.umask(0o177)
    try:
        listener = Listener(socket_path, family="AF_UNIX", backlog=64)
    finally:
        os.umask(old_mask)

    def watcher() -> None:
        while _alive(watch) or server.busy:
            time.sleep(WATCH_EVERY)
            with server._busy_lock:
                idle_browser = (server.busy == 0 and server.exporter.browser_pid is not None
                                and time.monotonic() - server.last_request > BROWSER_IDLE)
            if idle_browser:
                log.info("report server: no PDF for %g s; closing the chart browser until the next", BROWSER_IDLE)
                server.exporter.close()
                release_memory()
        log.info("report server: process %s is gone; leaving", watch)
        server.exporter.close()
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        os._exit(0)

    threading.Thread(target=watcher, name="watch", daemon=True).start()
    warm_up(languages)
    gc.collect()
    gc.freeze()  # what start-up made stays put; later collections skip it
    while True:
        try:
            connection = listener.accept()
        except OSError:
            continue
        threading.Thread(target=server.handle, args=(connection,), name="request", daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("socket")
    parser.add_argument("--watch", type=int, required=True, help="leave when this process is gone")
    parser.add_argument("--languages", default="sv,en")
    parser.add_argument("--chart-timeout", type=float, default=20.0)
    args = parser.parse_args()
    # Warnings from the libraries (WeasyPrint's per-step progress and kaleido's shutdown are INFO).
    logging.basicConfig(level=logging.WARNING, format="[report server %(process)d] %(message)s")
    log.setLevel(logging.INFO)
    serve(args.socket, args.watch, [x for x in args.languages.split(",") if x], args.chart_timeout)


if __name__ == "__main__":
    main()
