"""Writes of a team's delivery data, shared by the CSV import and the API."""

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .metrics import FAILURE, SUCCESS
from .models import Change, Deployment, Incident, Receipt

BATCH = 1000
MAX_REPEATS = 100  # reported; an arrival with more is refused all the same
MODELS = {"deployments": Deployment, "changes": Change, "incidents": Incident}
# What sending a row again may change: everything but the team and the row's own id.
UPDATABLE = {
    Deployment: [
        "service",
        "environment",
        "finished_at",
        "status",
        "rework",
        "commit",
        "production",
    ],
    Change: ["committed_at", "deployment_id"],
    Incident: ["opened_at", "resolved_at", "deployment_id", "service", "link"],
}
MOVED_SHOWN = 20  # deployments whose service or finish time an arrival changed, listed


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
    # Per kind, rows this arrival created, changed, and sent again as they were.
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    # Deployments sent again with another service or finish time: (id, what changed), the
    # first MOVED_SHOWN, and how many in all (they move the windows and services they count in).
    moved: list = field(default_factory=list)
    moved_count: int = 0


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


# What tells a row sent again from the stored one (created, updated or unchanged).
COMPARED = {
    Deployment: ("service", "environment", "finished_at", "status", "rework", "commit"),
    Change: ("committed_at", "deployment_id"),
    Incident: ("opened_at", "resolved_at", "deployment_id", "service"),
}
# Fields a row may leave out (None), keeping what is stored: the deployment's commit, the
# incident's service.
OPTIONAL = {Deployment: ("commit",), Change: (), Incident: ("service",)}
# What else a row's stored version must say: whether a change was shipped (it keeps its
# deployment), how an incident's link came to be (a link by time is the rule's, not sent).
KEPT = {Deployment: (), Change: ("shipped_by",), Incident: ("link",)}


def _write(kind: str, team, batch: dict, receipt: Receipt, repeats: list, stored: Stored) -> int:
    model = MODELS[kind]
    before = {
        values.pop("external_id"): values
        for values in model.objects.filter(team=team, external_id__in=list(batch)).values(
            "external_id", "receipt_id", *COMPARED[model], *KEPT[model]
        )
    }
    for external_id, values in list(before.items()):
        if values["receipt_id"] == receipt.pk:  # this arrival wrote it already
            repeats.append((kind, batch.pop(external_id)[0], external_id))
            del before[external_id]
    if not batch:
        return 0
    # An optional field left out (None) keeps what is stored.
    for name in OPTIONAL[model]:
        for external_id, (_, row) in batch.items():
            if row.get(name) is None:
                row[name] = before.get(external_id, {}).get(name) or ""
    if model is Deployment:
        names = set(team.production_names)
        for _, row in batch.values():
            row["production"] = row["environment"].lower() in names
    elif model is Incident:
        _too_early(team, batch, stored)
        for _, row in batch.values():
            row["link"] = Incident.Link.REPORTED if row["deployment_id"] else Incident.Link.NONE
    elif model is Change:
        # A change keeps the first successful production deployment that shipped it.
        for external_id, values in before.items():
            where, row = batch[external_id]
            if values["shipped_by"] and row["deployment_id"] != values["deployment_id"]:
                batch[external_id] = (where, {**row, "deployment_id": values["deployment_id"]})
                stored.kept += 1
    _tally(kind, model, batch, before, stored)
    model.objects.bulk_create(
        [model(team=team, receipt=receipt, **row) for _, row in batch.values()],
        update_conflicts=True,
        unique_fields=["team", "external_id"],
        update_fields=[*UPDATABLE[model], "receipt"],
    )
    if model is Change:
        changes_ship(team, Change.objects.filter(team=team, external_id__in=list(batch)))
    elif model is Deployment:
        _deployments_ship(team, batch, before)
    else:
        _incidents_marked(
            team,
            {row["deployment_id"] for _, row in batch.values()}
            | {values["deployment_id"] for values in before.values()},
        )
    return len(batch)


def _too_early(team, batch: dict, stored: Stored) -> None:
    """Note the incidents that name a deployment that finished after they opened."""
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


def _tally(kind: str, model, batch: dict, before: dict, stored: Stored) -> None:
    """Count the batch's rows as created, updated or unchanged, and list the deployments
    whose service or finish time they change."""
    created = updated = 0
    for external_id, (_, row) in batch.items():
        values = before.get(external_id)
        if values is None:
            created += 1
            continue
        sent = {name: row.get(name, "") for name in COMPARED[model]}
        if model is Incident and values["link"] == Incident.Link.TIME and not sent["deployment_id"]:
            sent["deployment_id"] = values["deployment_id"]  # the rule's link, not a change
        if any(sent[name] != values[name] for name in COMPARED[model]):
            updated += 1
        if model is Deployment and (
            sent["service"] != values["service"] or sent["finished_at"] != values["finished_at"]
        ):
            stored.moved_count += 1
            if len(stored.moved) < MOVED_SHOWN:
                stored.moved.append((external_id, _moved(values, sent)))
    stored.created[kind] = stored.created.get(kind, 0) + created
    stored.updated[kind] = stored.updated.get(kind, 0) + updated
    stored.unchanged[kind] = stored.unchanged.get(kind, 0) + len(batch) - created - updated


def _moved(values: dict, sent: dict) -> str:
    parts = []
    if sent["service"] != values["service"]:
        parts.append(f"service “{values['service']}” → “{sent['service']}”")
    if sent["finished_at"] != values["finished_at"]:
        parts.append(
            f"finished {values['finished_at'].isoformat()} → {sent['finished_at'].isoformat()}"
        )
    return ", ".join(parts)


def changes_ship(team, changes) -> None:
    """Write the changes' derived shipped_by, shipped_at and lead_time (models.Change): the
    deployment each names, if it is a successful production one; else the next successful
    production deployment of the same service that finished after it (the named one failed,
    or went to another environment first); else none, for now."""
    shipping = Deployment.objects.filter(team=team, production=True, status=SUCCESS)
    direct = shipping.filter(external_id=OuterRef("deployment_id")).values("external_id")[:1]
    following = (
        shipping.filter(service=OuterRef("service"), finished_at__gt=OuterRef("finished_at"))
        .order_by("finished_at", "pk")
        .values("external_id")[:1]
    )
    later = (
        Deployment.objects.filter(team=team, external_id=OuterRef("deployment_id"))
        .annotate(next_id=Subquery(following))
        .values("next_id")[:1]
    )
    changes.update(shipped_by=Coalesce(Subquery(direct), Subquery(later), Value("")))
    finished = Deployment.objects.filter(team=team, external_id=OuterRef("shipped_by"))
    changes.update(shipped_at=Subquery(finished.values("finished_at")[:1]))
    changes.update(
        lead_time=F("shipped_at") - F("committed_at"),
        shipped_later=Case(
            When(Q(shipped_by="") | Q(shipped_by=F("deployment_id")), then=Value(False)),
            default=Value(True),
        ),
    )


def _deployments_ship(team, batch: dict, before: dict) -> None:
    """After deployments were written: ship again the changes that name them, and those
    waiting on a failed or non-production deployment of the same services that a written
    deployment may now follow (or, moved or failed, no longer follow). Bounded by time: a
    deployment can follow only those that finished before it, and no earlier than the last
    successful production deployment of the service before the earliest time involved."""
    changes_ship(team, Change.objects.filter(team=team, deployment_id__in=list(batch)))
    rows = [row for _, row in batch.values()] + list(before.values())
    services = {row["service"] for row in rows}
    earliest = min(row["finished_at"] for row in rows)
    latest = max(row["finished_at"] for row in rows)
    shipping = Deployment.objects.filter(
        team=team, production=True, status=SUCCESS, service__in=services
    )
    lows = dict(
        shipping.filter(finished_at__lt=earliest)
        .order_by()
        .values("service")
        .annotate(last=Max("finished_at"))
        .values_list("service", "last")
    )
    nearby = Deployment.objects.filter(team=team, service__in=services, finished_at__lt=latest)
    if len(lows) == len(services):
        nearby = nearby.filter(finished_at__gte=min(lows.values()))
    waiting = nearby.exclude(production=True, status=SUCCESS)
    changes_ship(
        team, Change.objects.filter(team=team, deployment_id__in=waiting.values("external_id"))
    )
    # The deployments written, and the earlier failures whose end a written one may be.
    failures_mark(team, Deployment.objects.filter(team=team, external_id__in=list(batch)))
    failures_mark(team, nearby.filter(failed=True))


def failures_mark(team, deployments) -> None:
    """Write the deployments' derived `failed` and `recovered_at` (models.Deployment): a
    failed status, or an incident that opened after it finished naming it; the end of the
    failure: the last resolution of those incidents (None while one is open), else the next
    successful production deployment of its service. Two updates, each row looking up its
    incidents by the (team, deployment) index and its successor by the service's."""
    naming = Incident.objects.filter(
        team=team, deployment_id=OuterRef("external_id"), opened_at__gte=OuterRef("finished_at")
    )
    # As an aggregate, not an ordered subquery, which SQLite without statistics would walk
    # in resolution order through every incident of the team.
    resolved = (
        naming.order_by()
        .values("deployment_id")
        .annotate(named=Count("pk"), done=Count("resolved_at"), last=Max("resolved_at"))
        .annotate(
            end=Case(
                When(named=F("done"), then=F("last")),
                default=Value(None),
                output_field=DateTimeField(),
            )
        )
        .values("end")
    )
    following = (
        Deployment.objects.filter(
            team=team,
            production=True,
            status=SUCCESS,
            service=OuterRef("service"),
            finished_at__gt=OuterRef("finished_at"),
        )
        .order_by("finished_at", "pk")
        .values("finished_at")[:1]
    )
    deployments.update(
        failed=Case(
            When(Q(status=FAILURE) | Q(Exists(naming)), then=Value(True)), default=Value(False)
        )
    )
    deployments.update(
        recovered_at=Case(
            When(failed=False, then=Value(None)),
            When(Exists(naming), then=Subquery(resolved)),
            default=Subquery(following),
            output_field=DateTimeField(),
        )
    )


def _incidents_marked(team, named: set[str]) -> None:
    """After incidents were written or linked: mark again the deployments they name, or
    named before."""
    named.discard("")
    if named:
        failures_mark(team, Deployment.objects.filter(team=team, external_id__in=named))


def incidents_link(team) -> None:
    """Apply the team's linking rule by time (Team.incident_link_hours): first take back
    every link the rule made, then, if the rule is on, link each incident that names no
    deployment to the last successful production deployment that finished within those
    hours before it opened, of its service when it names one."""
    linked = Incident.objects.filter(team=team, link=Incident.Link.TIME)
    named = set(linked.values_list("deployment_id", flat=True))
    linked.update(deployment_id="", link=Incident.Link.NONE)
    hours = team.incident_link_hours
    if not hours:
        _incidents_marked(team, named)
        return
    candidates = Deployment.objects.filter(
        team=team,
        production=True,
        status=SUCCESS,
        finished_at__lte=OuterRef("opened_at"),
        finished_at__gte=OuterRef("opened_at") - timedelta(hours=hours),
    ).order_by("-finished_at", "-pk")
    unlinked = Incident.objects.filter(team=team, deployment_id="")
    unlinked.exclude(service="").update(
        deployment_id=Coalesce(
            Subquery(candidates.filter(service=OuterRef("service")).values("external_id")[:1]),
            Value(""),
        )
    )
    unlinked.filter(service="").update(
        deployment_id=Coalesce(Subquery(candidates.values("external_id")[:1]), Value(""))
    )
    Incident.objects.filter(team=team, link=Incident.Link.NONE).exclude(deployment_id="").update(
        link=Incident.Link.TIME
    )
    named |= set(linked.values_list("deployment_id", flat=True))
    _incidents_marked(team, named)


@transaction.atomic
def team_rules_apply(team, *, production_environments: str, incident_link_hours) -> None:
    """Change how the team's data is measured and apply it to every stored row at once:
    which deployments are production (the environments it names, in any case), so which
    changes they ship, and the incidents' links by time."""
    team.production_environments = production_environments
    team.incident_link_hours = incident_link_hours
    team.save(update_fields=["production_environments", "incident_link_hours", "updated_at"])
    names = set(team.production_names)
    environments = Deployment.objects.filter(team=team).values_list("environment", flat=True)
    production = [e for e in environments.order_by().distinct() if e.lower() in names]
    Deployment.objects.filter(team=team).update(
        production=Case(When(environment__in=production, then=Value(True)), default=Value(False))
    )
    changes_ship(team, Change.objects.filter(team=team).exclude(deployment_id=""))
    incidents_link(team)
    failures_mark(team, Deployment.objects.filter(team=team))


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
    if team.incident_link_hours and (stored.receipts.keys() & {"deployments", "incidents"}):
        incidents_link(team)
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
        # The changes it shipped, and those it or they waited on, find their deployment again.
        changes_ship(team, Change.objects.filter(team=team).exclude(deployment_id=""))
        incidents_link(team)
    if model in (Deployment, Incident):
        failures_mark(team, Deployment.objects.filter(team=team))
    Receipt.objects.filter(pk=receipt.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=user.get_username()
    )
    return count
