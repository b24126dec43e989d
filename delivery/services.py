"""Writes of a team's delivery data, shared by the CSV import and the API."""

import itertools
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from .metrics import PRODUCTION, SUCCESS
from .models import Change, Deployment, Incident, Receipt

BATCH = 1000
MAX_REPEATS = 100  # reported; an arrival with more is refused all the same
MODELS = {"deployments": Deployment, "changes": Change, "incidents": Incident}
# What sending a row again may change: everything but the team and the row's own id.
UPDATABLE = {
    Deployment: ["service", "environment", "finished_at", "status", "rework", "receipt"],
    Change: ["committed_at", "deployment_id", "receipt"],
    Incident: ["opened_at", "resolved_at", "deployment_id", "receipt"],
}


@dataclass
class Stored:
    """What one arrival wrote: rows of each kind, and the receipt of each kind that had any."""

    written: dict[str, int] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)
    # Changes sent again naming another deployment than the successful production one that
    # first shipped them: the first is kept (a rollback or a re-run that lists the same
    # commits does not move them), and counted here.
    kept: int = 0
    # Incidents naming a deployment that finished after they opened (refused, all of it).
    too_early: list = field(default_factory=list)


class Repeated(Exception):
    """One arrival named an id twice: (kind, where the repeat stands, id) for each."""

    def __init__(self, repeats: list[tuple[str, object, str]], more: int = 0):
        self.repeats = repeats
        self.more = more
        super().__init__(f"{len(repeats) + more} ids sent twice")


class CauseAfterIncident(Exception):
    """Incidents that name as their cause a deployment that finished after they opened:
    (where the incident stands, its id, the deployment's id, when that finished) each."""

    def __init__(self, items: list[tuple[object, str, str, object]]):
        self.items = items
        super().__init__(f"{len(items)} incidents opened before the deployment they name")


def _upsert(kind: str, team, rows, receipt: Receipt, repeats: list, stored: Stored) -> int:
    """Insert the team's rows of a kind, or update those it has sent before, in batches;
    how many were written. `rows` is any iterable of (where, row): a stream is never held
    whole. An id this arrival has already written (its row carries the receipt) or that
    stands twice in a batch is a repeat: noted in `repeats` and not written."""
    count, batch = 0, {}
    for where, row in rows:
        if row["external_id"] in batch:
            repeats.append((kind, where, row["external_id"]))
            continue
        batch[row["external_id"]] = (where, row)
        if len(batch) == BATCH:
            count += _write(kind, team, batch, receipt, repeats, stored)
            batch = {}
    return count + (_write(kind, team, batch, receipt, repeats, stored) if batch else 0)


def _write(kind: str, team, batch: dict, receipt: Receipt, repeats: list, stored: Stored) -> int:
    model = MODELS[kind]
    earlier = model.objects.filter(team=team, receipt=receipt, external_id__in=list(batch))
    for external_id in earlier.values_list("external_id", flat=True):
        repeats.append((kind, batch.pop(external_id)[0], external_id))
    if model is Incident:
        named = {row["deployment_id"] for _, row in batch.values() if row["deployment_id"]}
        finished = dict(
            Deployment.objects.filter(team=team, external_id__in=named).values_list(
                "external_id", "finished_at"
            )
        )
        for external_id, (where, row) in batch.items():
            done = finished.get(row["deployment_id"])
            if done is not None and row["opened_at"] < done:
                stored.too_early.append((where, external_id, row["deployment_id"], done))
    if model is Change:
        # A change keeps the first successful production deployment that shipped it.
        shipped = Change.objects.filter(
            team=team, external_id__in=list(batch), shipped_at__isnull=False
        ).values_list("external_id", "deployment_id")
        for external_id, first in shipped:
            where, row = batch[external_id]
            if row["deployment_id"] != first:
                batch[external_id] = (where, {**row, "deployment_id": first})
                stored.kept += 1
    model.objects.bulk_create(
        [model(team=team, receipt=receipt, **row) for _, row in batch.values()],
        update_conflicts=True,
        unique_fields=["team", "external_id"],
        update_fields=UPDATABLE[model],
    )
    if model is Change:
        _ship(team, Change.objects.filter(team=team, external_id__in=list(batch)))
    elif model is Deployment:
        _ship(team, Change.objects.filter(team=team, deployment_id__in=list(batch)))
    return len(batch)


def _ship(team, changes) -> None:
    """Write the changes' derived shipped_at and lead_time (models.Change) from the
    deployments they name: a change just written, or one naming a deployment just written."""
    shipping = Deployment.objects.filter(
        team=team,
        external_id=OuterRef("deployment_id"),
        environment=PRODUCTION,
        status=SUCCESS,
    ).values("finished_at")[:1]
    changes.update(shipped_at=Subquery(shipping))
    changes.update(lead_time=F("shipped_at") - F("committed_at"))


@transaction.atomic
def delivery_store(team, batches: dict, *, channel: str, sender: str) -> Stored:
    """Write the team's rows of each kind ({"deployments": [(where, row), ...], ...}) with a
    receipt for each kind that had rows, all or nothing; how many rows of each kind were
    written, under which receipts. An id sent twice within a kind writes nothing and raises
    Repeated; an incident naming a deployment that finished after it opened writes nothing
    and raises CauseAfterIncident."""
    stored, repeats = Stored(), []
    for kind, rows in batches.items():
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            stored.written[kind] = 0  # nothing arrived: no receipt
            continue
        receipt = Receipt.objects.create(
            team=team, kind=kind, channel=channel, rows=0, sender=sender
        )
        count = _upsert(kind, team, itertools.chain([first], rows), receipt, repeats, stored)
        Receipt.objects.filter(pk=receipt.pk).update(rows=count)
        stored.written[kind], stored.receipts[kind] = count, receipt
    if repeats:
        order = list(batches)
        repeats.sort(key=lambda repeat: (order.index(repeat[0]), repeat[1]))
        raise Repeated(repeats[:MAX_REPEATS], max(0, len(repeats) - MAX_REPEATS))
    if stored.too_early:
        raise CauseAfterIncident(sorted(stored.too_early, key=lambda item: item[0])[:MAX_REPEATS])
    return stored


@transaction.atomic
def arrival_withdraw(*, team, receipt: Receipt, user) -> int:
    """Take out the rows that one arrival wrote, such as an upload made by mistake: the rows
    whose last write it was (those it updated included), all or nothing. Changes that a
    withdrawn deployment had shipped are no longer shipped; the receipt stays, marked
    withdrawn, so the log says what happened. How many rows went."""
    model = MODELS[receipt.kind]
    rows = model.objects.filter(team=team, receipt=receipt)
    count = rows.count()
    rows.delete()
    if model is Deployment:
        shipping = Deployment.objects.filter(
            team=team, environment=PRODUCTION, status=SUCCESS
        ).values("external_id")
        Change.objects.filter(team=team, shipped_at__isnull=False).exclude(
            deployment_id__in=shipping
        ).update(shipped_at=None, lead_time=None)
    Receipt.objects.filter(pk=receipt.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=user.get_username()
    )
    return count
