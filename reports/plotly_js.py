"""The plotly.js that draws every chart: on the pages (web/site.py serves it) and for the PDFs
(reports/chart_export.py loads it into the chart browser), so the two draw alike.

Plotly's own cartesian bundle of the same plotly.js release that plotly.py carries
(`plotly/package_data/plotly.min.js`), kept in `static/vendor/` with its licence: it holds the
trace types the charts use (reports/charts.py: bar, scatter, box) and leaves out the 3-D, map,
financial and other kinds, 1.5 MB instead of 4.8 MB. A chart browser starts in ~0.55 s instead
of ~1.2 s (most of a start is parsing plotly.js), which is most of a cold `flask report`'s wait
for its first PDF, and a phone fetches a third of the script. The charts come out the same as
with plotly.py's full bundle (tests/test_plotly_js.py exports one chart of every kind with both).

Where it came from (npm): plotly.js-cartesian-dist-min 4.1.1, `plotly-cartesian.min.js`. When
plotly.py moves to another plotly.js, tests/test_plotly_js.py fails until the bundle of that
release replaces this one (and VERSION and SHA256 below)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import plotly

BUNDLE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "plotly-cartesian.min.js"
VERSION = "4.1.1"
SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"
# What the bundle holds (its package's README); the charts use bar, scatter and box.
TRACE_TYPES = frozenset({
    "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image", "pie",
    "scatter", "scatterternary", "violin",
})
# plotly.py's own full bundle: what the charts were drawn with before, and the reference the
# test compares against.
FULL_BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

_HEADER_VERSION = re.compile(rb"plotly\.js(?: \([a-z -]+\))? v(\d+\.\d+\.\d+)")


def version_of(path: Path) -> str:
    """The plotly.js release a bundle says it is, from its licence header."""
    with open(path, "rb") as handle:
        found = _HEADER_VERSION.search(handle.read(400))
    if found is None:
        raise ValueError(f"{path} does not start with a plotly.js header naming its version")
    return found.group(1).decode()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
