"""The helpers every page template uses: links, percentages and dates."""

from decimal import Decimal

import pytest
from django.urls import NoReverseMatch

from dora_site.jinja2 import url
from frameworks.templating import percent


def test_the_url_helper_refuses_what_reverse_refuses():
    assert url("assessments:answer", 12, 3) == "/assessments/12/answer/3/"
    for bad in (("abc", 1), (-1, 1), ("1/2", 1), ("12", "x")):
        with pytest.raises(NoReverseMatch):
            url("assessments:answer", *bad)


@pytest.mark.parametrize(
    ("value", "args", "shown"),
    [
        (79.98, (), "79.9%"),  # never "80.0%" beside a High badge
        (59.98, (), "59.9%"),
        (80.0, (), "80.0%"),
        (79.99999999999999, (), "79.9%"),
        (100.0, (), "100.0%"),
        (0.0, (), "0.0%"),
        (72.333, (), "72.3%"),
        (None, (), "–"),
        (None, (1, "n/a"), "n/a"),
        (Decimal("25.00"), (None,), "25%"),
        (Decimal("12.50"), (None,), "12.5%"),
        (Decimal("100.00"), (None,), "100%"),
        (33.33, (None,), "33.33%"),
        (66.666, (2,), "66.66%"),
    ],
)
def test_one_percent_filter_truncates_scores_and_shows_weights_as_typed(value, args, shown):
    assert percent(value, *args) == shown


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("UTC", "31 Dec 2023, 23:30"), ("Pacific/Auckland", "1 Jan 2024, 12:30")],
)
def test_the_date_filter_shows_times_in_the_sites_time_zone(settings, zone, shown):
    from datetime import UTC, datetime
    from datetime import date as day

    from dora_site.jinja2 import date

    settings.TIME_ZONE = zone
    assert date(datetime(2023, 12, 31, 23, 30, tzinfo=UTC), "j M Y, H:i") == shown
    assert date(day(2024, 2, 29)) == "29 Feb 2024"  # a day is a day in every zone
    assert date(None) == ""
