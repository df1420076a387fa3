"""reports/weasyprint_hooks.py: the project's one reach into WeasyPrint's internals. These
tests fail when WeasyPrint changes under the hooks, when a hook stops taking effect, or when
one changes a PDF."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reports import layout, weasyprint_hooks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Chart-like text: letters repeated within and across nodes, two fonts, sizes, weights and
# styles, rotation, per-letter positions, an anchor, a baseline and letter spacing.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">
  <rect width="400" height="300" fill="#f8f8f8"/>
  <text x="10" y="20" font-family="DejaVu Sans" font-size="12">Ringa kunder, Åsa Öström 87 %</text>
  <text x="10" y="40" font-family="DejaVu Sans" font-size="12" font-weight="bold">Ringa kunder</text>
  <text x="10" y="60" font-family="DejaVu Serif, serif" font-size="14" font-style="italic">annan stil</text>
  <text x="390" y="80" font-family="DejaVu Sans" font-size="9" text-anchor="end">högerställd 0 25 50 75 100</text>
  <text x="10 30 50" y="100" font-family="DejaVu Sans" font-size="11" rotate="10 20 30">abcabc</text>
  <text x="200" y="150" font-family="DejaVu Sans" font-size="10" transform="rotate(-90 200 150)">Vertikal axel</text>
  <text x="10" y="200" font-family="DejaVu Sans" font-size="10" letter-spacing="2" dominant-baseline="central">spärrad</text>
  <text x="10" y="230" font-family="DejaVu Sans" font-size="10" textLength="150">utdragen text</text>
</svg>"""

HTML = """<html lang="sv"><title>Prov</title><body>
<p>Ringa kunder och Åsa Öström, samma bokstäver som i diagrammen.</p>
<img src="chart:a" style="width: 100%"><img src="chart:a" style="width: 60%">
</body></html>"""


def _pdf() -> bytes:
    return layout.write_pdf(HTML, {"chart:a": SVG})


def test_the_hooks_were_written_for_this_weasyprint():
    # A new WeasyPrint: read weasyprint_hooks.sources() again (what the hooks rely on), then
    # update WEASYPRINT_VERSION and SOURCE_DIGEST there.
    assert weasyprint_hooks.weasyprint.__version__ == weasyprint_hooks.WEASYPRINT_VERSION
    assert weasyprint_hooks.source_digest() == weasyprint_hooks.SOURCE_DIGEST


def test_install_refuses_a_changed_weasyprint(monkeypatch):
    weasyprint_hooks.uninstall()
    try:
        monkeypatch.setattr(weasyprint_hooks, "SOURCE_DIGEST", "0" * 64)
        with pytest.raises(weasyprint_hooks.WeasyPrintChanged):
            weasyprint_hooks.install()
    finally:
        monkeypatch.undo()
        weasyprint_hooks.install()


def test_chart_text_comes_from_the_cache_and_the_pdf_is_byte_for_byte_the_same():
    weasyprint_hooks.install()
    weasyprint_hooks.clear()
    hits = weasyprint_hooks.stats["hits"]
    cached_first = _pdf()
    cached_again = _pdf()  # every letter now from the cache
    assert weasyprint_hooks.stats["hits"] - hits > 150, "svg/text.py no longer goes through the cache"
    weasyprint_hooks.uninstall()
    try:
        hits = weasyprint_hooks.stats["hits"]
        plain = _pdf()
        assert weasyprint_hooks.stats["hits"] == hits
    finally:
        weasyprint_hooks.install()
    assert cached_first == plain
    assert cached_again == plain


def test_html_text_is_not_cached():
    weasyprint_hooks.install()
    before = dict(weasyprint_hooks.stats)
    layout.write_pdf("<html lang='sv'><title>t</title><p>Bara vanlig text, inga diagram.</p></html>")
    assert weasyprint_hooks.stats == before


PROBE = """
import ctypes.util, sys
searched = []
search = ctypes.util.find_library
def counting(name):
    searched.append(name)
    return search(name)
ctypes.util.find_library = counting
if sys.argv[1] == "hooks":
    from reports import weasyprint_hooks
else:
    import weasyprint
assert ctypes.util.find_library is counting
libraries = sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line})
print(len(searched))
print("\\n".join(libraries))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_weasyprint_opens_the_same_libraries_without_searching_for_them():
    def probe(how):
        result = subprocess.run([sys.executable, "-c", PROBE, how], cwd=ROOT, capture_output=True, text=True,
                                timeout=120, env={**os.environ, "PYTHONPATH": ROOT})
        assert result.returncode == 0, result.stderr
        searched, *libraries = result.stdout.splitlines()
        return int(searched), libraries

    searched_plain, plain = probe("plain")
    searched_hooks, hooked = probe("hooks")
    assert searched_plain > 0  # WeasyPrint's own import does search (else this test proves nothing)
    assert searched_hooks == 0
    assert hooked == plain
    assert any("libpango-1.0.so" in library for library in hooked)
