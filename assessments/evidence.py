"""What a team's own delivery data says beside what it answered: the levels it claimed in its
latest result, the measured key metrics set beside them, the block a result freezes at
submission, and the team page's months of measured levels. The caller has checked that the
user may read the team (the one access rule)."""

from __future__ import annotations

import dataclasses

from delivery import metrics
from delivery.selectors import (
    bounded_framework,
    buckets_of,
    has_data,
    last_receipts,
    measure,
    monthly,
)
from frameworks import key_metrics
from frameworks.models import Framework
from frameworks.tree import framework_tree

from .charts import trend_chart
from .models import Assessment


def measuring_framework(claim: Assessment | None = None) -> Framework | None:
    """The framework whose headline guidance buckets measured values: that of the team's
    claim (its latest result answering the key metrics: claimed()), so that data and answers
    share their buckets; without one, the latest published framework whose guidance carries
    measured bounds (one query)."""
    if claim is not None:
        return claim.framework
    return bounded_framework()


def _claims(team):
    """The team's latest submitted results that answer the key metrics, newest first."""
    return (
        Assessment.objects.latest()
        .filter(team=team)
        .exclude(result__delivery_performance=None)
        .select_related("framework")
        .order_by("-submitted_at", "-pk")
    )


def team_measuring_framework(team) -> Framework | None:
    """measuring_framework() for the team's claim, without reading the claim's stored
    result (one query, two without a claim)."""
    return measuring_framework(_claims(team).defer("result").first())


def claimed(team) -> tuple[Assessment | None, dict[str, str]]:
    """The team's latest submitted result that answers the key metrics, and its answered
    level per key metric."""
    latest = _claims(team).first()
    if latest is None:
        return None, {}
    levels = {
        m["key_metric"]: m["performance_level"]
        for m in latest.result["metrics"]
        if m.get("key_metric")
    }
    return latest, levels


def claims_against_data(claims: dict[str, str], data: metrics.Metrics) -> list[dict]:
    """Per key metric: the answered level, the measured one with its value in words, and
    whether they disagree (by one level or more; an unknown side cannot disagree)."""
    said = metrics.evidence(data)
    rows = []
    for metric in key_metrics.KEY_METRICS:
        answered = claims.get(metric.code)
        found = data.levels.get(metric.code)
        differs = (
            answered in key_metrics.LEVELS and found in key_metrics.LEVELS and answered != found
        )
        rows.append(
            {
                "key_metric": metric.code,
                "name": metric.name,
                "answered": answered,
                "measured": found,
                "value": said[metric.code]["value"],
                "sample": said[metric.code]["sample"],
                "differs": differs,
            }
        )
    return rows


def measured_block(team, framework: Framework, metric_levels: dict[str, str], when) -> dict | None:
    """What a result stores at submission beside the answers: the team's measured key
    metrics for the 91 days up to `when`, each set beside its answered level. None for a
    framework that asks about no key metric or gives no measured bounds, and for a team that
    has sent no delivery data: there is nothing to set beside its answers. Counted from the
    committed data in the submitting transaction, as the answer page counts it."""
    tree = framework_tree(framework)
    if not tree.key_metric_domains or not tree.measured_buckets or not has_data(team):
        return None
    start, end = metrics.default_window(when.date())
    data = measure(team, start, end, tree.measured_buckets)
    rows = claims_against_data(metric_levels, data)
    values = dataclasses.asdict(data)
    for name in ("start", "end", "levels", "scores"):
        del values[name]  # dates as text below; levels are in the rows
    values["measured_from"] = data.measured_from.isoformat() if data.measured_from else None
    values["rules_version"] = metrics.RULES_VERSION
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        **values,
        "metrics": rows,
        "disagreements": sum(1 for row in rows if row["differs"]),
    }


LEVEL_HEIGHT = {"Low": 25, "Medium": 50, "High": 75, "Elite": 100}
LEVEL_NAME = {height: name for name, height in LEVEL_HEIGHT.items()}


def team_summary(team, today) -> dict:
    """What the team page shows of the team's delivery data: the level each key metric's
    data reached month by month (a chart, and the numbers as a table), and the last arrival
    of each kind of data. The caller has checked the user may read the team."""
    receipts = last_receipts(team)
    if not receipts:
        return {"receipts": ()}  # nothing more to read
    assessment, _ = claimed(team)
    framework = measuring_framework(assessment)
    months = monthly(team, buckets_of(framework), today)
    labels = [row["month"].strftime("%b %Y") for row in months]
    chart = trend_chart(
        labels,
        [
            (
                metric.name,
                f"series-d{n}",
                [LEVEL_HEIGHT.get(row["metrics"].levels[metric.code]) for row in months],
            )
            for n, metric in enumerate(key_metrics.KEY_METRICS, start=1)
        ],
        ticks=LEVEL_NAME,
        text=lambda value: LEVEL_NAME.get(value, "none"),
        spread=True,  # four metrics on four levels: equal ones must not hide each other
    )
    return {
        "months": months,
        "labels": labels,
        "chart": chart if months else None,
        "metrics": key_metrics.KEY_METRICS,
        "receipts": receipts,
        "levels_from": framework,
    }
