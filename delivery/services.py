"""Writes of a team's delivery data, shared by the CSV import and the API."""

from .models import Change, Deployment, Incident

BATCH = 1000
# What sending a row again may change: everything but the team and the row's own id.
UPDATABLE = {
    Deployment: ["service", "environment", "finished_at", "status", "rework"],
    Change: ["committed_at", "deployment_id"],
    Incident: ["opened_at", "resolved_at", "deployment_id"],
}


def upsert(model, team, rows: list[dict]) -> None:
    """Insert the team's rows, or update those whose id the team has already sent, in
    batches. Run it inside the caller's transaction: a request or an import is all or
    nothing."""
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(
            [model(team=team, **row) for row in rows[start : start + BATCH]],
            update_conflicts=True,
            unique_fields=["team", "external_id"],
            update_fields=UPDATABLE[model],
        )
