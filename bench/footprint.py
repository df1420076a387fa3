"""Footprint and cold start, each figure beside its budget (issue 29) and a naive
baseline measured in the same run. Part of `make bench`; alone:

  .venv/bin/python bench/footprint.py [--pdfs 3] [--repeat 3]

- serving footprint: gunicorn as `make serve` starts it (2 workers × 4 threads,
  migrations applied, SECRET_KEY set) on a fresh instance folder; three people
  answer and download their profile PDF at once; then the PSS
  (/proc/PID/smaps_rollup) of every process of the tree is summed: gunicorn,
  workers, the report server and its chart browser. Baseline: the same tree
  before any PDF.
- cold start: `flask --app app score FILE`, wall time, against a bare
  `python -c "import flask, sqlalchemy, wtforms, yaml"` (the median of each; CPU time too).
  Alone: `--only-cold-start --repeat 5 [--checkout DIR]` (DIR: another version, timed in the
  same rounds).
- one `flask --app app report FILE -o OUT.pdf`, cold.
- PDF cost: `flask --app app report` on 20 and on 60 answers files, each in a fresh
  process; the marginal cost per report is (T60 − T20) / 40 (budget ≤ 150 ms), the cold
  batch's cost per report is T20 / 20 with the process start, against one naive plotly
  chart export (`plotly.io.write_image`) in a fresh process (budget: at least 8× faster).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"

from assessment import load_instrument  # noqa: E402
from cli.workshops import synthetic_answers  # noqa: E402
from tests.support.forms import CSRF, SHOWN  # noqa: E402
from tests.support.live import HttpBrowser  # noqa: E402
from tests.support.run_services import free_port  # noqa: E402

BUDGET_FOOTPRINT_MIB = 500
BUDGET_SCORE_FACTOR = 2.0
BUDGET_MARGINAL_PDF_MS = 150
BUDGET_COLD_BATCH_FACTOR = 8.0
IDLE_WAIT = 66  # reports/report_server.py: BROWSER_IDLE (60 s) + two of its checks (2 s each) + 2 s


# --- the process tree and its PSS -------------------------------------------------


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out.setdefault(int(fields[1]), []).append(int(entry))
    return out


def tree(root: int, extra: str | None = None) -> list[int]:
    """root and its descendants, plus any process whose command line names `extra`
    (a report server that outlived the worker that started it is reparented)."""
    kids = _children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(kids.get(pid, []))
    if extra:
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in found:
                try:
                    if extra in Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace"):
                        found.append(int(entry))
                        todo = [int(entry)]
                        while todo:
                            pid = todo.pop()
                            for k in kids.get(pid, []):
                                if k not in found:
                                    found.append(k)
                                    todo.append(k)
                except OSError:
                    pass
    return found


def pss_kib(pid: int, field: str = "Pss") -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def anonymous_mib(root: int, extra: str | None = None) -> float:
    """The anonymous part of the tree's PSS: unlike file-backed pages (libraries, Chromium's
    binary), it is not lowered by other programs on the machine mapping the same files."""
    return sum(pss_kib(pid, "Pss_Anon") for pid in tree(root, extra)) / 1024


def kind_of(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "chrom" in cmd:
        return "chromium"
    if "report_server" in cmd:
        return "report server"
    if "gunicorn" in cmd:
        return "gunicorn"
    if cmd.startswith("make"):
        return "make"
    if "python" in cmd:
        return "other python"
    return "other"


def footprint(root: int, extra: str | None = None) -> dict[str, tuple[int, float]]:
    """{kind: (processes, MiB)} and 'total'."""
    by: dict[str, list] = {}
    for pid in tree(root, extra):
        entry = by.setdefault(kind_of(pid), [0, 0])
        entry[0] += 1
        entry[1] += pss_kib(pid)
    out = {k: (n, kib / 1024) for k, (n, kib) in by.items()}
    out["total"] = (sum(n for n, _ in out.values()), sum(m for _, m in out.values()))
    return out


def describe(fp: dict[str, tuple[int, float]]) -> str:
    return ", ".join(f"{k} {n}× {m:.0f} MiB" for k, (n, m) in sorted(fp.items()) if k != "total")


# --- make serve, and three people downloading their PDF -------------------------------


def _wait_for(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if HttpBrowser(url).get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def one_person_pdf(base: str, seed: int) -> float:
    """A person answers every page and downloads the profile PDF; the seconds it took to get it."""
    rng = random.Random(seed)
    browser = HttpBrowser(base)
    _, page, _ = browser.get("/")
    status, _, headers = browser.post("/start", {"csrf_token": CSRF.search(page).group(1), "language": rng.choice(["sv", "en"]), "name": f"P{seed}"})
    assert status == 302, status
    token = headers["Location"].split("/response/")[1].split("/")[0]
    number = 1
    while True:
        status, page, _ = browser.get(f"/response/{token}/page/{number}")
        if status != 200:
            break
        items = sorted(set(re.findall(r'<input[^>]*type="radio"[^>]*name="([^"]+)"', page))
                       | set(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="radio"', page)))
        if not items:
            break
        status, _, headers = browser.post(f"/response/{token}/page/{number}", {
            "csrf_token": CSRF.search(page).group(1), "shown": SHOWN.search(page).group(1), "action": "next",
            **{item: str(rng.randint(1, 5)) for item in items}})
        assert status == 302, (number, status)
        if "/page/" not in headers.get("Location", ""):
            break
        number += 1
    browser.get(f"/response/{token}/profile")
    start = time.monotonic()
    for _ in range(120):
        status, _, headers = _get_bytes(browser, f"/response/{token}/profile.pdf")
        if status == 200:
            return time.monotonic() - start
        time.sleep(1)
    raise RuntimeError(f"no PDF for {token}: HTTP {status}")


def _get_bytes(browser: HttpBrowser, path: str):
    try:
        with browser.opener.open(urllib.request.Request(browser.base + path), timeout=120) as reply:
            body = reply.read()
            assert reply.status != 200 or body[:5] == b"%PDF-", body[:40]
            return reply.status, body, dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def serve_footprint(pdfs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="footprint-"))
    env = {**os.environ, "SECRET_KEY": "footprint-bench", "INSTANCE_PATH": str(work / "instance"),
           "RATELIMIT_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    for name in ("REDIS_URL", "DATABASE_URL", "REPORT_CACHE_DIR", "JOBS_DIR", "FLASK_DEBUG", "WEB_WORKERS",
                 "WEB_THREADS", "MALLOC_ARENA_MAX", "REPORT_SERVER_SOCKET"):
        env.pop(name, None)
    port = free_port()
    # `make serve` itself (migrations, gunicorn with the Makefile's defaults), on a fresh instance folder.
    server = subprocess.Popen(["make", "-s", "serve", f"PORT={port}"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(work / "gunicorn.log", "w"), start_new_session=True)
    marker = str(work / "instance")
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        time.sleep(3)  # workers' post_worker_init work settles
        idle = footprint(server.pid, marker)
        seconds: list[float] = []
        errors: list[str] = []

        def person(seed):
            try:
                seconds.append(one_person_pdf(base, seed))
            except Exception as exc:
                errors.append(repr(exc))

        people = [threading.Thread(target=person, args=(seed,)) for seed in range(pdfs)]
        for p in people:
            p.start()
        for p in people:
            p.join()
        if errors:
            raise RuntimeError(f"PDF downloads failed: {errors}")
        time.sleep(2)
        after = footprint(server.pid, marker)
        anonymous = anonymous_mib(server.pid, marker)
        time.sleep(IDLE_WAIT)  # the report server closes its browser after REPORT_BROWSER_IDLE_SECONDS
        settled = footprint(server.pid, marker)
        return {"idle": idle, "after": after, "pdf_seconds": seconds, "anonymous": anonymous, "settled": settled}
    finally:
        pids = tree(server.pid, marker)
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            server.kill()
        for pid in pids:  # anything left over (a report server in its own session)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


# --- cold start ------------------------------------------------------------------------


def wall(cmd: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the child) of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise subprocess.CalledProcessError(status, cmd)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def cold_start(repeat: int, others: tuple[Path, ...] = ()) -> dict:
    """Medians of wall and CPU time of the bare import, `flask score` and `flask --help`, run
    interleaved; with `others` (checkouts of another version, each with its .venv) also their
    `flask score` and `flask --help` in the same rounds, as "score@NAME" and "help@NAME"."""
    work = Path(tempfile.mkdtemp(prefix="coldstart-"))
    env = {**os.environ, "INSTANCE_PATH": str(work / "instance"), "PYTHONPATH": str(ROOT), "SECRET_KEY": "cold"}
    env.pop("FLASK_DEBUG", None)
    instrument = load_instrument(ROOT / "questions" / "v3")
    answers = synthetic_answers(instrument, random.Random(1))
    answers_file = work / "a.json"
    answers_file.write_text(json.dumps({"language": "sv", "answers": answers}), encoding="utf-8")
    flask = [str(BIN / "flask"), "--app", "app"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    runs = [("bare", ROOT, [str(BIN / "python"), "-c", "import flask, sqlalchemy, wtforms, yaml"]),
            ("score", ROOT, flask + ["score", str(answers_file)]), ("help", ROOT, flask + ["--help"])]
    for other in others:
        other_flask = [str(other / ".venv" / "bin" / "flask"), "--app", "app"]
        runs += [(f"score@{other.name}", other, other_flask + ["score", str(answers_file)]),
                 (f"help@{other.name}", other, other_flask + ["--help"])]
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in runs}
    for _ in range(repeat):  # interleaved, so that load on the machine hits all alike
        for name, cwd, cmd in runs:
            times[name].append(timed(cmd, {**env, "PYTHONPATH": str(cwd)}, cwd))
    out = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    out.update({f"{name}_cpu": statistics.median(c for _, c in values) for name, values in times.items()})
    out["report"] = wall(flask + ["report", str(answers_file), "-o", str(work / "a.pdf")], env, ROOT)
    return out


NAIVE_EXPORT = """
import plotly.graph_objects as go, plotly.io as pio
fig = go.Figure(go.Bar(x=["a", "b", "c", "d"], y=[40, 55, 70, 30]))
pio.write_image(fig, {out!r}, format="svg")
"""


def pdf_cost(repeat: int) -> dict:
    """Wall times of fresh `flask report` processes on 20 and 60 answers files, and of a
    naive one-chart export in a fresh process, interleaved so that load hits all alike."""
    work = Path(tempfile.mkdtemp(prefix="pdfcost-"))
    env = {**os.environ, "INSTANCE_PATH": str(work / "instance"), "PYTHONPATH": str(ROOT), "SECRET_KEY": "cold"}
    env.pop("FLASK_DEBUG", None)
    instrument = load_instrument(ROOT / "questions" / "v3")
    rng = random.Random(7)
    files = []
    for k in range(60):
        path = work / f"a{k:02d}.json"
        path.write_text(json.dumps({"language": "sv", "answers": synthetic_answers(instrument, rng)}), encoding="utf-8")
        files.append(str(path))
    flask = [str(BIN / "flask"), "--app", "app"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    t20, t60, naive = [], [], []
    for k in range(repeat):
        t20.append(wall(flask + ["report", *files[:20], "-o", str(work / f"out20-{k}")], env, ROOT))
        t60.append(wall(flask + ["report", *files, "-o", str(work / f"out60-{k}")], env, ROOT))
        naive.append(wall([str(BIN / "python"), "-c", NAIVE_EXPORT.format(out=str(work / f"naive-{k}.svg"))], env, ROOT))
    return {"t20": statistics.median(t20), "t60": statistics.median(t60), "naive": statistics.median(naive)}


# --- the table ---------------------------------------------------------------------------


def rows(pdfs: int = 3, repeat: int = 3) -> list[tuple[str, str, str, str, str]]:
    """(measure, ours, budget, naive baseline, verdict) rows, printed as they come."""
    out = []

    def row(what, ours, budget, naive, ok):
        verdict = "met" if ok else "OVER"
        out.append((what, ours, budget, naive, verdict if ok is not None else "–"))
        print(f"  {what:<46} {ours:>12} {budget:>12} {naive:>16}  {out[-1][4]}", flush=True)

    load = os.getloadavg()
    print(f"  (load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; 2 cores shared)")
    print(f"  {'measure':<46} {'ours':>12} {'budget':>12} {'naive':>16}")
    fp = serve_footprint(pdfs)
    total = fp["after"]["total"][1]
    row(f"make serve footprint after {pdfs} PDFs (PSS, tree)", f"{total:,.0f} MiB", f"≤ {BUDGET_FOOTPRINT_MIB} MiB",
        f"{fp['idle']['total'][1]:,.0f} MiB idle", total <= BUDGET_FOOTPRINT_MIB)
    print(f"      after: {describe(fp['after'])}; of the total, anonymous (not shared with other programs) {fp['anonymous']:.0f} MiB")
    print(f"      idle:  {describe(fp['idle'])}")
    row(f"  the same, {IDLE_WAIT} s after the last PDF", f"{fp['settled']['total'][1]:,.0f} MiB", "–", "–", None)
    print(f"      {describe(fp['settled'])}")
    print(f"      PDF in hand after (s): {', '.join(f'{s:.1f}' for s in sorted(fp['pdf_seconds']))}")
    cs = cold_start(repeat)
    factor = cs["score"] / cs["bare"]
    row("flask score FILE, cold", f"{cs['score']:.2f} s", f"≤ {BUDGET_SCORE_FACTOR:g}× bare", f"{cs['bare']:.2f} s bare",
        factor <= BUDGET_SCORE_FACTOR)
    print(f"      = {factor:.1f}× the bare import of flask, sqlalchemy, wtforms, yaml")
    row("flask --help, cold", f"{cs['help']:.2f} s", "–", f"{cs['bare']:.2f} s bare", None)
    row("flask report FILE (one PDF), cold", f"{cs['report']:.2f} s", "–", "–", None)
    pc = pdf_cost(repeat)
    marginal_ms = (pc["t60"] - pc["t20"]) / 40 * 1000
    row("PDF batch, marginal cost per report", f"{marginal_ms:,.0f} ms", f"≤ {BUDGET_MARGINAL_PDF_MS} ms",
        f"{pc['naive'] * 1000:,.0f} ms naive", marginal_ms <= BUDGET_MARGINAL_PDF_MS)
    print(f"      (T60 − T20) / 40 with fresh `flask report` processes: T20 {pc['t20']:.1f} s, T60 {pc['t60']:.1f} s")
    cold_ms = pc["t20"] / 20 * 1000
    speedup = pc["naive"] * 1000 / cold_ms
    row("cold batch of 20, per report (process start in)", f"{cold_ms:,.0f} ms",
        f"≥ {BUDGET_COLD_BATCH_FACTOR:g}× naive", f"{pc['naive'] * 1000:,.0f} ms naive", speedup >= BUDGET_COLD_BATCH_FACTOR)
    print(f"      = {speedup:.1f}× faster per report than one naive chart export in a fresh process")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only-pdf-cost", action="store_true", help="only the PDF cost rows")
    parser.add_argument("--only-footprint", action="store_true", help="only the make serve footprint rows")
    parser.add_argument("--only-cold-start", action="store_true", help="only the cold-start rows")
    parser.add_argument("--checkout", type=Path, action="append", default=[],
                        help="with --only-cold-start: also time this checkout's flask score and --help "
                             "in the same rounds (a directory with its own .venv), e.g. main")
    args = parser.parse_args()
    if args.only_footprint:
        fp = serve_footprint(args.pdfs)
        print(f"after {args.pdfs} PDFs: {fp['after']['total'][1]:,.0f} MiB ({describe(fp['after'])}); anonymous "
              f"{fp['anonymous']:.0f} MiB; idle {fp['idle']['total'][1]:,.0f} MiB; {IDLE_WAIT} s later "
              f"{fp['settled']['total'][1]:,.0f} MiB ({describe(fp['settled'])})")
        return
    if args.only_cold_start:
        cs = cold_start(args.repeat, tuple(path.resolve() for path in args.checkout))
        print(f"  medians of {args.repeat} interleaved runs (load average before: {os.getloadavg()[0]:.2f})")
        for name in [k for k in cs if not k.endswith("_cpu") and k != "report"]:
            print(f"  {name:<24} wall {cs[name]:.3f} s = {cs[name] / cs['bare']:.2f}× bare   "
                  f"CPU {cs[name + '_cpu']:.3f} s = {cs[name + '_cpu'] / cs['bare_cpu']:.2f}× bare")
        print(f"  flask report FILE (one PDF), once: {cs['report']:.2f} s")
        return
    if args.only_pdf_cost:
        pc = pdf_cost(args.repeat)
        print(f"T20 {pc['t20']:.2f} s, T60 {pc['t60']:.2f} s, naive {pc['naive']:.2f} s: marginal "
              f"{(pc['t60'] - pc['t20']) / 40 * 1000:.0f} ms, cold batch {pc['t20'] / 20 * 1000:.0f} ms per report "
              f"= {pc['naive'] / (pc['t20'] / 20):.1f}× naive")
        return
    rows(args.pdfs, args.repeat)


if __name__ == "__main__":
    main()
