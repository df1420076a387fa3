"""Plotly figures: one builder per chart, used by the interactive web pages
(as JSON for plotly.js) and by the PDF reports (as SVG through kaleido)."""

from __future__ import annotations

import json
import textwrap
from functools import lru_cache
from typing import Any, Mapping, Sequence

import plotly.graph_objects as go
import plotly.io as pio

from assessment import Instrument, Profile
from assessment.answers import NOT_APPLICABLE, AnswerSet
from assessment.scoring import score_answers

from .i18n import short_date, translations

FONT = "DejaVu Sans"
BAND_COLOURS = {"low": "#2e7d4f", "moderate": "#a05f00", "high": "#b3261e"}
ZONE_COLOURS = {"low": "rgba(46,125,79,0.12)", "moderate": "rgba(160,95,0,0.14)", "high": "rgba(179,38,30,0.12)"}
INK = "#1f2933"
MUTED = "#52606d"


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """The figure, built once from plain data. plotly's property-by-property
    validation and update_layout's path lookups made the profile's summary chart
    cost 36 ms of a 52 ms profile page
    (docs/decisions/0005-charts-built-from-plain-dicts.md); built from dicts it
    takes under 1 ms. `_validate` is plotly's own (private) switch, so plotly stays
    pinned (requirements.txt); tests/domain/test_charts.py rebuilds every chart with
    validation on, so a misspelt property still fails there, and fails if the
    switch stops working."""
    return go.Figure({"data": data, "layout": {"template": _template(tuple(sorted({t.get("type", "scatter") for t in data}))), **layout}},
                     _validate=VALIDATE)


@lru_cache(maxsize=None)
def _template(trace_types: tuple[str, ...]) -> dict:
    """plotly's default template with the trace defaults of these trace types only. The
    template's defaults for the other 22 trace types (heatmap, surface, pie …) are never
    read by a figure without such traces, yet went into every figure: JSON that the chart
    browser parsed and plotly.js merged for each chart (~15 ms of browser CPU a profile
    report), and into every page that shows a chart. The charts drawn are the same
    (tests/test_reports.py compares the exported SVG with the whole template's)."""
    template = pio.templates[pio.templates.default].to_plotly_json()
    data = {name: traces for name, traces in template.pop("data", {}).items() if name in trace_types}
    return {**template, "data": data} if data else template  # as plotly's validation leaves it


# Tests switch validation on (tests/domain/test_charts.py); pages and PDFs never pay for it.
VALIDATE = False


def _layout(height: int, width: int = 640, **overrides: Any) -> dict:
    return {
        "width": width,
        "height": height,
        "font": {"family": FONT, "size": 13, "color": INK},
        "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": False,
        "bargap": 0.35,
        **overrides,
    }


def _band_zones(rows: Sequence[tuple[str, tuple[float, float]]], half_height: float = 0.45) -> list[dict]:
    """Each row's low / moderate / high zones, shaded behind its bar."""
    return [
        {"type": "rect", "xref": "x", "yref": "y", "layer": "below", "line": {"width": 0},
         "x0": x0, "x1": x1, "y0": index - half_height, "y1": index + half_height, "fillcolor": ZONE_COLOURS[band]}
        for index, (_, (moderate_from, high_from)) in enumerate(rows)
        for band, x0, x1 in (("low", 0, moderate_from), ("moderate", moderate_from, high_from), ("high", high_from, 100))
    ]


def _wrap(text: str, width: int = 26) -> str:
    return "<br>".join(textwrap.wrap(text, width=width))


def _names_above_bars(names: Sequence[str]) -> tuple[list[dict], dict]:
    """Each row's name sits above its bar, not beside it: on a phone the plot
    keeps nearly the whole width, and no name is cut by the axis. Returns the
    annotations and the y axis."""
    annotations = [
        {"text": name, "xref": "paper", "x": 0, "xanchor": "left", "yref": "y", "y": index - 0.26,
         "yanchor": "bottom", "showarrow": False, "align": "left"}
        for index, name in enumerate(names)
    ]
    return annotations, {"showticklabels": False, "range": [len(names) - 0.65, -0.95], "tickvals": []}


def profile_chart(profile: Profile, previous: Profile | None = None) -> go.Figure:
    """The three behaviours against their bands, with the driver beside them;
    each bar carries its 90 % interval as a whisker. The value sits above the
    bar's right end, beside the name, where the whisker cannot cover it.
    After a retake, `previous` (the take before) marks each earlier score with a
    hollow diamond on the bar."""
    _ = translations(profile.language).gettext
    results = [*profile.of_kind("behaviour"), *profile.of_kind("driver")]
    rows = list(range(len(results)))
    names = [_wrap(r.name + (" " + _("(driver)") if r.kind == "driver" else ""), 36) for r in results]
    scores = [r.score if r.score is not None else 0 for r in results]
    intervals = [r.interval or (s, s) for r, s in zip(results, scores)]
    labels = [
        f"{r.score} ({low}–{high}) · {r.band_label}" if r.score is not None else _("not scorable")
        for r, (low, high) in zip(results, intervals)
    ]
    hover = [
        f"{r.name}: {r.score} · {r.band_label} · " + _("likely between %(low)s and %(high)s") % {"low": low, "high": high}
        if r.score is not None else f"{r.name}: {_('not scorable')}"
        for r, (low, high) in zip(results, intervals)
    ]
    bar = {
        "type": "bar", "x": scores, "y": rows, "orientation": "h", "width": 0.42,
        "marker": {"color": [BAND_COLOURS.get(r.band or "", MUTED) for r in results]},
        "error_x": {
            "type": "data", "symmetric": False, "visible": True, "color": INK, "thickness": 1.6, "width": 6,
            "array": [high - s for (_low, high), s in zip(intervals, scores)],
            "arrayminus": [s - low for (low, _high), s in zip(intervals, scores)],
        },
        "hovertemplate": "%{customdata}<extra></extra>", "customdata": hover,
    }
    traces = [bar]
    if previous is not None:
        before = [previous.scales.get(r.scale_id) for r in results]
        shown = [(index, b.score) for index, b in enumerate(before) if b is not None and b.score is not None]
        traces.append({
            "type": "scatter", "mode": "markers", "x": [score for _i, score in shown], "y": [i for i, _s in shown],
            "name": _("previous take"), "showlegend": False, "cliponaxis": False,
            "marker": {"symbol": "diamond-open", "size": 13, "color": INK, "line": {"width": 2.2, "color": INK}},
            "hovertemplate": "%{customdata}<extra></extra>",
            "customdata": [_("previous take") + f": {score}" for _i, score in shown],
        })
    name_annotations, yaxis = _names_above_bars(names)
    # Named, so that a page too narrow for them beside the names can leave them out
    # (static/js/charts.js): the score table below says the same.
    score_annotations = [
        {"name": "score", "text": label, "xref": "paper", "x": 1, "xanchor": "right", "yref": "y", "y": index - 0.26,
         "yanchor": "bottom", "showarrow": False, "align": "right"}
        for index, label in enumerate(labels)
    ]
    return _figure(traces, _layout(
        70 + 74 * len(results),
        shapes=_band_zones([(r.scale_id, r.cut_points) for r in results], half_height=0.24),
        xaxis={"range": [0, 100], "dtick": 25, "title": {"text": _("Score (0–100)")}, "gridcolor": "#e4e7eb",
               "zeroline": False},
        yaxis=yaxis,
        annotations=name_annotations + score_annotations,
        # The right margin holds half of the "100" tick label: plotly hides a tick
        # label that would stick out of the figure, and with less room the axis
        # ended at 75.
        margin={"l": 10, "r": 20, "t": 4, "b": 40},
    ))


def scale_items_chart(profile: Profile, instrument: Instrument, answers: Mapping[str, int], scale_id: str) -> go.Figure:
    """One behaviour's items, numbered: how often each situation happens. The
    item texts stand beside the chart in the page, where text is cheap to lay out."""
    language = profile.language
    scale = instrument.scale(scale_id)
    labels = {o.value: o.label[language] for o in instrument.response_options}
    if instrument.not_applicable_label:
        labels[NOT_APPLICABLE] = instrument.not_applicable_label[language]
    answered = [answers.get(item.id) for item in scale.items]
    # "Does not apply" draws no bar; its label says why.
    values = [None if v == NOT_APPLICABLE else v for v in answered]
    numbers = [str(n) for n in range(1, len(values) + 1)]
    bar = {
        "type": "bar", "x": [v or 0 for v in values], "y": numbers, "orientation": "h", "width": 0.6,
        "marker": {"color": [_item_colour(v) for v in values]},
        "customdata": [labels.get(v, "–") if v else "–" for v in answered],
        "hovertemplate": "%{y}: %{customdata}<extra></extra>",
    }
    return _figure([bar], _layout(
        40 + 24 * len(values), width=640,
        xaxis={"range": [0, 5.2], "tickvals": [1, 2, 3, 4, 5], "ticktext": [labels[v] for v in (1, 2, 3, 4, 5)],
               "gridcolor": "#e4e7eb", "zeroline": False, "tickfont": {"size": 10}},
        yaxis={"autorange": "reversed", "tickfont": {"size": 11}},
    ))


def _item_colour(value: int | None) -> str:
    if not value:
        return "#cbd2d9"
    return BAND_COLOURS["high"] if value >= 4 else BAND_COLOURS["moderate"] if value == 3 else BAND_COLOURS["low"]


def _name_with_median(name: str, median: str, width: int = 36, with_median: int = 48) -> str:
    # A label of two lines grows upwards into the bar above (the annotation is anchored
    # at its bottom), so the median stays on the name's line whenever it fits in
    # `with_median` characters: "Rädsla att verka påträngande · median 54" is one line.
    lines = [f"<b>{line}</b>" for line in textwrap.wrap(name, width=width)]
    if median:
        fits = len(textwrap.wrap(name, width=width)[-1]) + len(median) + 3 <= with_median
        lines[-1:] = [f"{lines[-1]} · {median}"] if fits else [lines[-1], median]
    return "<br>".join(lines)


def team_distribution_chart(team: Any, instrument: Instrument, language: str) -> go.Figure:
    """Each behaviour and the driver: how many fall in each band, with the team median.
    Counts, never individual scores, so it can be shown in anonymous mode too."""
    _ = translations(language).gettext
    rows = team.scales
    positions = list(range(len(rows)))
    band_names = {band: label[language] for band, label in instrument.band_labels.items()}
    bars = []
    for band in ("low", "moderate", "high"):
        counts = [row.band_counts.get(band, 0) for row in rows]
        bars.append({
            "type": "bar", "name": band_names[band], "x": counts, "y": positions, "orientation": "h", "width": 0.42,
            "marker": {"color": BAND_COLOURS[band]}, "text": [str(c) if c else "" for c in counts],
            "textposition": "inside", "insidetextanchor": "middle", "textfont": {"color": "white"},
            "customdata": [row.name for row in rows],
            "hovertemplate": "%{customdata}: %{x} · " + band_names[band] + "<extra></extra>",
        })
    medians = [
        _("median %(score)s") % {"score": row.median} if row.median is not None else "" for row in rows
    ]
    names = [_name_with_median(row.name, median) for row, median in zip(rows, medians)]
    most = max((sum(row.band_counts.values()) for row in rows), default=0)
    annotations, yaxis = _names_above_bars(names)
    return _figure(bars, _layout(
        110 + 74 * len(rows),
        barmode="stack",
        # People come whole: integer ticks only, never more than about eight of them.
        xaxis={"title": {"text": _("Number of participants")}, "gridcolor": "#e4e7eb", "zeroline": False,
               "range": [0, max(most, 1)], "tick0": 0, "dtick": max(1, -(-most // 8)), "tickformat": "d"},
        yaxis=yaxis,
        annotations=annotations,
        showlegend=True,
        # "normal": the legend reads low, moderate, high, as the bars are stacked.
        legend={"orientation": "h", "traceorder": "normal", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 12, "t": 36, "b": 44},
    ))


def score_distribution_chart(scales: Sequence[tuple[str, Mapping[str, float]]], language: str) -> go.Figure:
    """Score distributions of many people as boxes drawn from percentiles only
    (10th, 25th, 50th, 75th, 90th): no minimum or maximum, so no single person shows."""
    _ = translations(language).gettext
    boxes = [
        {"type": "box", "y": [_wrap(name)], "q1": [d["p25"]], "median": [d["p50"]], "q3": [d["p75"]],
         "lowerfence": [d["p10"]], "upperfence": [d["p90"]], "orientation": "h",
         "marker": {"color": INK}, "line": {"color": INK}, "fillcolor": "rgba(31,41,51,0.15)", "hoverinfo": "x"}
        for name, d in scales
    ]
    return _figure(boxes, _layout(
        90 + 60 * len(scales),
        # Short: on a phone the plot is about 200 px wide and the longer title was cut off;
        # what the boxes and whiskers mean is said beside the chart (site/measurement.html).
        xaxis={"title": {"text": _("Score (0–100)")},
               "range": [0, 100], "gridcolor": "#e4e7eb", "zeroline": False},
        # The names stand off the plot: a box that starts at 0 (impression management's, low for
        # most people) otherwise began where its name ended, touching it.
        yaxis={"autorange": "reversed", "ticklabelstandoff": 10},
    ))


def to_json(fig: go.Figure) -> dict[str, Any]:
    """The figure as plain JSON data for plotly.js on a web page."""
    return json.loads(fig.to_json(validate=False))


SERIES_COLOURS = ("#1f5fa8", "#b3261e", "#2e7d4f", "#6b3fa0", "#a05f00")
# The history chart's legend this far above the plot (a share of its height): a line of text.
LEGEND_CLEARANCE = 1.1


def _off_the_line(score: float, other: float | None) -> tuple[str, ...]:
    """Where a score's label goes beside its marker, best first, on the side where its own line
    goes on to `other` (the next take's score on the right, the previous one's on the left):
    below a line that rises, above one that falls or stays flat, level where no line goes on."""
    if other is None:
        return ("middle", "top", "bottom")
    return ("bottom", "top", "middle") if other > score else ("top", "bottom", "middle")


def _label_positions(series: Sequence[Sequence[float | None]], height: float = 7) -> list[list[str]]:
    """Where each line's score is printed at each take, so that no two numbers print over each
    other and, where there is room, none sits on its own line: right of its marker if it can,
    else left, a line above or below it off the line's own segment on that side, level where no
    segment goes on (`height`: a line of text in score points, on the chart's 0-100 axis). Taken
    from the lowest score up, each label takes the first such place that clears the labels
    already placed on that side. Where that leaves a label no place (scores a few points apart
    at a take), the take's labels are packed instead: level or a line up, right then left. The
    labels are in their lines' colours, so one moved off its marker is still read as its line's."""
    positions = [["middle right"] * len(scores) for scores in series]
    for take in range(len(series[0]) if series else 0):
        placed = (_place_labels(series, take, height, off_the_line=True)
                  or _place_labels(series, take, height, off_the_line=False))
        for line, position in placed.items():
            positions[line][take] = position
    return positions


def _place_labels(series: Sequence[Sequence[float | None]], take: int, height: float,
                  off_the_line: bool) -> dict[int, str]:
    """One take's labels (see _label_positions), or {} when one of them finds no free place
    while keeping off its line. Packed, two fit each side within a few points; a fifth line's
    label would print over another's (the banks' histories have four lines)."""
    shift = {"middle": 0, "top": height, "bottom": -height}
    highest = {"right": None, "left": None}  # the highest label printed so far on each side
    placed = {}
    for score, line in sorted((scores[take], line) for line, scores in enumerate(series) if scores[take] is not None):
        scores = series[line]
        neighbours = {"right": scores[take + 1] if take + 1 < len(scores) else None,
                      "left": scores[take - 1] if take > 0 else None}
        free = [(side, place, score + shift[place]) for side in ("right", "left")
                for place in (_off_the_line(score, neighbours[side]) if off_the_line else ("middle", "top"))
                if highest[side] is None or score + shift[place] >= highest[side] + height]
        if not free and off_the_line:
            return {}
        side, place, at = free[0] if free else ("right", "top", score + height)
        highest[side] = at
        placed[line] = f"{place} {side}"
    return placed


def change_chart(history: Any) -> go.Figure:
    """A slope chart: each scale's score at every take, with its 90 % interval where known.
    With two takes it is a then-and-now dumbbell; with more it shows the whole history. Each
    take's label is its number over its date in words, month short and the year on a line of its
    own, so that four takes stay level and apart on a phone; the legend
    sits above the plot, clear of the axis title."""
    language = history.now.profile.language
    _ = translations(language).gettext
    labels = [f"{n}.<br>{'<br>'.join(short_date(take.taken_on, language).rsplit(' ', 1))}"  # 28 Sept<br>2026
              for n, take in enumerate(history.takes, 1)]
    series = [[r.score for r in history.series(scale_id)] for scale_id in history.scale_ids]
    positions = _label_positions(series)
    lines = []
    for index, scale_id in enumerate(history.scale_ids):
        results = history.series(scale_id)
        name = history.now.profile.scales[scale_id].name
        scores = series[index]
        intervals = [r.interval for r in results]
        line = {
            "type": "scatter", "x": labels, "y": scores, "mode": "lines+markers+text", "name": name,
            "line": {"color": SERIES_COLOURS[index % len(SERIES_COLOURS)], "width": 2},
            "marker": {"size": 9},
            "text": [f"{s:.0f}" if s is not None else "" for s in scores], "textposition": positions[index],
            "textfont": {"color": SERIES_COLOURS[index % len(SERIES_COLOURS)]},
            "hovertemplate": f"{name}: " + "%{y:.0f}<extra></extra>", "cliponaxis": False,
        }
        if all(i is not None and s is not None for i, s in zip(intervals, scores)):
            line["error_y"] = {"type": "data", "symmetric": False, "thickness": 1.2, "width": 4,
                               "array": [i[1] - s for i, s in zip(intervals, scores)],
                               "arrayminus": [s - i[0] for i, s in zip(intervals, scores)]}
        lines.append(line)
    return _figure(lines, _layout(
        380,
        yaxis={"range": [0, 100], "dtick": 25, "title": {"text": _("Score (0–100)")}, "gridcolor": "#e4e7eb",
               "zeroline": False},
        # Room left of the first take for the scores printed left of their markers, which ran
        # into the axis's tick labels ("5050" at 345 px): about 40 px at 345 px, so a share of a
        # take's width that grows with the takes ("100100" with four takes at -0.4) ...
        xaxis={"type": "category", "title": {"text": _("Take")}, "tickangle": 0, "automargin": True,
               "range": [-max(0.4, 0.2 * (len(labels) - 1)), len(labels) - 1 + 0.1]},
        showlegend=True,
        # ... and above 100 for a score printed a line above its marker, which the legend's
        # white box hid when it sat on the plot's top edge.
        legend={"orientation": "h", "traceorder": "normal", "x": 0, "xanchor": "left", "y": LEGEND_CLEARANCE,
                "yanchor": "bottom"},
        margin={"l": 10, "r": 40, "t": 10, "b": 40},
    ))


def before_after_chart(scales: Sequence[Any], before_n: int, after_n: int, language: str) -> go.Figure:
    """A workshop and its follow-up session: each scale's team median then and now,
    side by side on the 0–100 scale over its band zones. Medians only (as the team
    views may show them, rounded in anonymous workshops), never a person's score."""
    _ = translations(language).gettext
    ngettext = translations(language).ngettext
    rows = [s for s in scales if (s.before and s.before.median is not None) or (s.after and s.after.median is not None)]
    positions = list(range(len(rows)))
    series = []
    for label, side, n, colour, offset in ((_("Then"), "before", before_n, "#8a96a3", -0.12), (_("Now"), "after", after_n, "#1f5fa8", 0.12)):
        values = [getattr(s, side).median if getattr(s, side) and getattr(s, side).median is not None else None for s in rows]
        series.append({
            "type": "bar", "orientation": "h", "name": ngettext("%(label)s (%(n)s person)", "%(label)s (%(n)s people)", n) % {"label": label, "n": n},
            "x": values, "y": [p + offset for p in positions], "width": 0.22, "marker": {"color": colour},
            # Medians as the team views show them (assessment.team.shown_median): whole numbers already.
            "text": [str(v) if v is not None else "" for v in values], "textposition": "outside", "cliponaxis": False,
            "hovertemplate": label + ": %{x}<extra></extra>",
        })
    cut_points = [(s.scale_id, (s.before or s.after).cut_points) for s in rows]
    annotations, yaxis = _names_above_bars([f"<b>{s.name}</b>" for s in rows])
    return _figure(series, _layout(
        110 + 74 * len(rows),
        barmode="overlay",
        shapes=_band_zones(cut_points, half_height=0.3),
        xaxis={"range": [0, 100], "dtick": 25, "title": {"text": _("Team median (0–100)")}, "gridcolor": "#e4e7eb",
               "zeroline": False},
        yaxis=yaxis,
        annotations=annotations,
        showlegend=True,
        legend={"orientation": "h", "traceorder": "normal", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 24, "t": 36, "b": 44},
    ))


def warm_up(instrument: Instrument) -> None:
    """Build and serialise one profile chart, so that plotly's figure classes (imported on
    first use, ~11 MiB) are loaded now: in gunicorn's master before the workers are forked
    from it, they are then shared instead of loaded into each worker (bench/RESULTS.md)."""
    answers = {item.id: 3 for page in instrument.pages for item in page}
    to_json(profile_chart(score_answers(instrument, AnswerSet(instrument.languages[0], answers))))
