"""Reads of a team's delivery data for pages: the measured key metrics of a window, in a
fixed number of queries however many rows there are, and the team's answered levels beside
them. The caller has checked that the user may read the team (the one access rule)."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.core.cache import cache
from django.db.models import Max, Min, Q

from frameworks import key_metrics
from frameworks.models import Framework, ScoreGuidance
from frameworks.tree import framework_tree

from . import metrics
from .models import Change, Deployment, Incident, Receipt


def bounded_framework() -> Framework | None:
    """The latest published framework whose guidance carries measured bounds (one query)."""
    bounded = ScoreGuidance.objects.filter(
        Q(lower_bound__isnull=False) | Q(upper_bound__isnull=False)
    ).values("question__gate__domain__framework")
    return (
        Framework.objects.published().filter(pk__in=bounded).order_by("-created_at", "-pk").first()
    )


def buckets_of(framework: Framework | None) -> metrics.Buckets:
    """The measured buckets of a framework's key metrics ({} without a framework)."""
    return framework_tree(framework).measured_buckets if framework is not None else {}


def bucket_texts(buckets: metrics.Buckets) -> list[dict]:
    """The buckets in words, per key metric, for a page to say how levels are found."""
    return [
        {
            "name": metric.name,
            "unit": metric.unit,
            "buckets": [
                {"label": b.label, "range": key_metrics.range_text(metric.code, b)}
                for b in buckets[metric.code]
            ],
        }
        for metric in key_metrics.KEY_METRICS
        if metric.code in buckets
    ]


def _window_rows(team, low, high) -> tuple[list, list, list]:
    """The rows the metrics of the instants low..high need (three queries): production
    deployments finished then, the changes they shipped, and the incidents resolved then
    or caused by them."""
    in_window = Deployment.objects.filter(
        team=team, environment="production", finished_at__gte=low, finished_at__lt=high
    )
    deployments = [
        metrics.DeploymentRow(*row)
        for row in in_window.values_list(
            "external_id", "environment", "finished_at", "status", "rework"
        )
    ]
    shipped = in_window.values("external_id")
    changes = [
        metrics.ChangeRow(*row)
        for row in Change.objects.filter(team=team, deployment_id__in=shipped).values_list(
            "external_id", "committed_at", "deployment_id"
        )
    ]
    incidents = [
        metrics.IncidentRow(*row)
        for row in Incident.objects.filter(team=team)
        .filter(Q(resolved_at__gte=low, resolved_at__lt=high) | Q(deployment_id__in=shipped))
        .values_list("external_id", "opened_at", "resolved_at", "deployment_id")
    ]
    return deployments, changes, incidents


def measured(team, start: date, end: date, buckets: metrics.Buckets) -> metrics.Metrics:
    """The key metrics of the team's data for whole UTC days start..end (three queries),
    with levels from the buckets given."""
    rows = _window_rows(team, *metrics.window_bounds(start, end))
    return metrics.compute(*rows, start, end, buckets)


def last_receipts(team) -> list[Receipt]:
    """The latest arrival of each kind of the team's data (one query)."""
    latest = Receipt.objects.filter(team=team).values("kind").annotate(last=Max("pk"))
    found = {r.kind: r for r in Receipt.objects.filter(pk__in=latest.values("last"))}
    return [found[kind] for kind in Receipt.Kind.values if kind in found]


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return starts[::-1]


def _kept(name: str, team, framework: Framework | None, today: date, build, receipt=None):
    """What `build()` reads from the team's delivery data, kept in the cache under the
    team's latest receipt (every write of delivery data makes one: services.delivery_store;
    the admin only reads it), the framework's content and the day: never stale, and free to
    show again until new data arrives."""
    if receipt is None:
        receipt = Receipt.objects.filter(team=team).aggregate(last=Max("pk"))["last"]
    if receipt is None:
        return None
    parts = (
        team.pk,
        receipt,
        framework.pk if framework else None,
        framework.content_version if framework else None,
        today.isoformat(),
    )
    key = f"delivery-{name}:" + ":".join(str(part) for part in parts)
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, timeout=24 * 3600)
    return found


def monthly(
    team, framework: Framework | None, today: date, months: int = 12, receipt: int | None = None
) -> list[dict]:
    """The team's measured key metrics per calendar month (UTC), the last `months` months
    up to today, oldest first: each {"month": date, "metrics": Metrics, "evidence": ...};
    [] for a team without data. Four queries on a miss, none on a hit when the caller
    knows the team's latest receipt (its pk), one otherwise."""
    name = f"monthly-{months}"
    build = lambda: _monthly(team, buckets_of(framework), today, months)  # noqa: E731
    return _kept(name, team, framework, today, build, receipt) or []


def kept_window(team, framework: Framework | None, start: date, end: date, today: date):
    """measured() for the framework's buckets, kept in the cache until new data arrives;
    None for a team that has sent no data."""
    build = lambda: measured(team, start, end, buckets_of(framework))  # noqa: E731
    return _kept(f"window-{start}-{end}", team, framework, today, build)


def measured_kept(team, framework: Framework | None, start: date, end: date, today: date):
    """measured() for the framework's buckets, kept in the cache until new data arrives (a
    team that has sent nothing has nothing to measure: its Metrics are computed afresh)."""
    found = kept_window(team, framework, start, end, today)
    return found if found is not None else measured(team, start, end, buckets_of(framework))


def current_evidence(team, framework: Framework, today: date) -> dict | None:
    """What the team's data says of each key metric for the 91 days up to today, in words
    (metrics.evidence), with the window; None for a team without data. The measurement is
    the one the metrics endpoint keeps for the same window."""
    start, end = metrics.default_window(today)
    data = kept_window(team, framework, start, end, today)
    if data is None:
        return None
    return {"start": start, "end": end, "metrics": metrics.evidence(data)}


def _monthly(team, buckets: metrics.Buckets, today: date, months: int) -> list[dict]:
    starts = _month_starts(today, months)
    low, high = metrics.window_bounds(starts[0], today)
    number = {(start.year, start.month): i for i, start in enumerate(starts)}

    def month(moment) -> int:
        moment = moment.astimezone(UTC)
        return number[(moment.year, moment.month)]

    deployments, changes, incidents = ([[] for _ in starts] for _ in range(3))
    all_deployments, all_changes, all_incidents = _window_rows(team, low, high)
    shipped_in = {}
    for row in all_deployments:
        shipped_in[row.id] = month(row.finished_at)
        deployments[shipped_in[row.id]].append(row)
    for row in all_changes:
        changes[shipped_in[row.deployment_id]].append(row)
    for row in all_incidents:
        named = {shipped_in.get(row.deployment_id)}
        if row.resolved_at is not None and low <= row.resolved_at < high:
            named.add(month(row.resolved_at))
        for i in named - {None}:
            incidents[i].append(row)
    # Months before the team's first production deployment were not reported, not empty.
    first = Deployment.objects.filter(team=team, environment="production").aggregate(
        first=Min("finished_at")
    )["first"]
    result = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else today
        if first is None or metrics.window_bounds(start, end)[1] <= first:
            end = start - timedelta(days=1)  # a window of no days: nothing measured
        data = metrics.compute(deployments[i], changes[i], incidents[i], start, end, buckets)
        result.append({"month": start, "metrics": data, "evidence": metrics.evidence(data)})
    return result
