"""Reads of a team's delivery data for pages: the measured key metrics of a window, in a
fixed number of queries however many rows there are, and the team's answered levels beside
them. The caller has checked that the user may read the team (the one access rule)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from assessments.models import Assessment
from frameworks import key_metrics

from . import metrics
from .models import Change, Deployment, Incident


def measured(team, start: date, end: date) -> metrics.Metrics:
    """The key metrics of the team's data for whole UTC days start..end (three queries)."""
    low, high = metrics.window_bounds(start, end)
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
    return metrics.compute(deployments, changes, incidents, start, end)


def claimed(team) -> tuple[Assessment | None, dict[str, str]]:
    """The team's latest submitted result that answers the key metrics, and its answered
    level per key metric."""
    latest = (
        Assessment.objects.latest()
        .filter(team=team)
        .exclude(result__delivery_performance=None)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if latest is None:
        return None, {}
    levels = {
        m["key_metric"]: m["performance_level"]
        for m in latest.result["metrics"]
        if m.get("key_metric")
    }
    return latest, levels


def claims_against_data(claims: dict[str, str], data: metrics.Metrics) -> list[dict]:
    """Per key metric: the answered level, the measured one, and whether they disagree (by
    one level or more; an unknown side cannot disagree)."""
    rows = []
    for metric in key_metrics.KEY_METRICS:
        answered = claims.get(metric.code)
        found = data.levels.get(metric.code)
        differs = (
            answered in key_metrics.LEVELS and found in key_metrics.LEVELS and answered != found
        )
        rows.append(
            {"name": metric.name, "answered": answered, "measured": found, "differs": differs}
        )
    return rows
