"""The plotly.js bundle that draws every chart, on the pages and for the PDFs
(reports/plotly_js.py): plotly's cartesian bundle of plotly.py's own plotly.js release,
which draws every chart the app makes exactly as plotly.py's full bundle does."""

import gzip
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from assessment import load_instrument
from reports import charts, plotly_js
from reports.chart_export import ChartExporter
from web.common import compressed

from .support.paths import QUESTIONS
from .support.reports import canonical_svg, every_chart, profiles_of


def _all_charts(language):
    """every_chart and the two it leaves out: a retake's profile (the earlier take's hollow
    diamonds) and a workshop's then and now."""
    instrument = load_instrument(QUESTIONS / "v3")
    figures = every_chart(instrument, language)
    profiles = profiles_of(instrument, language)
    figures["profile after a retake"] = charts.profile_chart(profiles[0], previous=profiles[1])
    then, now = SimpleNamespace(median=40, cut_points=(25, 75)), SimpleNamespace(median=55, cut_points=(25, 75))
    figures["before-after"] = charts.before_after_chart(
        [SimpleNamespace(scale_id="weak_close", name="Svag avslutning", before=then, after=now),
         SimpleNamespace(scale_id="put_off", name="Skjuter upp", before=None, after=now)], 3, 4, language)
    return figures


def test_the_bundle_is_the_recorded_file_of_plotly_pys_own_release():
    assert plotly_js.version_of(plotly_js.FULL_BUNDLE) == plotly_js.VERSION  # plotly.py's plotly.js
    assert plotly_js.version_of(plotly_js.BUNDLE) == plotly_js.VERSION
    assert plotly_js.digest(plotly_js.BUNDLE) == plotly_js.SHA256
    assert (plotly_js.BUNDLE.parent / "LICENSE-plotly.js.txt").read_text().startswith("MIT License")


def test_a_file_without_a_plotly_header_is_refused_by_name(tmp_path):
    other = tmp_path / "other.js"
    other.write_text("/* some other script */")
    with pytest.raises(ValueError, match="other.js does not start with a plotly.js header"):
        plotly_js.version_of(other)


def test_every_chart_uses_only_trace_types_the_bundle_holds():
    for language in ("sv", "en"):
        for name, figure in _all_charts(language).items():
            used = {trace.type for trace in figure.data}
            assert used and used <= plotly_js.TRACE_TYPES, name


def test_the_bundle_draws_every_chart_as_plotly_pys_full_bundle_does():
    figures = list(_all_charts("sv").values())
    drawn = {}
    for bundle in (plotly_js.BUNDLE, plotly_js.FULL_BUNDLE):
        exporter = ChartExporter(timeout=30, plotly_js=bundle)
        try:
            drawn[bundle] = [canonical_svg(svg) for svg in exporter.svgs(figures)]
        finally:
            exporter.close()
    assert len(drawn[plotly_js.BUNDLE]) == len(figures) >= 9
    assert all("<text" in svg and "<path" in svg for svg in drawn[plotly_js.BUNDLE])
    assert drawn[plotly_js.BUNDLE] == drawn[plotly_js.FULL_BUNDLE]


def test_canonical_svg_ignores_attribute_order_and_random_ids_only():
    chart = ('<svg width="640" style="" viewBox="0 0 640 232"><defs id="defs-1a2b3c"/>'
             '<text x="17.5">Skjuter upp</text></svg>')
    assert canonical_svg(chart) == canonical_svg(
        chart.replace('style="" viewBox="0 0 640 232"', 'viewBox="0 0 640 232" style=""').replace("1a2b3c", "9f8e7d"))
    for changed in (chart.replace("17.5", "17.6"), chart.replace("upp", "fram"), chart.replace("</text>", "</text><rect/>")):
        assert canonical_svg(chart) != canonical_svg(changed)


def test_the_pages_load_the_bundle_from_this_server(client):
    reply = client.get(f"/vendor/plotly-cartesian-{plotly_js.VERSION}.min.js")
    assert reply.status_code == 200 and reply.mimetype in ("text/javascript", "application/javascript")
    assert reply.data == plotly_js.BUNDLE.read_bytes()
    assert client.get("/vendor/plotly.min.js").status_code == 404


BUNDLE_URL = f"/vendor/plotly-cartesian-{plotly_js.VERSION}.min.js"


def _headers_kept(reply):
    # What the bundle always had: a script, not sniffed, the CSP, a day in any cache.
    assert reply.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert reply.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in reply.headers
    assert reply.headers["Cache-Control"] == "public, max-age=86400"
    vary = reply.headers.get("Vary", "")
    assert "Accept-Encoding" in vary and "Cookie" not in vary, vary


def test_the_bundle_is_sent_gzip_compressed_to_a_browser_that_accepts_it(client):
    # The attack run: 1.5 MB sent as it is to every browser, though they all take gzip.
    original = plotly_js.BUNDLE.read_bytes()
    plain = client.get(BUNDLE_URL)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers and plain.data == original
    _headers_kept(plain)
    assert client.get(BUNDLE_URL, headers={"Accept-Encoding": "gzip;q=0, identity"}).data == original
    packed = client.get(BUNDLE_URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    _headers_kept(packed)
    assert int(packed.headers["Content-Length"]) == len(packed.data) < 0.4 * len(original)
    assert gzip.decompress(packed.data) == original
    assert packed.headers["ETag"] != plain.headers["ETag"]
    # Conditional and Range requests are answered on the compressed bytes, with their own ETag.
    again = client.get(BUNDLE_URL, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert client.get(BUNDLE_URL, headers={"If-None-Match": packed.headers["ETag"]}).status_code == 200
    part = client.get(BUNDLE_URL, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == packed.data[:100]
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(packed.data)}"
    head = client.head(BUNDLE_URL, headers={"Accept-Encoding": "gzip"})
    assert head.data == b"" and head.headers["Content-Length"] == packed.headers["Content-Length"]


def test_the_bundle_is_compressed_once_per_process_not_per_request(client, monkeypatch):
    client.get(BUNDLE_URL, headers={"Accept-Encoding": "gzip"})
    calls = []
    real = gzip.compress
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        assert client.get(BUNDLE_URL, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    assert calls == []


def test_parallel_first_requests_compress_the_bundle_once(app, monkeypatch):
    # The attack run: 16 threads asking at once compressed it 16 times (1.9 s, ~33 MB).
    compressed._compressed.cache_clear()
    calls = []
    real = gzip.compress

    def slow_compress(*args, **kwargs):
        calls.append(1)
        time.sleep(0.2)  # long enough for every thread to ask while the first compresses
        return real(*args, **kwargs)

    monkeypatch.setattr(gzip, "compress", slow_compress)

    def fetch(_):
        return app.test_client().get(BUNDLE_URL, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"]

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(fetch, range(8))) == ["gzip"] * 8
    assert calls == [1]


def test_a_browser_gets_the_compressed_bundle_and_runs_it(live_server, page):
    replies = []
    page.on("response", lambda reply: replies.append(reply) if reply.url.endswith(BUNDLE_URL) else None)
    page.goto(live_server.url + "/privacy")
    page.add_script_tag(url=live_server.url + BUNDLE_URL)
    assert page.evaluate("typeof Plotly.newPlot") == "function" and page.evaluate("Plotly.version") == plotly_js.VERSION
    assert [reply.all_headers()["content-encoding"] for reply in replies] == ["gzip"]
