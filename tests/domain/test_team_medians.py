"""A team median has one shown value, rounded half up once (assessment.team.shown_median):
62.5 was 62 from the server (Python's round, half to even) and 63 after a live update
(JavaScript's Math.round), so the slides, the coach page and the team PDF disagreed."""

from __future__ import annotations

from assessment import AnswerSet, score_answers
from assessment.team import release_of, shown_median, summarise_team

from ..support.answers import answers_with_score


def profiles(instrument, scores):
    return [score_answers(instrument, AnswerSet("en", answers_with_score(instrument, "postponing_contact", score, k)))
            for k, score in enumerate(scores)]


def test_a_median_is_shown_half_up_as_a_whole_number():
    assert [shown_median(v) for v in (62.5, 61.5, 62.4, 62.6, 0.5, 100.0, None)] == [63, 62, 62, 63, 1, 100, None]
    assert all(type(shown_median(v)) is int for v in (62.5, 61.5, 70.0))


def test_a_named_teams_median_of_x_point_5_is_shown_rounded_up(instrument):
    team = profiles(instrument, [61, 64])
    assert [p.scales["postponing_contact"].score for p in team] == [61, 64]
    release = release_of(instrument, team, anonymous=False)
    assert next(s.median for s in release.scales if s.scale_id == "postponing_contact") == 62.5
    summary = summarise_team(instrument, release, language="en", joined=2, completed=2, anonymous=False)
    shown = next(s for s in summary.scales if s.scale_id == "postponing_contact")
    assert shown.median == 63 and type(shown.median) is int
    assert next(s for s in summary.to_dict()["scales"] if s["id"] == "postponing_contact")["median"] == 63


def test_an_anonymous_median_halfway_between_two_steps_goes_up(instrument):
    """Rounded to the nearest 10: 25 is 30 (it was 20, half to even)."""
    release = release_of(instrument, profiles(instrument, [25] * 5), anonymous=True)
    assert next(s.median for s in release.scales if s.scale_id == "postponing_contact") == 30


def test_every_column_is_named_before_anyone_has_shared(instrument):
    """The team grid's headings come from the summary also when no scale is shown yet."""
    for summary in (summarise_team(instrument, None, language="sv", joined=0, completed=0, anonymous=False),
                    summarise_team(instrument, None, language="sv", joined=3, completed=3, anonymous=True)):
        assert summary.scales == ()
        assert summary.columns == tuple((s.id, s.name["sv"]) for s in instrument.scales_of_kind("behaviour", "driver"))
        assert [c["id"] for c in summary.to_dict()["columns"]] == [s.id for s in instrument.scales_of_kind("behaviour", "driver")]
