"""kaleido and the Chromium it drives, as reports/chart_export.py starts them: the one
module that imports kaleido and choreographer, imported by reports/chart_export.py and so
only by the processes that make PDFs (the report server, a report worker, a PDF command),
never by a web worker (issue 29,
bench/investigations/footprint-start-and-pdf-cost.md, "Footprint and cold start")."""

from __future__ import annotations

import sys

import kaleido
from choreographer.browsers import Chromium

from .cpu_priority import lowest_priority_for_this_thread


class ReusingKaleido(kaleido.Kaleido):
    # kaleido 1.5 reloads the tab after every export, re-parsing plotly.js
    # (~200 ms of a ~235 ms export on this machine). We reload every
    # RELOAD_EVERY exports instead, which keeps the tab's memory bounded.
    RELOAD_EVERY = 200

    async def _return_kaleido_tab(self, tab) -> None:
        self._exports = getattr(self, "_exports", 0) + 1
        if self._exports % self.RELOAD_EVERY == 0:
            await tab.reload()
        await self.tabs_ready.put(tab)


class LowestPriorityChromium(Chromium):
    # The browser process starts at the lowest priority and can never raise it (Chromium
    # run as root raised its display threads to -8 above a lowered group). Only the browser:
    # the exporter's Python threads stay at the web process's priority, because a lowered
    # thread holding the interpreter lock held up the pages' threads (bench/investigations/gil_inversion.py).
    def get_popen_args(self):
        return {**super().get_popen_args(), "preexec_fn": lowest_priority_for_this_thread}

    # One Chromium process instead of ten (browser, zygotes, GPU, network, storage, renderers):
    # the renderer, the network service and the rest run as threads of the browser process.
    # On this machine the browser's PSS after the profile charts fell from ~340 to ~220 MiB
    # and a warm export stayed ~0.2 s (bench/investigations/footprint-start-and-pdf-cost.md,
    # "Footprint and cold start"). Chromium calls the mode unsupported; an export that fails is
    # retried once on a restarted browser (svgs()).
    # V8's lite mode (no optimising compiler) held ~16 MiB less for plotly.js, and a warm export
    # took as long within the noise of this machine (bench/RESULTS.md).
    FEWER_PROCESSES = ("--single-process", "--no-zygote", "--js-flags=--lite-mode")

    # Text measured without hinting, as the full browser's headless mode measures it: with
    # hinting, chromium-headless-shell (reports/chart_export.find_browser) rounded glyph
    # advances and placed the end-anchored labels 1-2 px off the full browser's; without it
    # both browsers export the same SVG (tests/test_chart_browser.py).
    SAME_TEXT_METRICS = ("--font-render-hinting=none",)

    # choreographer starts Chromium through a Python wrapper that moves the CDP pipe to the file
    # descriptors 3 and 4 and then waits beside it for as long as the browser lives (~7 MiB PSS).
    # A shell that moves them and then becomes Chromium (exec) does the same without staying.
    PIPE_FDS_THEN_EXEC = ("/bin/sh", "-c", 'exec "$0" "$@" 3<&0 4>&1')

    def get_cli(self):
        cli = [*super().get_cli(), *self.FEWER_PROCESSES, *self.SAME_TEXT_METRICS]
        if cli[:1] == [sys.executable] and cli[1].endswith("_unix_pipe_chromium_wrapper.py"):
            cli = [*self.PIPE_FDS_THEN_EXEC, *cli[2:]]
        return cli


class FullSpeedJsChromium(LowestPriorityChromium):
    # For a batch of reports in one command (reports/batch.py): V8 with its optimising
    # compilers exported a profile report's four charts with ~35-100 ms less browser CPU
    # (~120 instead of ~160-220 ms) for ~90 MiB more PSS (~275 instead of ~185 MiB;
    # bench/investigations/footprint-start-and-pdf-cost.md, "Each PDF cheaper"). A short-lived
    # command can spend the memory; the serving processes keep lite mode. The SVG is the same.
    FEWER_PROCESSES = tuple(flag for flag in LowestPriorityChromium.FEWER_PROCESSES if flag != "--js-flags=--lite-mode")

