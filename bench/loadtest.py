"""`make loadtest`: N virtual participants against the app served as `make serve`
serves it (gunicorn, SECRET_KEY set, migrations applied), loopback only and
bounded in time; afterwards the database is checked for every answer the
server acknowledged. Prints one table.

  .venv/bin/python bench/loadtest.py --participants 200 --db sqlite
  .venv/bin/python bench/loadtest.py --participants 200 --db postgres
  .venv/bin/python bench/loadtest.py --participants 100 --kill-worker   # fault test
  .venv/bin/python bench/loadtest.py --participants 60 --attacker 8     # 8 clients flooding responses and PDFs
  .venv/bin/python bench/loadtest.py --participants 60 --attacker 8 --participants-after 40 --time-limit 240
                                                                        # the workshop starts while the attack runs

Every request's time since the start, name and duration are kept in the log
(acknowledged.json, "timeline"), so the slow ones can be placed in the run.

The server trusts one proxy (PROXY_COUNT=1) and every virtual client sends
its own X-Forwarded-For, so per-client limits see each participant and each
attacking client as its own address, as behind a real reverse proxy.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "snubbeltrad_load"

sys.path.insert(0, str(ROOT))
from tests.support.run_services import free_port  # noqa: E402


def flask(env, *args, input_text=None) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, input=input_text,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(kind: str, work: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{work / 'load.sqlite'}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"


def run_in_app(env, body: str):
    """Run `body` inside the app (as the server would see the database) and return the JSON it prints last."""
    script = "import json\nfrom app import create_app\napp = create_app()\nwith app.app_context():\n" + body
    out = subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_workshop(env) -> tuple[str, str, int, str, list[list[str]], list[str]]:
    """A coach and a named workshop, made with the app's own code."""
    return tuple(run_in_app(env, (
        "    import secrets\n"
        "    from datetime import date\n"
        "    from services.db import db\n"
        "    from services.accounts import create_coach\n"
        "    from services.models import Workshop\n"
        "    from services.workshops import unused_join_code\n"
        "    password = secrets.token_urlsafe(12)\n"
        "    coach = create_coach('load@example.com', password)\n"
        "    w = Workshop(coach_id=coach.id, title='Load', held_on=date.today(), language='sv', privacy_mode='named', join_code=unused_join_code())\n"
        "    db.session.add(w); db.session.commit()\n"
        "    instrument = app.extensions['instrument_bank'].current\n"
        "    pages = [[i.id for i in p] for p in instrument.pages]\n"
        "    print(json.dumps([coach.email, password, w.id, w.join_code, pages, instrument.languages]))\n"
    )))


LOAD_GENERATOR_NICE = -10


# Other work on a shared machine: busy for 0-100 ms, idle for 0-100 ms (--neighbours-nice). Never
# busy all the time: that leaves idle-priority work (the PDFs) no moment at all (one such run
# finished 5 of 60 participants, none of the rest got a PDF).
NEIGHBOUR = """
import random, time
while True:
    until = time.perf_counter() + random.uniform(0, 0.1)
    while time.perf_counter() < until:
        pass
    time.sleep(random.uniform(0, 0.1))
"""


def _load_generator_first() -> None:
    # The 68 virtual browsers stand for machines of their own, but share the server's two cores
    # here. Ahead of the server in the queue for a core, locust reads each reply when it comes, so
    # its own wait for a core is not counted as the server's time; its CPU still comes out of the
    # server's. (Needs root or CAP_SYS_NICE; otherwise it runs at normal priority, as the table says.)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, LOAD_GENERATOR_NICE)
    except PermissionError:
        pass


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"server did not answer at {url}")


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def check_database(env, log: dict) -> dict:
    """Every acknowledged page's answers are stored, once, with the value sent."""
    data = run_in_app(env, (
        "    from sqlalchemy import select, func\n"
        "    from services.db import db\n"
        "    from services.models import Answer, Response\n"
        "    rows = db.session.execute(select(Response.token_hash, Answer.item_id, Answer.value).join(Answer, Answer.response_id == Response.id)).all()\n"
        "    completed = db.session.scalar(select(func.count()).select_from(Response).where(Response.completed_at.is_not(None)))\n"
        "    print(json.dumps({'rows': [list(r) for r in rows], 'completed': completed}))\n"
    ))
    stored = {}
    duplicates = 0
    for token_hash, item, value in data["rows"]:
        duplicates += (token_hash, item) in stored
        stored[(token_hash, item)] = value
    lost = wrong = 0
    for entry in log["acknowledged"]:
        token_hash = hashlib.sha256(entry["token"].encode()).hexdigest()
        for item, value in entry["answers"].items():
            if (token_hash, item) not in stored:
                lost += 1
            elif stored[(token_hash, item)] != value:
                wrong += 1
    return {"acknowledged_answers": sum(len(e["answers"]) for e in log["acknowledged"]), "lost": lost,
            "wrong": wrong, "duplicates": duplicates, "completed_in_db": data["completed"]}


def cpu_steal_seconds() -> float:
    """CPU time the virtual machine's host gave to others, all cores (the 'steal' column of /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def wait_counting_cpu(process: subprocess.Popen, seconds: float) -> float:
    """Wait for the process; return the CPU seconds it used (last read of /proc before it ended)."""
    used = 0.0
    deadline = time.monotonic() + seconds
    while process.poll() is None:
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(process.args, seconds)
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
        time.sleep(0.5)
    return used


class PressureSampler(threading.Thread):
    """The machine's stall counters every 0.25 s: CPU and I/O pressure (Linux PSI, µs during
    which some or all runnable tasks waited) and the disk's time spent writing. With them a
    slow page can be named: waiting for a core, or for the disk."""

    def __init__(self):
        super().__init__(daemon=True)
        # (monotonic, CPU some, I/O some, I/O full, steal) in µs; steal is summed over the cores
        self.samples: list[tuple[float, float, float, float, float]] = []
        self.stopped = threading.Event()

    @staticmethod
    def _read() -> tuple[float, float, float, float]:
        def total(kind: str, line: int) -> float:
            return float(Path(f"/proc/pressure/{kind}").read_text().splitlines()[line].rsplit("total=", 1)[1])
        return total("cpu", 0), total("io", 0), total("io", 1), cpu_steal_seconds() * 1e6

    def run(self):
        while not self.stopped.wait(0.25):
            try:
                self.samples.append((time.monotonic(), *self._read()))
            except (OSError, IndexError, ValueError):
                return  # no PSI on this kernel: the table says so

    def share(self, start: float, end: float) -> tuple[float, float, float, float] | None:
        """Fraction of [start, end] (monotonic s) with CPU some / I/O some / I/O full pressure,
        and the share of the cores' time the VM's host took (steal)."""
        inside = [s for s in self.samples if start - 0.25 <= s[0] <= end + 0.25]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return None
        span = (inside[-1][0] - inside[0][0]) * 1e6
        shares = [(inside[-1][k] - inside[0][k]) / span for k in (1, 2, 3, 4)]
        shares[3] /= os.cpu_count() or 1
        return tuple(shares)


def pressure_during_slow_pages(sampler: PressureSampler, log: dict, slower_than_ms: float = 300) -> str:
    """CPU and I/O pressure during the participants' slow pages, beside the whole run's."""
    whole = sampler.share(sampler.samples[0][0], sampler.samples[-1][0]) if len(sampler.samples) > 1 else None
    if whole is None or "started_at_monotonic" not in log:
        return "– (no /proc/pressure)"
    origin = log["started_at_monotonic"]
    slow = [(origin + t - ms / 1000, origin + t) for t, name, ms in log["timeline"]
            if name in ("page GET", "page POST") and ms > slower_than_ms]
    shares = [share for start, end in slow if (share := sampler.share(start, end))]
    if not shares:
        return "no slow pages; whole run CPU {:.0%}, I/O some {:.0%}, full {:.0%}, steal {:.0%}".format(*whole)
    during = [sum(share[k] for share in shares) / len(shares) for k in range(4)]
    return ("{} slow pages: CPU {:.0%}, I/O some {:.0%}, full {:.0%}, steal {:.0%}; "
            "whole run {:.0%}, {:.0%}, {:.0%}, {:.0%}").format(len(shares), *during, *whole)


def server_side_p95(access_log: Path) -> dict[str, float]:
    """p95 of the time inside the server (ms) for the participants' questionnaire pages
    (clients 10.1.*, bench/locustfile.py), by method."""
    times: dict[str, list[float]] = {"GET": [], "POST": []}
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 5 and "/page/" in parts[1] and parts[4].startswith("10.1.") and parts[0] in times:
            times[parts[0]].append(int(parts[3]) / 1000)
    return {method: sorted(ms)[max(0, int(len(ms) * 0.95) - 1)] if ms else float("nan") for method, ms in times.items()}


def stats(csv_path: Path) -> dict[str, dict]:
    with open(csv_path, encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--spawn-rate", type=float, default=4.0)
    parser.add_argument("--time-limit", type=int, default=180, help="seconds; the run stops by itself")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--report-workers", type=int, default=2, help="RQ report workers (0: render PDFs in the gunicorn workers)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--no-pdf", action="store_true", help="participants skip the PDF (to isolate page latency)")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one gunicorn worker mid-run")
    parser.add_argument("--attacker", type=int, default=0, metavar="N",
                        help="N clients (addresses) starting responses and having PDFs rendered as fast as allowed")
    parser.add_argument("--participants-after", type=float, default=0.0, metavar="SECONDS",
                        help="participants arrive this long after the attackers (a workshop starting during an attack)")
    parser.add_argument("--no-limits", action="store_true", help="switch the per-client limits off (the baseline)")
    parser.add_argument("--busy-neighbours", type=int, default=0, metavar="N",
                        help="N programs that each keep a core busy half the time, in bursts (at --neighbours-nice): "
                             "other work on a shared machine, made repeatable (a quiet machine and a noisy one differed tenfold)")
    parser.add_argument("--neighbours-nice", type=int, default=0, metavar="N",
                        help="their nice value; -10 takes a core from the server whenever they want one, "
                             "as a VM's host does when it takes the VM's cores (steal)")
    parser.add_argument("--summary", metavar="FILE", help="also write the run's figures as JSON (bench/attack_pairs.py reads it)")
    parser.add_argument("--locust", default=str(BIN / "locust"),
                        help="the locust program (default: the project's .venv, as `make loadtest` installs it)")
    args = parser.parse_args()

    load_before = Path("/proc/loadavg").read_text().split()[0]  # the machine may be shared: say how busy it was
    steal_before = cpu_steal_seconds()
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    env = {**os.environ, "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": prepare_database(args.db, work),
           "REPORT_CACHE_DIR": str(work / "cache"), "JOBS_DIR": str(work / "jobs"),
           # One trusted proxy: each virtual client sends its own X-Forwarded-For (bench/locustfile.py).
           "PROXY_COUNT": "1"}
    if args.no_limits:
        env.update(START_RATE_LIMIT="1000000 per minute", RENDER_RATE_LIMIT="1000000 per minute", RENDER_SLOTS="64")
    env.pop("FLASK_DEBUG", None)
    report_workers = []
    if args.report_workers:
        env["REDIS_URL"] = args.redis
        subprocess.run([str(BIN / "python"), "-c", f"import redis; redis.Redis.from_url('{args.redis}').flushdb()"], check=True)
    flask(env, "db", "upgrade")
    email, password, workshop_id, code, pages, languages = setup_workshop(env)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads),
         "--timeout", "60", "--keep-alive", "5",
         # Each request's time inside the server (µs) and its client: the participants' figures from the
         # server's side, without the load generator's own delays (it shares the two cores with the attack).
         "--access-logfile", str(work / "access.log"),
         "--access-logformat", '%(m)s %(U)s %(s)s %(D)s %({x-forwarded-for}i)s',
         "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(work / "gunicorn.log", "w"))
    for n in range(args.report_workers):
        report_workers.append(subprocess.Popen(
            ["chrt", "--idle", "0", str(BIN / "rq"), "worker", "reports", "--url", args.redis, "--path", ".",
             "--worker-class", "rq.worker.SimpleWorker"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(work / f"rq-{n}.log", "w")))
    neighbours: list[subprocess.Popen] = []
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        log_path = work / "acknowledged.json"
        locust_env = {**env, "LOADTEST_JOIN_CODE": code, "LOADTEST_PARTICIPANTS": str(args.participants),
                      "LOADTEST_LOG": str(log_path), "LOADTEST_PAGES": json.dumps(pages),
                      "LOADTEST_LANGUAGES": json.dumps(languages),
                      "LOADTEST_COACH_EMAIL": email, "LOADTEST_COACH_PASSWORD": password,
                      "LOADTEST_WORKSHOP_ID": str(workshop_id), "LOADTEST_PDF": "0" if args.no_pdf else "1",
                      "LOADTEST_ATTACKERS": str(args.attacker),
                      "LOADTEST_PARTICIPANTS_AFTER": str(args.participants_after),
                      "LOADTEST_SPAWN_RATE": str(args.spawn_rate)}
        for _ in range(args.busy_neighbours):  # one by one: each started is stopped in `finally`
            neighbours.append(subprocess.Popen([sys.executable, "-c", NEIGHBOUR],
                                               preexec_fn=lambda: os.setpriority(os.PRIO_PROCESS, 0, args.neighbours_nice)))
        locust = subprocess.Popen(
            [args.locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.participants + 1 + args.attacker), "-r", str(args.spawn_rate + args.attacker), "-t", f"{args.time_limit}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(work / "locust"), "--only-summary", "--stop-timeout", "30"],
            cwd=ROOT, env=locust_env, stdout=open(work / "locust.log", "w"), stderr=subprocess.STDOUT,
            preexec_fn=_load_generator_first)
        killed = None
        if args.kill_worker:
            time.sleep(min(30, args.time_limit / 3))
            killed = worker_pids(server.pid)[0]
            os.kill(killed, signal.SIGKILL)
        locust_nice = os.getpriority(os.PRIO_PROCESS, locust.pid)
        sampler = PressureSampler()
        sampler.start()
        locust_cpu = wait_counting_cpu(locust, args.time_limit + 60)
        sampler.stopped.set()
    finally:
        for neighbour in neighbours:
            neighbour.kill()
            neighbour.wait()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for worker in report_workers:
            worker.send_signal(signal.SIGTERM)
        for worker in report_workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()

    load_after = Path("/proc/loadavg").read_text().split()[0]
    steal = cpu_steal_seconds() - steal_before
    log = json.loads(log_path.read_text())
    table = stats(work / "locust_stats.csv")
    check = check_database(env, log)
    server_p95 = server_side_p95(work / "access.log")
    agg = table["Aggregated"]
    page_rows = [table[n] for n in ("page GET", "page POST") if n in table]
    failures_csv = (work / "locust_failures.csv").read_text()
    page_p95 = max(float(r["95%"]) for r in page_rows) if page_rows else float("nan")
    # The attacker's refused requests are the limits working, not failures of the app.
    failures = sum(int(row["Failure Count"]) for name, row in table.items() if name != "Aggregated" and not name.startswith("attack"))
    rows = [
        ("database", args.db),
        ("gunicorn", f"{args.workers} workers × {args.threads} threads"),
        ("load average (1 min) before / after the run", f"{load_before} / {load_after}"),
        ("CPU time taken by the VM's host (steal)", f"{steal:.1f} s"),
        ("busy neighbours (half-busy programs), their nice value", f"{args.busy_neighbours}, {args.neighbours_nice}"),
        ("report workers (RQ, Redis)", str(args.report_workers)),
        ("participants arrived from / to", "{:.1f} / {:.1f} s".format(min(log["arrival_times"], default=float("nan")),
                                                                   max(log["arrival_times"], default=float("nan")))),
        ("participants finished", f"{log['finished']} of {args.participants}"),
        ("completed responses in the database", str(check["completed_in_db"])),
        ("last participant reached the profile after", f"{max(log['profile_times'], default=float('nan')):.0f} s"),
        ("last participant had the PDF after", f"{max(log['finish_times'], default=float('nan')):.0f} s" if not args.no_pdf else "–"),
        ("requests", agg["Request Count"]),
        ("failed requests", str(failures)),
        ("questionnaire pages p95 (GET, POST)", " / ".join(f"{float(r['95%']):.0f} ms" for r in page_rows)),
        ("… the same inside the server (access log)", f"{server_p95['GET']:.0f} ms / {server_p95['POST']:.0f} ms"),
        ("load generator's CPU time (locust), its nice value", f"{locust_cpu:.0f} s, {locust_nice}"),
        ("pressure during pages > 300 ms (share of time)", pressure_during_slow_pages(sampler, log)),
        ("profile.pdf request median / p95", f"{float(table['profile.pdf']['50%']):.0f} / {float(table['profile.pdf']['95%']):.0f} ms" if "profile.pdf" in table else "–"),
        ("PDF in hand after profile, median / p95", f"{float(table['PDF ready after']['50%']) / 1000:.1f} / {float(table['PDF ready after']['95%']) / 1000:.1f} s" if "PDF ready after" in table else "–"),
        ("team view poll p95", f"{float(table['team view poll']['95%']):.0f} ms" if "team view poll" in table else "–"),
        ("acknowledged answers", str(check["acknowledged_answers"])),
        ("answers lost / wrong / duplicated", f"{check['lost']} / {check['wrong']} / {check['duplicates']}"),
    ]
    if killed:
        rows.append(("gunicorn worker killed mid-run", f"pid {killed}"))
    if args.attacker:
        def succeeded(name):
            row = table.get(name)
            return int(row["Request Count"]) - int(row["Failure Count"]) if row else 0
        with open(work / "locust_failures.csv", encoding="utf-8") as handle:
            refused = sum(int(row["Occurrences"]) for row in csv.DictReader(handle)
                          if row["Name"].startswith("attack") and "429" in row["Error"])
        rows += [
            ("attacking clients (addresses)", f"{args.attacker}, limits {'OFF' if args.no_limits else 'on'}"),
            ("attacker: responses started / PDFs rendered", f"{succeeded('attack /start')} / {succeeded('attack PDF rendered')}"),
            ("attacker: requests refused (429)", str(refused)),
            ("attacker page p95 (GET, POST)", " / ".join(f"{float(table[n]['95%']):.0f} ms" for n in ("attack page GET", "attack page POST") if n in table)),
        ]
    width = max(len(a) for a, _ in rows)
    print("\nLoad test")
    for a, b in rows:
        print(f"  {a:<{width}}  {b}")
    if failures:
        print("  failures:\n" + "\n".join(line for line in failures_csv.splitlines() if "attack" not in line))
    print(f"  (logs in {work})")
    ok = check["lost"] == 0 and check["wrong"] == 0 and check["duplicates"] == 0
    if not args.kill_worker:
        ok = (ok and failures == 0 and log["finished"] == args.participants and page_p95 <= 300
              and max(log["profile_times"], default=1e9) <= 120)
    print("  targets met" if ok else "  TARGETS NOT MET")
    if args.summary:
        def p95(name):
            return float(table[name]["95%"]) if name in table else None
        Path(args.summary).write_text(json.dumps({
            "db": args.db, "attackers": args.attacker, "load_before": float(load_before), "load_after": float(load_after), "steal_seconds": round(steal, 2),
            "busy_neighbours": args.busy_neighbours, "neighbours_nice": args.neighbours_nice,
            "finished": log["finished"], "participants": args.participants, "failed": failures,
            "page_get_p95": p95("page GET"), "page_post_p95": p95("page POST"),
            "server_get_p95": server_p95["GET"], "server_post_p95": server_p95["POST"], "locust_cpu_seconds": locust_cpu, "locust_nice": locust_nice, "team_poll_p95": p95("team view poll"),
            "arrived_within": max(log["arrival_times"], default=None),
            "attacker_responses": succeeded("attack /start") if args.attacker else 0,
            "attacker_pdfs": succeeded("attack PDF rendered") if args.attacker else 0,
            "attacker_refused": refused if args.attacker else 0,
            "lost": check["lost"], "wrong": check["wrong"], "duplicates": check["duplicates"],
            "pressure_during_slow_pages": pressure_during_slow_pages(sampler, log),
            "targets_met": ok, "logs": str(work)}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
