"""The key-metric definitions, table-driven, with expectations worked out by hand: each row
set is stored through the one writer of delivery data (services.delivery_store) and measured
by the database's aggregates (selectors.measure), the path every page and the API take.

Most tests use one week, 1-7 January 2024 (UTC), so the deployment frequency per week is simply
the number of deployments. Levels come from the buckets the shipped DORA 1.0 fixture carries on
its headline guidance, read straight from the file: the tables pin that data to DORA's published
thresholds.
"""

import itertools
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from delivery.metrics import default_window, level, window_bounds
from delivery.models import Change as ChangeRow
from delivery.selectors import measure as measure_team
from delivery.services import delivery_store
from frameworks.key_metrics import Bucket
from teams.models import Team

pytestmark = pytest.mark.django_db

START, END = date(2024, 1, 1), date(2024, 1, 7)
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "dora.json"


def shipped_buckets() -> dict[str, tuple[Bucket, ...]]:
    """DORA 1.0's buckets as fixtures/dora.json gives them, best score first."""
    rows = json.loads(FIXTURE.read_text())
    metric_of = {
        row["fields"]["position"]: row["fields"]["key_metric"]
        for row in rows
        if row["model"] == "frameworks.domain" and row["fields"].get("key_metric")
    }
    buckets: dict[str, list] = {}
    for row in rows:
        fields = row["model"] == "frameworks.scoreguidance" and row["fields"]
        if fields and ("lower_bound" in fields or "upper_bound" in fields):
            metric = metric_of[fields["question"][2]]
            buckets.setdefault(metric, []).append(
                Bucket(
                    fields["score"],
                    fields["performance_label"],
                    fields.get("lower_bound"),
                    fields.get("upper_bound"),
                )
            )
    return {m: tuple(sorted(b, key=lambda b: -b.score)) for m, b in buckets.items()}


DORA = shipped_buckets()
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def at(day, hour=12, minute=0, tz=UTC):
    """A moment in January 2024 (day 0 is 31 December 2023, day 8 is 8 January)."""
    return datetime(2024, 1, 1, hour, minute, tzinfo=tz) + timedelta(days=day - 1)


@dataclass(frozen=True)
class Deploy:
    external_id: str
    finished_at: datetime
    status: str = "success"
    environment: str = "production"
    rework: bool = False
    service: str = "api"


@dataclass(frozen=True)
class Change:
    external_id: str
    committed_at: datetime
    deployment_id: str | None


@dataclass(frozen=True)
class Incident:
    external_id: str
    opened_at: datetime
    resolved_at: datetime | None = None
    deployment_id: str | None = None
    service: str = ""


def deploy(
    id, finished_at, status="success", environment="production", rework=False, service="api"
):
    return Deploy(id, finished_at, status, environment, rework, service)


def change(id, committed_at, deployment_id):
    return Change(id, committed_at, deployment_id)


def incident(id, opened_at, resolved_at=None, deployment_id=None, service=""):
    return Incident(id, opened_at, resolved_at, deployment_id, service)


_teams = itertools.count()


def measure(deployments=(), changes=(), incidents=(), start=START, end=END, buckets=DORA):
    """The rows stored for a team of their own, then measured over start..end."""
    number = next(_teams)
    team = Team.objects.create(name=f"Measured {number}", slug=f"measured-{number}")

    def rows(items):
        stored = []
        for n, item in enumerate(items):
            row = asdict(item)
            if "deployment_id" in row:
                row["deployment_id"] = row["deployment_id"] or ""  # it names none
            stored.append((n, row))
        return stored

    delivery_store(
        team,
        {"deployments": rows(deployments), "changes": rows(changes), "incidents": rows(incidents)},
        channel="api",
        sender="test",
    )
    return measure_team(team, start, end, buckets)


def production_deployments(count):
    """`count` successful production deployments, a minute apart from 1 January 00:00 UTC."""
    return [deploy(f"d{n}", at(1, 0) + timedelta(minutes=n)) for n in range(count)]


def changes_with_lead_times(hours, deployment_id="d0", finished_at=None):
    """One change per lead time, all shipped by one deployment finished at `finished_at`."""
    finished_at = finished_at or at(1)
    return [
        change(f"c{n}", finished_at - timedelta(hours=h), deployment_id)
        for n, h in enumerate(hours)
    ]


# --- the window ---


def test_window_bounds_are_whole_utc_days_with_the_end_day_included():
    assert window_bounds(START, END) == (
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(2024, 1, 8, tzinfo=UTC),
    )


def test_default_window_is_the_91_days_ending_today():
    start, end = default_window(date(2024, 3, 31))
    assert (start, end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert (end - start).days + 1 == 91


def test_a_team_with_no_data_measures_nothing_not_zero():
    metrics = measure()
    assert (metrics.start, metrics.end) == (START, END)
    assert (metrics.measured_from, metrics.measured_days) == (None, 0)
    assert metrics.deployments == 0
    assert metrics.deployment_frequency_per_week is None  # not 0.0 and Low
    assert metrics.lead_time_hours_median is None
    assert metrics.changes_measured == 0
    assert metrics.change_failure_rate is None
    assert metrics.failed_deployments == 0
    assert metrics.recovery_time_hours_median is None
    assert metrics.incidents_resolved == 0
    assert metrics.rework_rate is None
    assert set(metrics.levels.values()) == {None}


def test_a_window_without_deployments_after_earlier_data_measures_zero_and_low():
    metrics = measure([deploy("d0", at(-30))])
    assert (metrics.measured_from, metrics.measured_days) == (START, 7)
    assert metrics.deployment_frequency_per_week == 0.0
    assert metrics.levels["deployment_frequency"] == "Low"


@pytest.mark.parametrize(
    ("first_day", "count", "per_week", "level"),
    [
        (1, 1, 1.0, "High"),  # the whole week counts: data from its first day
        (4, 18, 31.5, "Elite"),  # 18 in the last 4 days of the week, not 18 in 7
        (7, 1, 7.0, "High"),  # one on the last day: one day measured
    ],
)
def test_a_window_counts_from_the_teams_first_deployment(first_day, count, per_week, level):
    rows = [deploy(f"d{n}", at(first_day) + timedelta(minutes=n)) for n in range(count)]
    metrics = measure(rows)
    assert metrics.measured_from == START + timedelta(days=first_day - 1)
    assert metrics.measured_days == 8 - first_day
    assert metrics.deployment_frequency_per_week == pytest.approx(per_week)
    assert metrics.levels["deployment_frequency"] == level


def test_a_window_ending_before_it_starts_has_no_days_to_measure():
    metrics = measure(production_deployments(3), start=END, end=START)
    assert metrics.deployments == 0
    assert metrics.deployment_frequency_per_week is None
    assert metrics.levels["deployment_frequency"] is None


@pytest.mark.parametrize(
    ("finished_at", "counted"),
    [
        (at(1, 0, 0), True),  # the first instant of the window
        (at(7, 23, 59), True),
        (at(8, 0, 0), False),  # the first instant after it
        (at(0, 23, 59), False),
        # 23:30 -05:00 on the last day is 04:30 UTC the next day: outside.
        (at(7, 23, 30, tz=NEW_YORK_WINTER), False),
        # 23:30 -05:00 the day before the start is 04:30 UTC on the first day: inside.
        (at(0, 23, 30, tz=NEW_YORK_WINTER), True),
        # 00:30 +02:00 on the first day is 22:30 UTC the day before: outside.
        (at(1, 0, 30, tz=timezone(timedelta(hours=2))), False),
    ],
)
def test_deployments_count_by_their_utc_finish(finished_at, counted):
    assert measure([deploy("d", finished_at)]).deployments == int(counted)


def test_a_late_evening_change_shipped_across_utc_midnight_is_outside_the_window():
    shipped = deploy("d", at(7, 23, 30, tz=NEW_YORK_WINTER))
    metrics = measure([shipped], changes_with_lead_times([2] * 5, "d", shipped.finished_at))
    assert metrics.changes_measured == 0


# --- deployments and their frequency ---


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], 0),
        (["success"], 1),
        (["failure"], 1),
        (["success", "failure", "success"], 3),
    ],
)
def test_deployments_count_whatever_their_status(statuses, expected):
    rows = [deploy(f"d{n}", at(2), status) for n, status in enumerate(statuses)]
    assert measure(rows).deployments == expected


@pytest.mark.parametrize(
    ("count", "days", "per_week"),
    [(7, 7, 7.0), (3, 14, 1.5), (13, 91, 1.0), (1, 1, 7.0)],
)
def test_deployment_frequency_is_deployments_per_week_of_the_window(count, days, per_week):
    end = START + timedelta(days=days - 1)
    metrics = measure(production_deployments(count), end=end)
    assert metrics.deployment_frequency_per_week == pytest.approx(per_week)


def test_non_production_deployments_never_count():
    rows = [
        deploy("p", at(2)),
        deploy("s1", at(2), environment="staging", status="failure", rework=True),
        deploy("s2", at(3), environment="Production "),  # no normalising: exactly "production"
    ]
    changes = changes_with_lead_times([1, 2, 3, 4, 5], "s1", at(2))
    incidents = [incident("i", at(2), deployment_id="s1")]
    metrics = measure(rows, changes, incidents)
    assert metrics.deployments == 1
    assert metrics.failed_deployments == 0
    assert metrics.change_failure_rate == 0.0
    assert metrics.rework_rate == 0.0
    assert metrics.changes_measured == 0


# --- lead time for changes ---


def test_lead_time_is_hours_from_commit_to_the_shipping_deployment():
    metrics = measure([deploy("d0", at(3))], changes_with_lead_times([2, 5, 30], "d0", at(3)))
    assert metrics.changes_measured == 3
    assert metrics.lead_time_hours_median == 5.0


@pytest.mark.parametrize(
    ("hours", "median"),
    [
        ([1, 2, 3, 10], 2.5),
        ([4, 1], 2.5),
        ([1.5, 1.5, 2.5, 2.5, 100, 100], 2.5),
    ],
)
def test_lead_time_median_of_an_even_count_is_the_mean_of_the_middle_two(hours, median):
    metrics = measure([deploy("d0", at(3))], changes_with_lead_times(hours, "d0", at(3)))
    assert metrics.lead_time_hours_median == median


@pytest.mark.parametrize(
    ("hours", "measured", "median"),
    [
        ([0, -1, 3], 1, 3.0),  # a commit at or after its deployment is a clock or import error
        ([0], 0, None),
        ([-5, -0.5], 0, None),
        ([0.25, 0, 1.75], 2, 1.0),
    ],
)
def test_lead_times_of_zero_or_less_are_left_out(hours, measured, median):
    metrics = measure([deploy("d0", at(3))], changes_with_lead_times(hours, "d0", at(3)))
    assert metrics.changes_measured == measured
    assert metrics.lead_time_hours_median == median


@pytest.mark.parametrize(
    ("deployment", "shipped_by"),
    [
        (deploy("d0", at(0, 23, 59)), "d0"),  # finished the day before the window
        (deploy("d0", at(8, 0, 0)), "d0"),  # finished the day after it
        (deploy("d0", at(3), status="failure"), "d0"),  # a failed deployment ships nothing
        (deploy("d0", at(3), environment="staging"), "d0"),
        (deploy("d0", at(3)), "unknown"),  # names no deployment we know
        (deploy("d0", at(3)), None),  # not shipped yet
    ],
)
def test_only_changes_shipped_by_a_successful_production_deployment_in_the_window_count(
    deployment, shipped_by
):
    changes = changes_with_lead_times([1, 2, 3, 4, 5], shipped_by, deployment.finished_at)
    metrics = measure([deployment], changes)
    assert metrics.changes_measured == 0
    assert metrics.lead_time_hours_median is None
    assert metrics.levels["lead_time"] is None


def test_a_change_committed_before_the_window_counts_when_shipped_in_it():
    metrics = measure([deploy("d0", at(1, 1))], [change("c", at(0, 1), "d0")])
    assert metrics.lead_time_hours_median == 24.0


# --- change failure rate ---


def test_failures_without_incidents_count_by_their_status():
    rows = [
        deploy("d0", at(2), "failure"),
        deploy("d1", at(3)),
        deploy("d2", at(4)),
        deploy("d3", at(5)),
    ]
    metrics = measure(rows)
    assert metrics.failed_deployments == 1
    assert metrics.change_failure_rate == 0.25


@pytest.mark.parametrize(
    ("incidents", "failed"),
    [
        ([incident("i", at(4), at(4, 13), deployment_id="d1")], 2),
        # Whenever the incident opened after it, even after the window, resolved or not.
        ([incident("i", at(20), deployment_id="d1")], 2),
        ([incident("i", at(3, 13), deployment_id="d1")], 2),
        # A deployment is one failure however many incidents name it, and whatever its status.
        (
            [
                incident("i1", at(4), deployment_id="d1"),
                incident("i2", at(5), deployment_id="d1"),
                incident("i3", at(5), deployment_id="d0"),
            ],
            2,
        ),
        ([incident("i", at(4), deployment_id="elsewhere")], 1),
        ([incident("i", at(4), deployment_id=None)], 1),
    ],
)
def test_a_deployment_an_incident_names_as_its_cause_has_failed(incidents, failed):
    rows = [
        deploy("d0", at(2), "failure"),
        deploy("d1", at(3)),
        deploy("d2", at(4)),
        deploy("d3", at(5)),
    ]
    metrics = measure(rows, incidents=incidents)
    assert metrics.failed_deployments == failed
    assert metrics.change_failure_rate == failed / 4


def test_an_incident_caused_by_a_deployment_outside_the_window_fails_nothing_in_it():
    rows = [deploy("before", at(0)), deploy("d1", at(3))]
    metrics = measure(rows, incidents=[incident("i", at(3), at(3, 14), deployment_id="before")])
    assert metrics.failed_deployments == 0
    assert metrics.change_failure_rate == 0.0
    assert metrics.incidents_resolved == 1


def test_change_failure_rate_has_no_value_without_deployments():
    metrics = measure(incidents=[incident("i", at(3), deployment_id="d0")])
    assert metrics.failed_deployments == 0
    assert metrics.change_failure_rate is None


# --- time to restore ---


def test_incidents_without_deployments_still_measure_time_to_restore():
    incidents = [incident("i1", at(2), at(2, 14)), incident("i2", at(3), at(3, 18), "unknown")]
    metrics = measure(incidents=incidents)
    assert metrics.deployments == 0
    assert metrics.failed_deployments == 0
    assert metrics.incidents_resolved == 2
    assert metrics.recovery_time_hours_median == 4.0  # of 2 and 6 hours
    assert metrics.levels["time_to_restore"] == "High"


@pytest.mark.parametrize(
    ("opened_at", "resolved_at", "hours"),
    [
        (at(2, 12), at(2, 13, 30), 1.5),
        (at(-3), at(1, 0), 4 * 24 - 12),  # opened before the window, resolved in it
        (at(7, 23), at(7, 23, 59), 59 / 60),
        (at(7, 23), at(8, 0), None),  # resolved after the window
        (at(2), None, None),  # still open
        (at(-3), at(0, 23, 59), None),  # resolved before the window
        (
            at(7, 20, tz=NEW_YORK_WINTER),
            at(7, 23, 30, tz=NEW_YORK_WINTER),
            None,
        ),  # 04:30 UTC on 8 Jan
    ],
)
def test_time_to_restore_counts_incidents_resolved_in_the_window(opened_at, resolved_at, hours):
    metrics = measure(incidents=[incident("i", opened_at, resolved_at)])
    assert metrics.incidents_resolved == (0 if hours is None else 1)
    assert metrics.recovery_time_hours_median == (None if hours is None else pytest.approx(hours))


def test_time_to_restore_median_of_an_even_count_is_the_mean_of_the_middle_two():
    incidents = [
        incident(f"i{n}", at(3), at(3) + timedelta(hours=hours))
        for n, hours in enumerate([1, 3, 8, 100])
    ]
    assert measure(incidents=incidents).recovery_time_hours_median == 5.5


# --- rework rate ---


@pytest.mark.parametrize(
    ("rework_flags", "rate"),
    [
        ([], None),
        ([False, False], 0.0),
        ([True, False, False, False], 0.25),
        ([True, True, True], 1.0),
    ],
)
def test_rework_rate_is_the_share_of_deployments_that_were_rework(rework_flags, rate):
    rows = [deploy(f"d{n}", at(2), rework=flag) for n, flag in enumerate(rework_flags)]
    assert measure(rows).rework_rate == rate


def test_rework_outside_production_or_the_window_does_not_count():
    rows = [
        deploy("p", at(2)),
        deploy("s", at(2), environment="staging", rework=True),
        deploy("old", at(0), rework=True),
    ]
    assert measure(rows).rework_rate == 0.0


# --- levels, at each bound ---


@pytest.mark.parametrize(
    ("count", "days", "expected"),
    [
        (10, 7, "Elite"),  # exactly 10 a week
        (9, 7, "High"),
        (130, 91, "Elite"),  # 10 a week over a quarter
        (129, 91, "High"),
        (1, 7, "High"),  # exactly once a week
        (12, 91, "Medium"),  # 12 in 13 weeks: just under weekly
        (12, 364, "Medium"),  # exactly 12 in 52 weeks: monthly
        (3, 91, "Medium"),  # 3 in 13 weeks is 12 in 52
        (2, 91, "Low"),
        (11, 364, "Low"),
    ],
)
def test_deployment_frequency_levels(count, days, expected):
    metrics = measure(production_deployments(count), end=START + timedelta(days=days - 1))
    assert metrics.deployments == count
    assert metrics.levels["deployment_frequency"] == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (23.99, "Elite"),
        (24, "High"),  # a full day is not under a day
        (167.99, "High"),
        (168, "Medium"),
        (719.99, "Medium"),
        (720, "Low"),
    ],
)
def test_lead_time_levels(hours, expected):
    finished_at = at(7, 23)
    changes = changes_with_lead_times([hours] * 5, "d0", finished_at)
    metrics = measure([deploy("d0", finished_at)], changes)
    assert metrics.lead_time_hours_median == pytest.approx(hours)
    assert metrics.levels["lead_time"] == expected


@pytest.mark.parametrize(
    ("failed", "total", "expected"),
    [
        (0, 5, "Elite"),
        (1, 20, "Elite"),  # exactly 5%
        (5, 100, "Elite"),
        (15, 100, "High"),
        (30, 100, "Medium"),
        (31, 100, "Low"),
        (2, 21, "High"),
        (3, 20, "High"),  # exactly 15%
        (4, 25, "Medium"),
        (6, 20, "Medium"),  # exactly 30%
        (7, 20, "Low"),
        (5, 5, "Low"),
    ],
)
def test_change_failure_rate_levels(failed, total, expected):
    rows = [
        deploy(f"d{n}", at(1) + timedelta(minutes=n), "failure" if n < failed else "success")
        for n in range(total)
    ]
    metrics = measure(rows)
    assert metrics.change_failure_rate == pytest.approx(failed / total)
    assert metrics.levels["change_failure_rate"] == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "Elite"),
        (59, "Elite"),
        (60, "High"),  # a full hour is not under an hour
        (24 * 60 - 1, "High"),
        (24 * 60, "Medium"),
        (168 * 60 - 1, "Medium"),
        (168 * 60, "Low"),
    ],
)
def test_time_to_restore_levels(minutes, expected):
    resolved_at = at(7, 23)
    metrics = measure(
        incidents=[incident("i", resolved_at - timedelta(minutes=minutes), resolved_at)]
    )
    assert metrics.recovery_time_hours_median == pytest.approx(minutes / 60)
    assert metrics.levels["time_to_restore"] == expected


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("deployment_frequency", 10, "Elite"),
        ("deployment_frequency", 1, "High"),
        ("deployment_frequency", 12 / 52, "Medium"),
        ("lead_time", 24, "High"),
        ("lead_time", 168, "Medium"),
        ("lead_time", 720, "Low"),
        ("change_failure_rate", 0.05, "Elite"),
        ("change_failure_rate", 0.15, "High"),
        ("change_failure_rate", 0.30, "Medium"),
        ("time_to_restore", 1, "High"),
        ("time_to_restore", 24, "Medium"),
        ("time_to_restore", 168, "Low"),
        ("lead_time", None, None),
        ("change_failure_rate", 0.0, "Elite"),
        ("change_failure_rate", 0.3000001, "Low"),
        ("change_failure_rate", 1.0, "Low"),
        ("deployment_frequency", 0.0, "Low"),
        ("deployment_frequency", 1e9, "Elite"),
        ("lead_time", 0.0, "Elite"),
        ("lead_time", 1e9, "Low"),
    ],
)
def test_level_compares_each_bound_exactly(metric, value, expected):
    assert level(metric, value, DORA) == expected


# --- samples too small to rank ---


def test_fewer_than_five_changes_give_a_lead_time_but_no_level():
    changes = changes_with_lead_times([1, 2, 3, 4], "d0", at(3))
    metrics = measure([deploy("d0", at(3))], changes)
    assert metrics.changes_measured == 4
    assert metrics.lead_time_hours_median == 2.5
    assert metrics.levels["lead_time"] is None


def test_five_changes_are_enough_for_a_lead_time_level():
    changes = changes_with_lead_times([1, 2, 3, 4, 5], "d0", at(3))
    assert measure([deploy("d0", at(3))], changes).levels["lead_time"] == "Elite"


def test_fewer_than_five_deployments_give_a_failure_rate_but_no_level():
    rows = [deploy(f"d{n}", at(2), "failure" if n == 0 else "success") for n in range(4)]
    metrics = measure(rows)
    assert metrics.change_failure_rate == 0.25
    assert metrics.levels["change_failure_rate"] is None
    # Deployment frequency needs no minimum sample: few deployments is its measurement.
    assert metrics.levels["deployment_frequency"] == "High"


def test_no_resolved_incident_gives_no_time_to_restore_level():
    metrics = measure(incidents=[incident("open", at(2)), incident("later", at(7), at(9))])
    assert metrics.incidents_resolved == 0
    assert metrics.levels["time_to_restore"] is None


def test_the_shipped_buckets_cover_every_value_from_zero_up_and_give_scores():
    assert set(DORA) == {
        "deployment_frequency",
        "lead_time",
        "change_failure_rate",
        "time_to_restore",
    }
    rows = [deploy(f"d{n}", at(1) + timedelta(minutes=n), "success") for n in range(20)]
    rows[0] = deploy("d0", at(1), "failure")  # 1 of 20: exactly 5%
    metrics = measure(rows)
    assert metrics.levels["change_failure_rate"] == "Elite"
    assert metrics.scores["change_failure_rate"] == 5
    assert metrics.scores["deployment_frequency"] == 5  # 20 a week


def test_without_buckets_nothing_has_a_level():
    metrics = measure(production_deployments(20), buckets={})
    assert metrics.deployments == 20
    assert set(metrics.levels.values()) == {None}
    assert set(metrics.scores.values()) == {None}


# --- each change's stored lead time follows every write, in whatever order rows arrive ---


def store(team, kind, items):
    """Store the items through the one writer, as an arrival of their own; what it wrote."""
    rows = []
    for n, item in enumerate(items):
        row = asdict(item)
        if "deployment_id" in row:
            row["deployment_id"] = row["deployment_id"] or ""
        rows.append((n, row))
    return delivery_store(team, {kind: rows}, channel="upload", sender="test")


def test_a_change_sent_before_its_deployment_counts_once_the_deployment_arrives():
    team = Team.objects.create(name="Order", slug="order")
    store(team, "changes", changes_with_lead_times([2, 4, 6], "d0", at(3)))
    assert measure_team(team, START, END, DORA).changes_measured == 0
    store(team, "deployments", [deploy("d0", at(3))])
    data = measure_team(team, START, END, DORA)
    assert (data.changes_measured, data.lead_time_hours_median) == (3, 4.0)


def test_a_deployment_sent_again_as_failed_or_later_moves_its_changes():
    team = Team.objects.create(name="Again", slug="again")
    store(team, "deployments", [deploy("d0", at(3))])
    store(team, "changes", changes_with_lead_times([2, 4, 6], "d0", at(3)))
    store(team, "deployments", [deploy("d0", at(4))])  # it finished a day later after all
    assert measure_team(team, START, END, DORA).lead_time_hours_median == 28.0
    store(team, "deployments", [deploy("d0", at(4), status="failure")])
    assert measure_team(team, START, END, DORA).changes_measured == 0


def test_a_change_sent_again_is_measured_anew_but_keeps_the_deployment_that_shipped_it():
    team = Team.objects.create(name="Moved", slug="moved")
    store(team, "deployments", [deploy("d0", at(3)), deploy("d1", at(5))])
    store(team, "changes", [change("c", at(3, 10), "d0")])
    assert measure_team(team, START, END, DORA).lead_time_hours_median == 2.0
    store(team, "changes", [change("c", at(3, 11), "d0")])
    assert measure_team(team, START, END, DORA).lead_time_hours_median == 1.0
    # A later report naming another deployment, or none, does not move it.
    for other in ("d1", ""):
        store(team, "changes", [change("c", at(3, 11), other)])
        assert measure_team(team, START, END, DORA).lead_time_hours_median == 1.0
    assert ChangeRow.objects.get(team=team).deployment_id == "d0"


def test_a_change_that_only_a_failed_deployment_named_counts_from_the_next_success():
    team = Team.objects.create(name="Retried", slug="retried")
    store(team, "deployments", [deploy("d0", at(3), "failure"), deploy("d1", at(5))])
    store(team, "changes", [change("c", at(3, 10), "d0")])
    data = measure_team(team, START, END, DORA)
    assert (data.lead_time_hours_median, data.changes_shipped_later) == (50.0, 1)
    # Named again by the deployment that shipped it, it stays as it was.
    store(team, "changes", [change("c", at(3, 10), "d1")])
    assert measure_team(team, START, END, DORA).lead_time_hours_median == 50.0
    assert ChangeRow.objects.get(team=team).deployment_id == "d0"


def test_an_incident_sent_before_a_later_deployment_it_names_fails_nothing():
    team = Team.objects.create(name="Early", slug="early")
    store(team, "incidents", [incident("i", at(2), at(3), deployment_id="d1")])
    store(team, "deployments", [deploy("d1", at(4))])
    assert measure_team(team, START, END, DORA).failed_deployments == 0


@pytest.mark.parametrize(
    ("moments", "days", "per_week"),
    [
        # Eleven every Monday (1 and 8 January 2024 were Mondays, the window's first day
        # and the day after it): one deployment day a week, whatever the burst.
        ([at(1, 9, m) for m in range(11)], 1, 1.0),
        ([at(d) for d in range(1, 8)], 7, 7.0),  # one a day
        # Either side of midnight UTC: two days, over the six since the first.
        ([at(2, 23, 59), at(3, 0, 1)], 2, 14 / 6),
    ],
)
def test_deployment_days_count_utc_days_with_a_successful_deployment(moments, days, per_week):
    rows = [deploy(f"d{n}", moment) for n, moment in enumerate(moments)]
    rows.append(deploy("failed", at(5), "failure"))  # a failed one makes no deployment day
    metrics = measure(rows)
    assert metrics.deployment_days == days
    assert metrics.deployment_days_per_week == pytest.approx(per_week)


def test_resolved_incidents_that_name_no_deployment_are_counted_and_said():
    from delivery.metrics import evidence

    rows = [deploy(f"d{n}", at(n + 1)) for n in range(5)]
    incidents = [
        incident("linked", at(2, 13), at(2, 15), deployment_id="d1"),
        incident("lost", at(3), at(3, 14), deployment_id=None),
        incident("also lost", at(4), at(4, 13), deployment_id=None),
    ]
    metrics = measure(rows, incidents=incidents)
    assert metrics.incidents_resolved == 3 and metrics.incidents_unlinked == 2
    assert metrics.failed_deployments == 1  # only the linked one fails a deployment
    sample = evidence(metrics)["change_failure_rate"]["sample"]
    assert sample == (
        "1 failed of 5 deployments (0 by status, 1 named by an incident); "
        "2 resolved incidents name no deployment"
    )
