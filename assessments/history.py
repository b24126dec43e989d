"""A team's history with one framework: the trend chart's series and the key metrics over
time. Pure functions over plain rows (dicts with the stored result's parts)."""

from __future__ import annotations

import json

from django.utils import timezone

from .charts import trend_chart


def trend_series(recent: list[dict]) -> list[tuple[str, str, list]]:
    """(name, css class, one value per assessment) for the overall score and each domain
    of the latest assessment, oldest assessment first; None where a domain has no score."""
    series = [("Overall", "series-overall", [row["overall_percent"] for row in recent])]
    names = [d["name"] for d in recent[-1]["domains"]] if recent else []
    for i, name in enumerate(names, start=1):
        values = []
        for row in recent:
            percents = {d["name"]: d["percent"] for d in row["domains"]}
            values.append(percents.get(name))
        series.append((name, f"series-d{i}", values))
    return series


def metric_history(recent: list[dict]) -> list[dict]:
    """One row per key metric, one performance level per assessment (oldest first)."""
    names: list[str] = []
    for row in recent:
        for metric in row["metrics"]:
            if metric["name"] not in names:
                names.append(metric["name"])
    levels = [{m["name"]: m["performance_level"] for m in row["metrics"]} for row in recent]
    return [{"name": name, "levels": [each.get(name, "") for each in levels]} for name in names]


def trend(rows: list[dict]) -> dict:
    """The team page's trend (templates/assessments/team_body.html): the chart of the
    latest results and the key metrics over time, oldest first. `rows` carry the stored
    result's domains and metrics as JSON text (selectors.team_history)."""
    recent = [
        {
            **row,
            "domains": json.loads(row["domains_json"]),
            "metrics": json.loads(row["metrics_json"]),
        }
        for row in rows
    ]
    labels = [timezone.localtime(row["submitted_at"]).strftime("%d %b %Y") for row in recent]
    series = trend_series(recent)
    return {
        "recent": recent,
        "labels": labels,
        "series": series,
        "chart": trend_chart(labels, series),
        "metric_history": metric_history(recent),
        "compare_pair": (recent[-2]["pk"], recent[-1]["pk"]) if len(recent) >= 2 else None,
    }
