"""WeasyPrint as this project loads and uses it: the one module that imports it (for
reports/layout.py, which lays out every PDF), and the one place that reaches into its
internals. Two changes, neither of which changes a PDF:

1. Its libraries opened by their file names. WeasyPrint 70 tries several names for each of
   Pango, HarfBuzz, GObject and fontconfig, and cffi hands each name it cannot open as such
   to `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then gcc, then ld for it:
   ~20 searches and ~50 programs, ~0.3 s of CPU in every process that imports WeasyPrint (a
   `flask report` and its layout processes' forkserver, the report server, a report worker;
   bench/investigations/footprint-start-and-pdf-cost.md, "Each PDF cheaper"). During the
   import the search finds nothing, so WeasyPrint goes on to the next name in its list, the
   library's file name (libpango-1.0.so.0), which the dynamic loader opens as it always
   would: the same files are mapped (tests/test_weasyprint_hooks.py). Should that fail on
   some system, WeasyPrint is imported again with the search.

2. One Pango layout per letter of chart text and style, instead of one per letter drawn.
   WeasyPrint draws an SVG `<text>` letter by letter (weasyprint/svg/text.py `text`): for the
   whole string and then for each letter it calls `split_first_line`, which builds a Pango
   context and layout, shapes the text and measures it (~360 calls in a profile report's four
   charts, the same few dozen letters over and over, ~40 us each). What it returns for one
   text in one style is always the same: a deactivated `Layout` that keeps only its text (the
   drawing re-creates the Pango objects from it with `reactivate`), and the width, height and
   baseline. So it is kept per process and thread, keyed by the text, the font configuration
   and every value of the style, and handed out again: the same numbers, so the same PDF
   (tests/test_weasyprint_hooks.py draws with and without it). Only calls made with an SVG
   text style (`weasyprint.svg.text.Style`) and the SVG drawing's arguments (no width limit,
   no justification) are cached; HTML text is laid out as before. A result that needed the
   layout context (text with a line break, which goes on to the hyphenation path) is not kept.

`install()` refuses a WeasyPrint other than the one this was written against (its version and
the source of what the hooks rely on), so that an upgrade is read, not trusted."""

from __future__ import annotations

import ctypes.util
import hashlib
import importlib
import inspect
import sys
import threading
import weakref
from math import inf

_importing_thread = threading.get_ident()


def _search_nothing(name: str) -> str | None:
    # Only for the import below, in the thread that runs it: another thread (`flask report`
    # starts its chart browser first) may look a library up meanwhile and must find it.
    if threading.get_ident() != _importing_thread:
        return _find_library(name)
    return None


def _forget_weasyprint() -> None:
    for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
        del sys.modules[name]


# WeasyPrint imported while ctypes.util.find_library searches nothing (1. above); the imports
# stay at the top of the module, inside the switch.
_find_library, ctypes.util.find_library = ctypes.util.find_library, _search_nothing
try:
    import weasyprint
except OSError:  # a library not found by its file name: import it the usual way
    ctypes.util.find_library = _find_library
    _forget_weasyprint()
    import weasyprint
finally:
    ctypes.util.find_library = _find_library

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.css.properties import INITIAL_VALUES  # noqa: E402
from weasyprint.text import line_break  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

__all__ = ["CSS", "HTML", "FontConfiguration", "URLFetcher", "URLFetcherResponse", "install"]

# The module, not the function `text` that weasyprint.svg imports under the same name.
svg_text = importlib.import_module("weasyprint.svg.text")
ffi = importlib.import_module("weasyprint.text.ffi")

# What the hooks were written against: the version, and a digest of the source of what they
# rely on (see sources()). A new WeasyPrint fails install() and tests/test_weasyprint_hooks.py
# until someone has read them again and updated these.
WEASYPRINT_VERSION = "70.0"
SOURCE_DIGEST = "e6418cf2aee9cacbadea2ffc8cd8b21b51ce4d06d44a50a289fc7f9371fa7e3d"

_original = line_break.split_first_line
# One cache per thread: a drawing re-creates the Pango objects of the layouts it is handed
# (`reactivate`), and two threads drawing the same layout object at once could free the
# Pango layout the other is reading. Layout processes have one thread; the report server
# lays out one report at a time, but need not rely on it here.
_local = threading.local()


def _state():
    state = getattr(_local, "state", None)
    if state is None:
        # the cache; the font configurations its keys name by id (held so that an id is never
        # reused while a key names it); a small number for each style's values, so that a
        # lookup hashes a number, not ~220 values; and the last style with its number:
        # svg/text.py makes one Style per <text> node and passes it for the whole string
        # and for each letter.
        state = _local.state = {"cache": {}, "configs": {}, "styles": {}, "last": (None, None)}
        _states[threading.current_thread()] = state
    return state


# Letters and short labels: a profile report's charts hold ~180 different texts in all; a
# report server that met more starts over rather than grow.
MAX_ENTRIES = 5000
# Every live thread's, for clear(); a thread's cache goes with it (the report server serves
# each connection in a thread of its own: kept, they would pile up for the server's lifetime).
_states: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NONE = object()
stats = {"hits": 0, "misses": 0}


def sources() -> str:
    """The source of what the hooks rely on: the names the libraries are tried by (text/ffi.py);
    svg/text.py's `text` (one Style per node, its calls to split_first_line and what it does
    with the result); `split_first_line` and `first_line_metrics` (what is returned, and that
    a result without a line break never read the context); and `Layout` (what a deactivated
    layout keeps, what `reactivate` rebuilds)."""
    return "\n".join(inspect.getsource(part) for part in (
        ffi, svg_text.text, svg_text.Style, _original, line_break.first_line_metrics,
        line_break.Layout, line_break.create_layout))


def source_digest() -> str:
    return hashlib.sha256(sources().encode()).hexdigest()


def _style_key(style, state) -> int | None:
    last_style, last_key = state["last"]
    if last_style is style:
        return last_key
    key = None
    # Its values other than CSS's initial ones (svg/text.py copies those in, then sets the
    # font and the direction), when it has a value for every property and nothing else
    # this module does not know about.
    changed = tuple((name, tuple(value) if isinstance(value, list) else value)
                    for name, value in style.items() if INITIAL_VALUES.get(name, _NONE) is not value)
    known = len(style) - sum(name not in INITIAL_VALUES for name, _ in changed)
    if known == len(INITIAL_VALUES) and set(vars(style)) == {"font_config"}:
        try:
            key = state["styles"].setdefault((id(style.font_config), changed), len(state["styles"]))
        except TypeError:  # a value that cannot be compared by hashing
            key = None
    state["last"] = (style, key)
    return key


def _split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
    if (type(style) is not svg_text.Style or max_width != inf or justification_spacing
            or not is_line_start or minimum):
        return _original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    state = _state()
    key = _style_key(style, state)
    found = state["cache"].get((text, key)) if key is not None else None
    if found is not None:
        stats["hits"] += 1
        return found
    result = _original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    stats["misses"] += 1
    if key is not None and result[2] is None:  # no line break: the context was not read
        if len(state["cache"]) >= MAX_ENTRIES:  # a long-lived process with many other texts
            state["cache"].clear()
        state["configs"][id(style.font_config)] = style.font_config
        state["cache"][(text, key)] = result
    return result


class WeasyPrintChanged(RuntimeError):
    pass


def install() -> None:
    """Put the letter cache (2. above) in front of WeasyPrint's split_first_line, once per process."""
    if line_break.split_first_line is _split_first_line:
        return
    if weasyprint.__version__ != WEASYPRINT_VERSION or source_digest() != SOURCE_DIGEST:
        raise WeasyPrintChanged(
            f"WeasyPrint {weasyprint.__version__} is not the {WEASYPRINT_VERSION} that reports/weasyprint_hooks.py "
            "was written against: read its sources() again, then update WEASYPRINT_VERSION and SOURCE_DIGEST")
    line_break.split_first_line = _split_first_line


def uninstall() -> None:
    line_break.split_first_line = _original


def clear() -> None:
    """Forget every thread's layouts: before the fonts are released at exit (reports/layout.py),
    since Pango objects freed after cffi has unloaded Pango crash the process."""
    for state in list(_states.values()):
        state["cache"].clear()
        state["configs"].clear()
        state["styles"].clear()
        state["last"] = (None, None)
