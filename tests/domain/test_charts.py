"""Chart builders: pages and PDFs build figures from plain data without plotly's
validation (it cost 36 ms of a 52 ms profile page). Here every builder runs
with validation on, so a misspelt or out-of-range property still fails a test,
and the validated figure must be the very figure the pages get."""

from types import SimpleNamespace

import plotly.graph_objects as go
import pytest

from assessment import load_instrument
from reports import charts

from ..support.paths import QUESTIONS
from ..support.reports import every_chart, profiles_of


@pytest.fixture(scope="module", params=["v1", "v2"])
def instrument(request):
    return load_instrument(QUESTIONS / request.param)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_chart_is_valid_plotly_and_unchanged_by_validation(instrument, language, monkeypatch):
    fast = {name: charts.to_json(fig) for name, fig in every_chart(instrument, language).items()}
    monkeypatch.setattr(charts, "VALIDATE", True)
    validated = {name: charts.to_json(fig) for name, fig in every_chart(instrument, language).items()}
    assert validated == fast
    assert len(fast) == 7


def test_validation_catches_a_misspelt_property(instrument, monkeypatch):
    # What the test above relies on: with validation on, plotly refuses an unknown property.
    layout = charts._layout
    monkeypatch.setattr(charts, "_layout", lambda *a, **k: {**layout(*a, **k), "bargapp": 0.3})
    profile = profiles_of(instrument, "en")[0]
    charts.profile_chart(profile)  # without validation nothing notices
    monkeypatch.setattr(charts, "VALIDATE", True)
    with pytest.raises(ValueError, match="bargapp"):
        charts.profile_chart(profile)


def test_the_summary_chart_shows_each_score_with_its_interval_and_band(instrument):
    profile = profiles_of(instrument, "en")[1]
    figure = charts.to_json(charts.profile_chart(profile))
    results = [*profile.of_kind("behaviour"), *profile.of_kind("driver")]
    bar = figure["data"][0]
    assert bar["x"] == [r.score for r in results]
    assert bar["error_x"]["array"] == [r.interval[1] - r.score for r in results]
    assert bar["error_x"]["arrayminus"] == [r.score - r.interval[0] for r in results]
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    for r in results:
        assert f"{r.score} ({r.interval[0]}–{r.interval[1]}) · {r.band_label}" in texts
    assert len(figure["layout"]["shapes"]) == 3 * len(results)  # low, moderate, high behind each bar
    assert isinstance(go.Figure(figure), go.Figure)


@pytest.mark.parametrize("language, one, many", [("en", "Then (1 person)", "Now (4 people)"),
                                                 ("sv", "Då (1 person)", "Nu (4 personer)")])
def test_the_before_after_legend_counts_one_person_as_one(language, one, many):
    """The walk found "Now (1 people)" in the coach's before/after chart."""
    side = SimpleNamespace(median=40, cut_points=(25, 75))
    scales = [SimpleNamespace(scale_id="weak_close", name="Weak close", before=side, after=side)]
    names = [trace.name for trace in charts.before_after_chart(scales, 1, 4, language).data]
    assert names == [one, many]
