"""Reads of a team's delivery data for pages and the API: the measured key metrics of a
window or of each month, in a fixed number of queries however many rows there are
(aggregates.py), the buckets that give them levels, and the team's arrivals of data. The
caller has checked that the user may read the team (the one access rule)."""

from __future__ import annotations

import functools
import operator
from datetime import date, timedelta

from django.db.models import Max, Q

from frameworks import key_metrics
from frameworks.models import Framework, ScoreGuidance
from frameworks.tree import framework_tree

from . import aggregates, metrics
from .models import Receipt


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


def measure(team, start: date, end: date, buckets: metrics.Buckets) -> metrics.Metrics:
    """The key metrics of the team's data for whole UTC days start..end, counted by the
    database (aggregates.window_counts), with levels from the buckets given."""
    return metrics.summarise(aggregates.window_counts(team, start, end), buckets)


def has_data(team) -> bool:
    """Whether the team has ever sent delivery data (a team that has not has nothing to
    measure, and nothing to set beside its answers)."""
    return Receipt.objects.filter(team=team).exists()


def last_receipts(team) -> list[Receipt]:
    """The latest arrival of each kind of the team's data, by when it arrived: when each
    kind last arrived (one query, from the receipts' index), then those arrivals (a second
    query, for a team that has sent any)."""
    last = dict(
        Receipt.objects.filter(team=team)
        .order_by()
        .values("kind")
        .annotate(at=Max("received_at"))
        .values_list("kind", "at")
    )
    if not last:
        return []
    found = {}
    arrivals = Receipt.objects.filter(team=team).filter(
        functools.reduce(operator.or_, (Q(kind=kind, received_at=at) for kind, at in last.items()))
    )
    for receipt in arrivals.order_by("pk"):
        found[receipt.kind] = receipt  # of two at the same instant, the later one
    return [found[kind] for kind in Receipt.Kind.values if kind in found]


def current_evidence(team, framework: Framework, today: date) -> dict | None:
    """What the team's data says of each key metric for the 91 days up to today, in words
    (metrics.evidence), with the window; None for a team without data."""
    if not has_data(team):
        return None
    start, end = metrics.default_window(today)
    data = measure(team, start, end, buckets_of(framework))
    return {"start": start, "end": end, "metrics": metrics.evidence(data)}


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last `months` calendar months up to today's, oldest first."""
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return starts[::-1]


def monthly(team, buckets: metrics.Buckets, today: date, months: int = 12) -> list[dict]:
    """The team's measured key metrics per calendar month (UTC), the last `months` months up
    to today, oldest first: each {"month": date, "metrics": Metrics, "evidence": ...}."""
    counts = aggregates.monthly_counts(team, month_starts(today, months), today)
    result = []
    for month in counts:
        data = metrics.summarise(month, buckets)
        result.append({"month": month.start, "metrics": data, "evidence": metrics.evidence(data)})
    return result
