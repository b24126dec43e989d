"""A team's history with one framework: the trend chart's series and the key metrics over
time. Pure functions over plain rows (dicts with the stored result's parts)."""

from __future__ import annotations


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
