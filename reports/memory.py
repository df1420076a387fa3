"""Memory a finished PDF held, given back to the system: used by the report server after
each request and by gunicorn's workers after a PDF or ZIP download (gunicorn.conf.py), so it
imports nothing of the PDF making itself."""

from __future__ import annotations

import ctypes
import gc

_libc = ctypes.CDLL(None)


def release_memory() -> None:
    """What a finished render held goes back to the system: the collector first, then glibc's
    free lists (malloc_trim), which otherwise keep the peak of the largest PDF for good."""
    gc.collect()
    try:
        _libc.malloc_trim(0)
    except AttributeError:  # not glibc
        pass
