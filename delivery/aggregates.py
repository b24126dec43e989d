"""A team's delivery data counted by the database: the counts and medians that the key
metrics of a window, or of each month, are derived from (metrics.summarise).

Every figure comes from aggregate queries, in a fixed number of queries however many rows
there are, and no row is read into Python but the middle one or two of each median. Changes
carry their lead time (models.Change), and deployments whether they failed and when they
recovered (models.Deployment), each written with the rows, so both are read from an index.
A median is read in one of two ways, by what is fastest on both databases:
- over one window (the metrics endpoint, the delivery page, a result): the count, then the
  rows in value order at the offset of the middle (middle_of);
- per month (the team page): each month's values numbered in order by a window function,
  and only the middle ones read (middles), one query for all the months.
The caller has checked that the user may read the team.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    Min,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from . import metrics
from .models import Change, Deployment, Incident

NO_TIME = timedelta(0)


def middle_of(rows, value, **among: Q) -> tuple[list, int, dict]:
    """The middle value (odd count) or middle two (even count) of `value` over the rows, how
    many rows there are, and how many of them match each condition of `among` (two queries:
    the counts, then the middle in value order)."""
    counts = rows.aggregate(
        n=Count("pk"), **{name: Count("pk", filter=q) for name, q in among.items()}
    )
    count = counts.pop("n")
    return middle_at(rows, value, count), count, counts


def middle_at(rows, value, count: int) -> list:
    """The middle one or two values of `value` over rows known to be `count` (one query)."""
    if not count:
        return []
    ordered = rows.order_by().annotate(measured=value).order_by("measured")
    return list(ordered.values_list("measured", flat=True)[(count - 1) // 2 : count // 2 + 1])


def middles(rows, value, group) -> dict:
    """middle_of per group, in one query: {group: ([middle values], count)}; groups without
    rows are absent. The rows are numbered in value order within their group (a window
    function) and only the middle ones read."""
    numbered = (
        rows.order_by()
        .annotate(
            group_key=group,
            measured=value,
            rank=Window(RowNumber(), partition_by=[group], order_by=value.asc()),
            size=Window(Count("pk"), partition_by=[group]),
        )
        .annotate(twice=F("rank") * 2)
        # The middle: rank = (size + 1) / 2 for an odd size; size / 2 and size / 2 + 1 for
        # an even one. So 2 x rank lies from size to size + 2.
        .filter(twice__gte=F("size"), twice__lte=F("size") + 2)
        .values_list("group_key", "measured", "size")
    )
    found: dict = {}
    for key, middle, size in numbered:
        found.setdefault(key, ([], size))[0].append(middle)
    return found


class HoursBetween(Func):
    """The hours from the second moment to the first, by the database's own arithmetic
    (Django's subtraction of two moments calls back into Python for every row on SQLite)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "((julianday(%(expressions)s)) * 24)"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)::float",
            arg_joiner=" - ",
            **extra_context,
        )


def _hours(middle: list) -> float | None:
    """The median in hours of the middle values read: durations, or hours (HoursBetween,
    rounded to a millionth of an hour, 3.6 ms, as SQLite's day numbers hold them)."""
    return metrics.median(
        [
            value / metrics.HOUR if isinstance(value, timedelta) else round(value, 6)
            for value in middle
        ]
    )


def _production(team):
    return Deployment.objects.filter(team=team, production=True)


class UtcDay(Func):
    """The UTC calendar day of a moment, by the database's own date function (Django's
    TruncDate calls back into Python for every row on SQLite, which a count of days over a
    window of a hundred thousand deployments feels)."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Moments are stored as UTC text, which date() reads.
        return self.as_sql(compiler, connection, template="date(%(expressions)s)", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(%(expressions)s AT TIME ZONE 'UTC')::date",
            **extra_context,
        )


def _deployment_counts() -> dict:
    """The counts of production deployments: all, successful, failed by their status,
    rework, and the UTC days with at least one successful one (deployment days)."""
    return {
        "deployments": Count("pk"),
        "successful": Count("pk", filter=Q(status=metrics.SUCCESS)),
        "failures": Count("pk", filter=Q(status=metrics.FAILURE)),
        "failed": Count("pk", filter=Q(failed=True)),
        "reworked": Count("pk", filter=Q(rework=True)),
        "days": Count(UtcDay("finished_at"), distinct=True, filter=Q(status=metrics.SUCCESS)),
    }


def _restore_time():
    return HoursBetween("resolved_at", "opened_at")


def _first_day(team) -> date | None:
    """The UTC day of the team's first production deployment (an index seek), or None."""
    first = _production(team).aggregate(first=Min("finished_at"))["first"]
    return first.astimezone(UTC).date() if first else None


def _other_environments(team, low, high) -> tuple:
    """The environments outside production that deployments in [low, high) went to, with
    how many each, most first (at most 20)."""
    rows = (
        Deployment.objects.filter(
            team=team, production=False, finished_at__gte=low, finished_at__lt=high
        )
        .order_by()
        .values("environment")
        .annotate(n=Count("pk"))
        .order_by("-n", "environment")
        .values_list("environment", "n")[:20]
    )
    return tuple(rows)


def window_counts(team, start: date, end: date) -> metrics.Counts:
    """What the team's data counts for whole UTC days start..end (eleven queries)."""
    low, high = metrics.window_bounds(start, end)
    totals = (
        _production(team)
        .filter(finished_at__gte=low, finished_at__lt=high)
        .aggregate(**_deployment_counts())
    )
    shipped = Change.objects.filter(team=team, shipped_at__gte=low, shipped_at__lt=high)
    measured = shipped.filter(lead_time__gt=NO_TIME)
    lead, changes_measured, _ = middle_of(measured, F("lead_time"))
    later = measured.filter(shipped_later=True).count()
    left_out = shipped.filter(lead_time__lte=NO_TIME).count()
    incidents = Incident.objects.filter(team=team, resolved_at__gte=low, resolved_at__lt=high)
    restore, incidents_resolved, among = middle_of(
        incidents,
        _restore_time(),
        unlinked=Q(deployment_id=""),
        by_time=Q(link=Incident.Link.TIME),
    )
    # The failures of the window that ended, from their own small index.
    recovered = _production(team).filter(
        finished_at__gte=low, finished_at__lt=high, failed=True, recovered_at__isnull=False
    )
    recovery, recovered_count, _ = middle_of(recovered, HoursBetween("recovered_at", "finished_at"))
    return metrics.Counts(
        start=start,
        end=end,
        measured_from=metrics.measured_from(start, end, _first_day(team)),
        deployments=totals["deployments"],
        successful=totals["successful"],
        deployment_days=totals["days"],
        failed_deployments=totals["failed"],
        reworked=totals["reworked"],
        changes_measured=changes_measured,
        lead_time_hours_median=_hours(lead),
        incidents_resolved=incidents_resolved,
        incidents_unlinked=among["unlinked"],
        recovery_time_hours_median=_hours(restore),
        other_environments=_other_environments(team, low, high),
        changes_left_out=left_out,
        changes_shipped_later=later,
        failed_by_status=totals["failures"],
        incidents_linked_by_time=among["by_time"],
        failures_recovered=recovered_count,
        failed_recovery_hours_median=_hours(recovery),
    )


def _month(field: str, bounds: list) -> Case:
    """The number of the month (of `bounds`, their starts and the end of the last) that the
    moment in `field` falls in: comparisons the database makes on each row."""
    return Case(
        *(When(**{f"{field}__lt": bound, "then": Value(i)}) for i, bound in enumerate(bounds[1:])),
        default=Value(len(bounds) - 1),
    )


def monthly_counts(team, starts: list[date], today: date) -> list[metrics.Counts]:
    """What the team's data counts per month (UTC) for the months beginning on `starts`,
    the last one ending today: one Counts a month, oldest first (four queries). Months
    before the team's first production deployment were not reported, not empty: they are
    windows of no days (nothing measured)."""
    ends = [following - timedelta(days=1) for following in starts[1:]] + [today]
    bounds = [metrics.window_bounds(start, start)[0] for start in starts]
    low, high = bounds[0], metrics.window_bounds(today, today)[1]
    per_month = {
        row["month"]: row
        for row in _production(team)
        .filter(finished_at__gte=low, finished_at__lt=high)
        .values(month=_month("finished_at", bounds))
        .annotate(**_deployment_counts())
        .order_by()
    }
    changes = Change.objects.filter(
        team=team, shipped_at__gte=low, shipped_at__lt=high, lead_time__gt=NO_TIME
    )
    lead = middles(changes, F("lead_time"), _month("shipped_at", bounds))
    incidents = Incident.objects.filter(team=team, resolved_at__gte=low, resolved_at__lt=high)
    restore = middles(incidents, _restore_time(), _month("resolved_at", bounds))
    first = _first_day(team)
    result = []
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        totals = per_month.get(i, {})
        lead_middle, changes_measured = lead.get(i, ([], 0))
        restore_middle, incidents_resolved = restore.get(i, ([], 0))
        counted_from = metrics.measured_from(start, end, first)
        if counted_from is None:
            result.append(metrics.nothing_measured(start, end))
            continue
        result.append(
            metrics.Counts(
                start=start,
                end=end,
                measured_from=counted_from,
                deployments=totals.get("deployments", 0),
                successful=totals.get("successful", 0),
                deployment_days=totals.get("days", 0),
                failed_deployments=totals.get("failed", 0),
                reworked=totals.get("reworked", 0),
                changes_measured=changes_measured,
                lead_time_hours_median=_hours(lead_middle),
                incidents_resolved=incidents_resolved,
                incidents_unlinked=0,  # the months' chart shows levels only
                recovery_time_hours_median=_hours(restore_middle),
            )
        )
    return result
