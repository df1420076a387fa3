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


def _printed_at(series, positions, height=7):
    """Each take's labels as (side, height on the axis), from the positions given."""
    shift = {"middle": 0, "bottom": -height, "top": height}
    return [[(positions[line][take].split()[1], scores[take] + shift[positions[line][take].split()[0]])
             for line, scores in enumerate(series) if scores[take] is not None] for take in range(len(series[0]))]


@pytest.mark.parametrize("series", [
    [[30, 47, 50], [31, 44, 47], [80, 20, None], [60, 60, 60]],  # the helper's walk: 47 over 44 at take 2
    [[46, 50, 54], [47, 47, 53], [50, 53, 47], [53, 50, 50]],  # four within 7 points at every take
    [[50], [50], [50], [50]],  # four the same
    [[75, 50, 28], [72, 78, 50], [53, 50, 72], [21, 50, 54]],  # the screenshot walk's history
    [[50, 52, 54], [51, 53, 55], [52, 54, 56], [53, 55, 57]],  # four rising together
])
def test_no_two_score_labels_print_over_each_other(series):
    positions = charts._label_positions(series)
    for labels in _printed_at(series, positions):
        for side in ("right", "left"):
            heights = sorted(at for s, at in labels if s == side)
            assert all(b - a >= 7 for a, b in zip(heights, heights[1:])), (side, heights)


def test_a_label_with_room_goes_right_of_its_marker_and_off_its_own_line():
    # The screenshot walk: "72" and "53" printed level, on the segment their lines went on along.
    # Rising on to the next take: below; falling or flat: above; at the last take: level.
    assert charts._label_positions([[20, 40], [60, 45], [90, 90], [2, None]]) == [
        ["bottom right", "middle right"], ["top right", "top right"], ["top right", "middle right"],
        ["middle right", "middle right"]]


def test_the_history_chart_keeps_its_take_labels_level_and_its_legend_above_the_plot(instrument):
    # On a phone its dates were turned on end and cut at the right edge, and the legend below
    # the plot ran into the axis title (the helper's walk at 375 px).
    layout = every_chart(instrument, "en")["change"].to_dict()["layout"]
    assert layout["xaxis"]["tickangle"] == 0 and layout["xaxis"]["automargin"] is True
    assert layout["legend"]["y"] >= 1 and layout["legend"]["yanchor"] == "bottom"
    # A score printed left of the first take's marker clear of the axis's tick labels ("5050"
    # at 345 px), and one printed a line above a marker at 100 below the legend, not under it.
    assert layout["xaxis"]["range"][0] <= -0.3 and layout["legend"]["y"] >= 1.08
    ticks = every_chart(instrument, "en")["change"].to_dict()["data"][0]["x"]
    # each label is the take's number over its date in words, the year on a line of its own
    assert [label.split("<br>") for label in ticks] == [[f"{n}.", f"{n} Jan", "2026"] for n in (1, 2, 3)]
