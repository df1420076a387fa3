"""The PDF-cost budgets of issue 29 in CPU time, which load from other work inflates far less
than wall time: `flask report` on 20 and on 60 answers files, and the CPU of its whole process
tree — the `flask` process exactly (os.wait4), its layout processes and chart browser from
/proc samples every 20 ms until it exits. Marginal CPU per report = (C60 − C20) / 40; on the
2 cores of this machine a quiet run's marginal wall time is about half of it. With --before,
another tree (e.g. `git archive COMMIT | tar -x -C /tmp/before`, same .venv) in the same
interleaved rounds.

  .venv/bin/python bench/pdf_tree_cpu.py [--before /tmp/before] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import load_instrument  # noqa: E402
from cli.workshops import synthetic_answers  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid: (parent pid, CPU ticks, start time) of every process."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(pid)] = (int(fields[1]), int(fields[11]) + int(fields[12]), fields[19])
    return out


def tree_cpu(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command's process tree)."""
    start = time.perf_counter()
    root = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree, ticks = {root.pid}, {}
    while True:
        processes = _processes()
        grew = True
        while grew:
            grew = False
            for pid, (parent, _, _) in processes.items():
                if pid not in tree and parent in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree - {root.pid}:
            if pid in processes:
                ticks[(pid, processes[pid][2])] = processes[pid][1]
        done, status, usage = os.wait4(root.pid, os.WNOHANG)
        if done:
            if status:
                raise SystemExit(f"{' '.join(cmd[:4])} … failed ({status})")
            return time.perf_counter() - start, usage.ru_utime + usage.ru_stime + sum(ticks.values()) / TICK
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another tree to measure in the same rounds")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pdf-tree-cpu-"))
    instrument = load_instrument(ROOT / "questions" / "v3")
    rng = random.Random(7)
    files = []
    for k in range(60):
        path = work / f"a{k:02d}.json"
        path.write_text(json.dumps({"language": "sv", "answers": synthetic_answers(instrument, rng)}), encoding="utf-8")
        files.append(str(path))
    trees = ([("before", args.before.resolve())] if args.before else []) + [("this tree", ROOT)]
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app"]
    for name, tree in trees:
        env = {**os.environ, "INSTANCE_PATH": str(work / f"instance-{name}"), "PYTHONPATH": str(tree),
               "SECRET_KEY": "tree-cpu"}
        env.pop("FLASK_DEBUG", None)
        subprocess.run(flask + ["db", "upgrade"], cwd=tree, env=env, check=True, capture_output=True)
    for round_ in range(args.rounds):
        for name, tree in trees:
            env = {**os.environ, "INSTANCE_PATH": str(work / f"instance-{name}"), "PYTHONPATH": str(tree),
                   "SECRET_KEY": "tree-cpu"}
            env.pop("FLASK_DEBUG", None)
            w20, c20 = tree_cpu(flask + ["report", *files[:20], "-o", str(work / f"out20-{round_}")], tree, env)
            w60, c60 = tree_cpu(flask + ["report", *files, "-o", str(work / f"out60-{round_}")], tree, env)
            print(f"  {name:<10} T20 {w20:5.1f} s ({c20:5.1f} s CPU), T60 {w60:5.1f} s ({c60:5.1f} s CPU): "
                  f"marginal {(c60 - c20) / 40 * 1000:4.0f} ms CPU a report (÷ 2 cores {(c60 - c20) / 80 * 1000:4.0f} ms); "
                  f"cold batch of 20 {c20 / 20 * 1000:4.0f} ms CPU a report; load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
