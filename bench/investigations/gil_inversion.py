"""Priority inversion through the GIL: a low-priority Python thread in a web process.

A page's thread and a report thread share one interpreter lock when they share a
process. If the report thread runs at the lowest CPU priority and holds the lock when
the page's thread wakes up, the page waits until the report thread gets a core to let
go of it, and on a busy machine that can take long. This measures it: the main thread
plays the page (sleeps, then needs ~1 ms of Python), a second thread plays the chart
exporter's Python (busy in Python the whole time) at a given priority, and as many
normal-priority busy processes as there are cores play the rest of a loaded server.

  .venv/bin/python bench/investigations/gil_inversion.py [--samples 200]

Prints the page's wait (ms) per case: no report thread (the baseline), a report thread
at normal priority, at nice 19, at SCHED_IDLE with nice 19. Linux only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import threading
import time


def _spin_forever() -> None:
    while True:
        pass


def _python_work(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _report_thread(priority: str, stop: threading.Event) -> None:
    if priority in ("nice19", "idle"):
        os.setpriority(os.PRIO_PROCESS, 0, 19)  # this thread only (Linux)
    if priority == "idle":
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    while not stop.is_set():
        _python_work(0.01)


def page_waits(priority: str | None, samples: int) -> list[float]:
    """Milliseconds from a page thread's due wake-up until its 1 ms of Python is done, minus that 1 ms:
    the time it waited for a core and for the interpreter lock."""
    stop = threading.Event()
    thread = None
    if priority is not None:
        thread = threading.Thread(target=_report_thread, args=(priority, stop), daemon=True)
        thread.start()
    waits = []
    for _ in range(samples):
        due = time.perf_counter() + 0.02
        time.sleep(0.02)  # the page's thread waits for a reply (a query, a client) ...
        _python_work(0.001)  # ... and then needs the interpreter for 1 ms
        waits.append((time.perf_counter() - due - 0.001) * 1000)
    stop.set()
    if thread is not None:
        thread.join()
    return waits


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2,
                        help="normal-priority busy processes (default: one per core)")
    args = parser.parse_args()
    busy = [multiprocessing.Process(target=_spin_forever, daemon=True) for _ in range(args.busy)]
    for process in busy:
        process.start()
    try:
        print(f"{args.busy} busy processes at normal priority, {os.cpu_count()} cores; "
              f"{args.samples} page wake-ups per case; page's wait in ms")
        print(f"{'report thread in the page process':<40} {'median':>8} {'p95':>8} {'max':>8}")
        for label, priority in [("none (baseline)", None), ("normal priority", "normal"),
                                ("nice 19", "nice19"), ("SCHED_IDLE, nice 19", "idle")]:
            waits = page_waits(priority, args.samples)
            print(f"{label:<40} {statistics.median(waits):>8.1f} {p(waits, 0.95):>8.1f} {max(waits):>8.1f}")
    finally:
        for process in busy:
            process.terminate()


if __name__ == "__main__":
    main()
