"""The time chart (the benchmark's best over time): points placed in proportion to their dates, and the
axis labelled at round dates spaced for a phone's larger text."""

import itertools
import re
from datetime import date

import pytest

from leaderboards import charts

WIDTH, HEIGHT = 400, 220


def drawn(dates):
    svg = str(
        charts.time_chart(
            [charts.Series("Best", [1.0 + n for n in range(len(dates))])],
            dates,
            title="Best over time",
            description="test",
            width=WIDTH,
            height=HEIGHT,
        )
    )
    points = [float(x) for x in re.findall(r'<circle class="point" cx="([\d.]+)"', svg)]
    labels = [
        (float(x), text) for x, text in re.findall(r'class="tick date" x="([\d.]+)"[^>]*>([^<]+)<', svg)
    ]
    return points, labels


def test_points_are_placed_in_proportion_to_their_dates():
    dates = [date(2019, 6, 1), date(2021, 3, 15), date(2026, 8, 26), date(2026, 10, 5)]

    points, _ = drawn(dates)

    days = [moment.toordinal() for moment in dates]
    left, right = charts.MARGIN_LEFT, WIDTH - charts.MARGIN_RIGHT
    expected = [left + (day - days[0]) / (days[-1] - days[0]) * (right - left) for day in days]
    assert points == pytest.approx(expected, abs=0.06)
    # a category axis would have put these four evenly apart
    assert points[1] - points[0] < (points[2] - points[1]) / 2


@pytest.mark.parametrize(
    ("dates", "first_label"),
    [
        ([date(2019, 6, 1), date(2026, 10, 5)], "2020"),
        ([date(2026, 1, 10), date(2026, 9, 20)], "Apr 2026"),  # every third month: Jan, Apr, Jul
        ([date(2026, 3, 1), date(2026, 3, 20)], "2026-03-08"),  # weekly; the 1st would stick out
    ],
)
def test_labels_are_round_dates_spaced_for_a_phone_and_inside_the_drawing(dates, first_label):
    _, labels = drawn(dates)

    assert labels[0][1] == first_label
    assert len(labels) >= 2
    for (x, text), (next_x, next_text) in itertools.pairwise(labels):
        half, next_half = (
            len(text) * charts.PHONE_CHARACTER_WIDTH / 2,
            len(next_text) * charts.PHONE_CHARACTER_WIDTH / 2,
        )
        assert x + half + charts.LABEL_GAP <= next_x - next_half + 0.1, (text, next_text)
    assert all(x - len(text) * charts.PHONE_CHARACTER_WIDTH / 2 >= 0 for x, text in labels)
    assert all(x + len(text) * charts.PHONE_CHARACTER_WIDTH / 2 <= WIDTH for x, text in labels)


def test_one_date_sits_mid_chart_with_its_label():
    points, labels = drawn([date(2026, 5, 17)])

    assert points == [pytest.approx((charts.MARGIN_LEFT + WIDTH - charts.MARGIN_RIGHT) / 2)]
    assert "2026-05-17" in [text for _, text in labels]
