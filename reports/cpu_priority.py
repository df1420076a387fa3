"""Report work (charts and PDF layout) runs at the lowest CPU priority, so that a
questionnaire page always comes first: a layout or a chart gets a core only when
nothing at normal priority wants it (nice 19 rather than SCHED_IDLE, so that PDFs
still progress on a busy machine)."""

from __future__ import annotations

import ctypes
import os
import sys

LOWEST = 19
_PR_CAPBSET_DROP = 24  # <linux/prctl.h>
_CAP_SYS_NICE = 23  # <linux/capability.h>


def lowest_priority_for_this_thread() -> None:
    """The calling thread, and every thread and program it starts from now on, at nice 19
    for good. On Linux a nice value and the capability bounding set belong to a thread,
    and new threads and processes inherit both from the thread that starts them; the rest
    of the process keeps its priority.

    "For good": CAP_SYS_NICE leaves the bounding set, so no program started from here can
    raise its priority again, even as root. Chromium does raise it: its display threads to
    -8, foreground renderers to 0, background ones to 5 (bench/RESULTS.md, 2026-12-03).
    Where the drop is refused (not root: no CAP_SETPCAP), there is nothing to drop, and an
    unprivileged program cannot lower its nice value unless RLIMIT_NICE allows it."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere a nice value belongs to the whole process: leave the web process alone
    os.setpriority(os.PRIO_PROCESS, 0, LOWEST)  # who=0: the calling thread
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_CAPBSET_DROP, _CAP_SYS_NICE, 0, 0, 0)
