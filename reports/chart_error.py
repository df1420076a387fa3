"""The one error of chart export, apart from the exporter (reports/chart_export.py) so that
the processes that only show it (the web workers' 503 page, the report queue) or unpickle it
(from the report server or a layout process) import no kaleido or Chromium driver."""

from __future__ import annotations


class ChartExportError(RuntimeError):
    """Charts could not be exported; the message names the fix."""
