"""SQLite's write lock under many writers: the page POST's transaction, from 2 processes
x 8 threads (gunicorn 2 x 8), with and without an in-process lock that lets only one
thread per process wait on SQLite.

Why: in attack runs on SQLite the participants' page POSTs took up to 2.2 s inside the
server (p99 1.1 s) while their GETs stayed under 0.6 s (bench/investigations/attack-runs.md, fifth look;
docs/decisions/0004-sqlite-writers-wal-busy-timeout-short-transactions.md).
A writer that finds the database locked sleeps in SQLite's busy handler, in growing steps
(1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms), and can lose the lock again to a
newcomer each time it wakes; with 16 threads waiting the unlucky ones wait long. With
one waiter per process SQLite sees at most two.

  .venv/bin/python bench/investigations/sqlite_writers.py [--transactions 300] [--processes 2] [--threads 8]

Each transaction: read the response, upsert 6 answers, upsert the page time, update the
response, commit (WAL, busy_timeout 15 s, as web/extensions.py sets them); 0-20 ms
between a thread's transactions. Prints latency percentiles and commits per second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE responses (id INTEGER PRIMARY KEY, updated_at REAL);
CREATE TABLE answers (response_id INTEGER, item_id TEXT, value INTEGER, PRIMARY KEY (response_id, item_id));
CREATE TABLE page_timings (response_id INTEGER, page INTEGER, seconds REAL, PRIMARY KEY (response_id, page));
"""


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=15, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=15000")
    return connection


def one_transaction(connection: sqlite3.Connection, response_id: int, page: int, lock: threading.Lock | None) -> None:
    connection.execute("SELECT id, updated_at FROM responses WHERE id = ?", (response_id,)).fetchone()
    if lock is not None:
        lock.acquire()
    try:
        connection.executemany(
            "INSERT INTO answers VALUES (?, ?, ?) ON CONFLICT (response_id, item_id) DO UPDATE SET value = excluded.value",
            [(response_id, f"i{page}_{k}", random.randint(1, 5)) for k in range(6)])
        connection.execute(
            "INSERT INTO page_timings VALUES (?, ?, ?) ON CONFLICT (response_id, page) DO UPDATE SET seconds = seconds + excluded.seconds",
            (response_id, page, 12.0))
        connection.execute("UPDATE responses SET updated_at = ? WHERE id = ?", (time.time(), response_id))
        connection.commit()
    finally:
        if lock is not None:
            lock.release()


def worker_process(path: str, threads: int, transactions: int, with_lock: bool, offset: int, out) -> None:
    lock = threading.Lock() if with_lock else None
    latencies: list[float] = []
    guard = threading.Lock()

    def thread_body(n: int) -> None:
        connection = connect(Path(path))
        response_id = offset + n
        mine = []
        for t in range(transactions):
            time.sleep(random.uniform(0, 0.02))
            started = time.perf_counter()
            one_transaction(connection, response_id, t % 12 + 1, lock)
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with guard:
            latencies.extend(mine)

    workers = [threading.Thread(target=thread_body, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put(latencies)


def run(processes: int, threads: int, transactions: int, with_lock: bool) -> tuple[list[float], float]:
    folder = Path(tempfile.mkdtemp(prefix="sqlite-writers-"))
    path = folder / "db.sqlite"
    setup = connect(path)
    setup.executescript(SCHEMA)
    setup.executemany("INSERT INTO responses VALUES (?, 0)", [(n,) for n in range(processes * threads)])
    setup.commit()
    setup.close()
    queue = multiprocessing.Queue()
    started = time.perf_counter()
    children = [multiprocessing.Process(target=worker_process, args=(str(path), threads, transactions, with_lock, p * threads, queue))
                for p in range(processes)]
    for child in children:
        child.start()
    latencies = [ms for _ in children for ms in queue.get()]
    for child in children:
        child.join()
    return latencies, len(latencies) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--transactions", type=int, default=300, help="per thread")
    parser.add_argument("--rounds", type=int, default=2, help="each variant this many times, alternating")
    args = parser.parse_args()
    print(f"{args.processes} processes x {args.threads} threads x {args.transactions} transactions; ms")
    print(f"{'variant':<34} {'p50':>6} {'p95':>6} {'p99':>7} {'max':>7} {'commits/s':>10}")
    for round_ in range(args.rounds):
        for with_lock in ((False, True) if round_ % 2 == 0 else (True, False)):
            latencies, rate = run(args.processes, args.threads, args.transactions, with_lock)
            ordered = sorted(latencies)
            pick = lambda q: ordered[min(len(ordered) - 1, int(len(ordered) * q))]  # noqa: E731
            label = "one waiter per process (lock)" if with_lock else "every thread waits on SQLite"
            print(f"{label:<34} {statistics.median(ordered):>6.1f} {pick(0.95):>6.1f} {pick(0.99):>7.1f} "
                  f"{ordered[-1]:>7.1f} {rate:>10.0f}", flush=True)


if __name__ == "__main__":
    main()
