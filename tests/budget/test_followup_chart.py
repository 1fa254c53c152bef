"""The follow-up charts' y axis (issue 14 point 10): round, readable steps between 0 and the top, not
only 0 and the maximum, with Swedish labels; the line's top point sits at its value on that scale."""

import pytest

from budget.views.followup import Chart, nice_ticks
from common import reporting


@pytest.mark.parametrize("maximum,kind,ticks", [
    (7, reporting.INT, [0, 2, 4, 6, 8]),
    (31, reporting.INT, [0, 10, 20, 30, 40]),
    (100, reporting.INT, [0, 25, 50, 75, 100]),
    (3, reporting.INT, [0, 1, 2, 3]),
    (1_234_567, reporting.KR, [0, 500_000, 1_000_000, 1_500_000]),
    (0.8, reporting.DECIMAL, [0, 0.2, 0.4, 0.6, 0.8]),
    (2.4, reporting.DECIMAL, [0, 1, 2, 3]),
])
def test_ticks_are_round_steps_from_zero_to_at_least_the_maximum(maximum, kind, ticks):
    assert nice_ticks(maximum, kind) == ticks


def test_the_chart_labels_every_tick_in_swedish_and_scales_to_the_top_tick():
    chart = Chart("Kostnad, kr", reporting.KR, now=[1_234_567, 600_000], last=[900_000, 0])
    assert [t["label"] for t in chart.y_ticks] == ["0", "500\xa0000", "1\xa0000\xa0000", "1\xa0500\xa0000"]
    top, bottom = chart.y_ticks[-1]["y"], chart.y_ticks[0]["y"]
    assert (top, bottom) == (14, 154)  # TOP and HEIGHT - BOTTOM
    assert chart.now_points.split()[1] == f"{chart._x(1)},{round(14 + 140 * (1 - 600_000 / 1_500_000), 1)}"


def test_average_placed_ticks_keep_one_decimal():
    chart = Chart("Snittantal placerade", reporting.DECIMAL, now=[0.8, 0.5], last=[0.3, 0.0])
    assert [t["label"] for t in chart.y_ticks] == ["0,0", "0,2", "0,4", "0,6", "0,8"]
