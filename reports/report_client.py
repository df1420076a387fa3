"""Reaching the host's report server (reports/report_server.py): one process per
socket that makes every PDF a web worker serves (profiles, and the team report, blank
questionnaire, technical note and coach's edition as reports/report_model.py describes them),
its charts by its one chart browser, for every process that asks (the gunicorn workers of
`make serve`, the in-process job thread). So no web worker imports WeasyPrint or kaleido.

Before it, each gunicorn worker had its own layout process and its own Chromium:
2 workers × (a forkserver, a layout process, ~10 Chromium processes), 1.1 GB PSS
after three PDFs (bench/investigations/footprint-start-and-pdf-cost.md, "Footprint and cold start").
Now there is one of each per host.

The server is started on first use by whichever process needs it first, under a file
lock so that two workers asking at once start one; it runs at the lowest CPU priority
(reports/cpu_priority.py), as the layout processes did, so questionnaire pages come
first. It leaves when the process that started it is gone (checked every few seconds),
and the next process that needs it starts a new one.

When the server cannot be reached or goes away during a request, the request is sent once
more, to a server started anew; if that fails too the caller gets ReportServerUnavailable
(a web worker's 503 page, web/errors.py) rather than making the PDF itself, which would load
WeasyPrint and a Chromium into that worker for good.

The socket sits in a folder only this user can enter (mode 0700), and requests and replies are
pickles: that folder is the whole protection. A process that can open the socket can run code in
the server (and, answering in its place, in a web worker), as this user, which it already is."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Client, Connection
from pathlib import Path
from typing import Any, Iterable, Iterator

from .cpu_priority import lowest_priority_for_this_thread
from .report_model import ProfileReport, ReportDocument

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
START_WAIT = 60.0  # Chromium is started lazily, so the server itself answers within ~1 s
PDF_TIMEOUT = 120.0  # as reports.batch.LAYOUT_TIMEOUT: a PDF that takes this long is stuck


class ReportServerUnavailable(RuntimeError):
    """The report server could not be started or reached; the caller makes the PDF itself."""


class ReportServerError(RuntimeError):
    """The server ran the request and it failed there (the message says why)."""


def usable_socket_path(path: str) -> str:
    """`path`, or when it is too long for a Unix socket (108 bytes on Linux) one named after it
    in the temporary folder."""
    if len(os.fsencode(path)) <= 100:
        return path
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:20]
    return os.path.join(tempfile.gettempdir(), f"snubbeltrad-{os.getuid()}-{digest}", "socket")


class ReportServerClient:
    def __init__(self, socket_path: str, languages: Iterable[str] = ("sv", "en"), chart_timeout: float = 20.0):
        self.socket_path = usable_socket_path(socket_path)
        self.languages = tuple(languages)
        self.chart_timeout = chart_timeout

    # -- the PDFs (the same names as reports.batch.InProcessPdfs, which makes them in this process) --

    def profile_pdf(self, report: ProfileReport) -> bytes:
        return self.call("profile_pdf", report, timeout=PDF_TIMEOUT)

    def profile_pdfs(self, reports: Iterable[ProfileReport]) -> Iterator[bytes]:
        """One PDF per report, in order; the next is asked for while this one is made, so the
        server exports its charts while it lays this one out (as reports.batch pipelines)."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-server-ahead") as ahead:
            pending = None
            for report in reports:
                following = ahead.submit(self.profile_pdf, report)
                if pending is not None:
                    yield pending.result()
                pending = following
            if pending is not None:
                yield pending.result()

    def document_pdf(self, document: ReportDocument) -> bytes:
        return self.call("document_pdf", document, timeout=PDF_TIMEOUT)

    # -- requests --------------------------------------------------------------

    def call(self, what: str, *args: Any, timeout: float = 120.0) -> Any:
        """Run `what` (one of report_server._Server.REQUESTS) there with args; its result, or its
        error raised here. Sent once more, to a server started anew, if the server could not be
        reached or went away."""
        try:
            return self._call_once(what, args, timeout)
        except ReportServerUnavailable as exc:
            log.warning("%s; asking a new report server once more", exc)
            return self._call_once(what, args, timeout)

    def _call_once(self, what: str, args: tuple, timeout: float) -> Any:
        connection = self._connect()
        try:
            connection.send((what, args))
            if not connection.poll(timeout):
                raise ReportServerError(f"no answer from the report server within {timeout:g} s")
            status, value = connection.recv()
        except (EOFError, OSError) as exc:
            raise ReportServerUnavailable(f"the report server went away ({exc!r})") from exc
        finally:
            connection.close()
        if status == "ok":
            return value
        if isinstance(value, BaseException):
            raise value
        raise ReportServerError(str(value))

    def start(self) -> None:
        """Start the server now if none runs (in the background of the caller: it waits for the socket)."""
        self._connect().close()

    # -- internals -------------------------------------------------------------

    def _try(self) -> Connection | None:
        try:
            return Client(self.socket_path, family="AF_UNIX")
        except (FileNotFoundError, ConnectionRefusedError):
            return None

    def _connect(self) -> Connection:
        connection = self._try()
        if connection is not None:
            return connection
        folder = Path(self.socket_path).parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        with open(folder / "start.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one starter at a time; the others then find it running
            connection = self._try()
            if connection is not None:
                return connection
            process = self._spawn()
            deadline = time.monotonic() + START_WAIT
            while time.monotonic() < deadline:
                connection = self._try()
                if connection is not None:
                    return connection
                if process.poll() is not None:
                    break
                time.sleep(0.05)
            raise ReportServerUnavailable(
                f"the report server did not start (exit status {process.poll()}); see the log above")

    def _spawn(self) -> subprocess.Popen:
        log.info("starting the report server on %s", self.socket_path)
        return subprocess.Popen(
            [sys.executable, "-m", "reports.report_server", self.socket_path, "--watch", str(os.getpid()),
             "--languages", ",".join(self.languages), "--chart-timeout", str(self.chart_timeout)],
            cwd=ROOT, stdin=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                 "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")},
            preexec_fn=lowest_priority_for_this_thread)
