"""The attack target (issue #11 §6) as a repeated, interleaved comparison:
participants' pages p95 with N attackers against the same workshop without
them, measured in the same session, each cell run several times in ABBA
order so that a slow spell of the machine falls on both cells alike.

  .venv/bin/python bench/attack_pairs.py --pairs 5 --db sqlite --db postgres

Two versions of the code, both under attack, interleaved the same way (the other
checkout needs the project's .venv: `git worktree add /tmp/before REV && ln -s
$PWD/.venv /tmp/before/.venv`):

  .venv/bin/python bench/attack_pairs.py --pairs 3 --db postgres --checkout /tmp/before --checkout . --no-baseline

Each run is one bench/loadtest.py (its own server, database and locust); the
table gives every run's p95 and, per cell, the median and the worst. Target:
participants' pages p95 (GET and POST) <= 300 ms in every run with attackers.
Exit status 0 when the version under test (the last --checkout, or this checkout without
one) met it and nothing was lost or failed; the other checkouts' verdicts are printed."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0


def one_run(db: str, attackers: int, args, checkout: Path = ROOT) -> dict:
    summary = Path(tempfile.mkstemp(prefix="loadtest-summary-", suffix=".json")[1])
    command = [sys.executable, str(checkout / "bench" / "loadtest.py"), "--participants", str(args.participants),
               "--attacker", str(attackers), "--report-workers", "0", "--db", db, "--summary", str(summary)]
    if args.busy_neighbours:
        command += ["--busy-neighbours", str(args.busy_neighbours), "--neighbours-nice", str(args.neighbours_nice)]
    if args.participants_after:
        command += ["--participants-after", str(args.participants_after), "--time-limit", str(args.time_limit)]
    finished = subprocess.run(command, cwd=checkout, capture_output=True, text=True)
    if not summary.stat().st_size:
        sys.exit(f"loadtest failed ({' '.join(command)}):\n{finished.stdout[-2000:]}\n{finished.stderr[-2000:]}")
    result = json.loads(summary.read_text())
    summary.unlink()
    result["checkout"] = str(checkout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5, help="runs per cell")
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--attacker", type=int, default=8)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--participants-after", type=float, default=0.0)
    parser.add_argument("--time-limit", type=int, default=240)
    parser.add_argument("--checkout", action="append", type=Path, metavar="DIR",
                        help="a checkout of the code to run (repeat to compare versions; default: this one)")
    parser.add_argument("--no-baseline", action="store_true", help="only runs with attackers")
    parser.add_argument("--busy-neighbours", type=int, default=0, metavar="N",
                        help="N programs keeping a core busy half the time in every run (bench/loadtest.py)")
    parser.add_argument("--neighbours-nice", type=int, default=0, metavar="N", help="their nice value (bench/loadtest.py)")
    parser.add_argument("--json", metavar="FILE", help="write every run's figures here too")
    args = parser.parse_args()

    checkouts = [c.resolve() for c in args.checkout or [ROOT]]
    cells = [(checkout, attackers) for checkout in checkouts
             for attackers in ((args.attacker,) if args.no_baseline else (0, args.attacker))]
    runs = []
    for db in args.db or ["sqlite"]:
        for pair in range(args.pairs):
            order = cells if pair % 2 == 0 else cells[::-1]  # ABBA: no cell always goes first
            for checkout, attackers in order:
                result = one_run(db, attackers, args, checkout)
                runs.append(result)
                print(f"{db:<8} {checkout.name:<12} attackers {attackers:>2}  p95 GET {result['page_get_p95']:>5.0f} / POST {result['page_post_p95']:>5.0f} ms"
                      f"  load {result['load_before']:.2f}->{result['load_after']:.2f}  steal {result['steal_seconds']:.1f} s"
                      f"  finished {result['finished']}/{result['participants']}  failed {result['failed']}  lost {result['lost']}"
                      + (f"  attacker responses/PDFs {result['attacker_responses']}/{result['attacker_pdfs']}" if attackers else "")
                      + (f"\n    pressure: {result['pressure_during_slow_pages']}" if "pressure_during_slow_pages" in result else ""),
                      flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))

    print("\nParticipants' pages p95, ms (median of runs / worst run)")
    ok = {checkout: True for checkout in checkouts}  # the target, per version of the code
    for db in args.db or ["sqlite"]:
        for checkout, attackers in cells:
            cell = [r for r in runs if r["db"] == db and r["attackers"] == attackers and r["checkout"] == str(checkout)]
            worst = max(max(r["page_get_p95"], r["page_post_p95"]) for r in cell)
            line = (f"  {db:<8} {checkout.name:<12} {attackers:>2} attackers, {len(cell)} runs:"
                    f"  GET {statistics.median(r['page_get_p95'] for r in cell):.0f} / {max(r['page_get_p95'] for r in cell):.0f}"
                    f"  POST {statistics.median(r['page_post_p95'] for r in cell):.0f} / {max(r['page_post_p95'] for r in cell):.0f}"
                    f"  lost {sum(r['lost'] for r in cell)}  failed {sum(r['failed'] for r in cell)}")
            if attackers:
                line += f"  attacker PDFs median {statistics.median(r['attacker_pdfs'] for r in cell):.0f}"
                ok[checkout] = ok[checkout] and worst <= TARGET_MS
            ok[checkout] = ok[checkout] and all(r["lost"] == 0 and r["failed"] == 0 and r["finished"] == r["participants"] for r in cell)
            print(line)
    for checkout in checkouts:
        print(f"  target (every run with attackers <= {TARGET_MS:.0f} ms, nothing lost or failed), {checkout.name}:"
              f" {'met' if ok[checkout] else 'NOT MET'}")
    return 0 if ok[checkouts[-1]] else 1


if __name__ == "__main__":
    sys.exit(main())
