"""Report work (charts and PDF layout) runs at the lowest CPU priority, so that a
questionnaire page always comes first: SCHED_IDLE, and nice 19 within it.

SCHED_IDLE rather than nice 19 alone: the kernel lets a nice-19 task finish its slice
before a page's thread that wakes up gets the core, and a page on PostgreSQL wakes up
about ten times (once per query's reply); under an attack of PDF downloads that put the
participants' pages at 310/380 ms p95 in 2 of 5 runs, where SQLite (no such wake-ups)
stayed under 250 ms (docs/decisions/0001-report-work-at-idle-priority.md).
A SCHED_IDLE task gives way to any normal task at once, and still gets every moment the pages leave idle.

Only a thread that runs no Python in a web process may be lowered: a lowered Python thread
that holds the interpreter lock when a page's thread wakes up keeps the page waiting until
it gets a core again (bench/investigations/gil_inversion.py). Report work therefore runs in processes of
its own (layout processes, the chart browser, report workers), lowered as a whole."""

from __future__ import annotations

import ctypes
import os
import sys

LOWEST_NICE = 19
_PR_CAPBSET_DROP = 24  # <linux/prctl.h>
_CAP_SYS_NICE = 23  # <linux/capability.h>
# Looked up once, here: a freshly forked child (preexec_fn, reports/chart_export.py) must not
# load a library, in case another thread held the loader's lock at the fork.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def lowest_priority_for_this_thread() -> None:
    """The calling thread, and every thread and program it starts from now on, at the
    lowest priority for good. On Linux the scheduling policy, the nice value and the
    capability bounding set belong to a thread, and new threads and processes inherit
    them from the thread that starts them; the rest of the process keeps its priority.

    "For good": CAP_SYS_NICE leaves the bounding set, so no program started from here can
    raise its priority or leave SCHED_IDLE again, even as root. Chromium does raise it: its
    display threads to -8, foreground renderers to 0, background ones to 5. Where the drop is
    refused (not root: no CAP_SETPCAP), there is nothing to drop, and an unprivileged program
    cannot raise its priority unless RLIMIT_NICE allows it."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere these belong to the whole process: leave the web process alone
    os.setpriority(os.PRIO_PROCESS, 0, LOWEST_NICE)  # who=0: the calling thread
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    _prctl(_PR_CAPBSET_DROP, _CAP_SYS_NICE, 0, 0, 0)
