"""The host's report server (started by reports/report_client.py; see there why):
`python -m reports.report_server SOCKET --watch PID`. One process, one chart
browser, PDFs laid out one at a time; the next request's charts are exported while
this one is laid out. Runs at the lowest CPU priority (its starter lowers it).

It makes every PDF a web worker serves: a profile (REQUESTS["profile_pdf"], its figures built
here) and every other report (REQUESTS["document_pdf"]: the team report, the blank
questionnaire, the technical note, the coach's edition, described by the asking process in
reports/report_model.py), so no web worker imports WeasyPrint or kaleido (issue 29)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import threading
import time
from multiprocessing.connection import Connection, Listener
from pathlib import Path

from .chart_error import ChartExportError
from .chart_export import ChartExporter
from .memory import release_memory
from .pdf import (
    document_chart_images_of,
    lay_out_document_pdf,
    lay_out_profile_pdf,
    profile_chart_images_of,
    warm_up,
)
from .report_client import ReportServerError
from .report_model import ProfileReport, ReportDocument

log = logging.getLogger(__name__)

WATCH_EVERY = 2.0  # seconds between checks that the starting process still lives
# Chromium (~200 MiB of the host's ~500 after PDFs) is closed when no PDF was asked for this
# long, and started again (2–5 s) by the next one: on a small server the browser then lives only
# while a workshop is downloading (bench/investigations/footprint-start-and-pdf-cost.md,
# "Footprint and cold start"). REPORT_BROWSER_IDLE_SECONDS.
BROWSER_IDLE = float(os.environ.get("REPORT_BROWSER_IDLE_SECONDS", "60"))


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

    def document_pdf(self, document: ReportDocument) -> bytes:
        images = document_chart_images_of(document, self.exporter)
        with self._layout:
            return lay_out_document_pdf(document, images)

    # What a client may ask for, by name (report_client.ReportServerClient.call); any other name is
    # refused. Not a security boundary: a request is a pickle, unpickled before its name is read,
    # so whoever can open the socket can run code here. The socket's folder (0700, this user's)
    # is what keeps everyone else out (report_client.py).
    REQUESTS = {"profile_pdf": profile_pdf, "document_pdf": document_pdf}

    def handle(self, connection: Connection) -> None:
        with self._busy_lock:
            self.busy += 1
            self.last_request = time.monotonic()
        try:
            what, args = connection.recv()
            request = self.REQUESTS.get(what)
            if request is None:
                connection.send(("error", f"unknown request {what!r}"))
                return
            try:
                connection.send(("ok", request(self, *args)))
            except Exception as exc:  # raised again in the asking process
                connection.send(("error", _passed_on(exc)))
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


def _passed_on(exc: Exception) -> Exception:
    """The error as the asking process raises it: a ChartExportError (its 503 page) or a
    built-in error as itself; any other (WeasyPrint's, kaleido's) as a ReportServerError with
    its text, because unpickling it would import its library into a web worker."""
    if isinstance(exc, ChartExportError) or type(exc).__module__ == "builtins":
        return exc
    return ReportServerError(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")


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
