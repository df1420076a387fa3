"""Processes and threads read from /proc: descendants, priorities, command lines."""

from __future__ import annotations

import os
from pathlib import Path

# --- processes -----------------------------------------------------------------


def descendants_of(root: int) -> list[int]:
    """Every process below `root` (children, their children, …), read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


SCHED_IDLE = 5  # a thread's policy in /proc/…/stat (field 41)
LOWEST = (19, SCHED_IDLE)  # reports/cpu_priority.py


def thread_priorities(pids) -> dict[tuple[int, int], tuple[int, int]]:
    """(nice value, scheduling policy) of every thread of these processes, read from /proc:
    on Linux both belong to a thread, and Chromium sets its threads' own (display -8,
    foreground 0). The lowest priority is LOWEST."""
    found = {}
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[(pid, int(tid))] = (int(fields[16]), int(fields[38]))
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def report_servers_on(socket_path: str) -> list[int]:
    """The report servers (reports/report_server.py) this process started on that socket."""
    return [pid for pid in descendants_of(os.getpid())
            if "reports.report_server" in command_of(pid) and socket_path in command_of(pid)]
