"""The delivery API: a team's CI reports deployments and incidents. Each request is atomic: a
list with one bad item writes nothing and answers 400 with every item's errors. (The
measured key metrics are read at assessments/api/metrics.py, which chooses their buckets
as the pages do.)"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.api.permissions import team_for, team_token

from ..models import Deployment, Receipt
from ..services import CauseAfterIncident, Repeated, Stored, delivery_store
from .serializers import (
    MAX_CHANGES_PER_REQUEST,
    DeploymentSerializer,
    IncidentSerializer,
    LatestDeploymentSerializer,
)

MAX_ITEMS = 1000


def _sender(request) -> str:
    """Who sent a request: the team token's name, or the signed-in user."""
    if (token := team_token(request)) is not None:
        return f"token {token.name}"[:150]
    return request.user.get_username()


def _items(data) -> list:
    items = data if isinstance(data, list) else [data]
    if not items:
        raise ValidationError({"detail": "Send one object or a list of them."})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"detail": f"At most {MAX_ITEMS} items a request, not {len(items)}."})
    return items


def _checked(serializer_class, items: list) -> list[dict]:
    """The request's items (_items), validated; else a 400 with the errors of every failing
    item by its position, an id that an earlier item already has among them."""
    serializer = serializer_class(data=items, many=True)
    errors = {} if serializer.is_valid() else {i: dict(e) for i, e in serializer.errors.items()}
    first = {}
    for index, item in enumerate(items):
        external_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(external_id, str) or not external_id.strip():
            continue
        external_id = external_id.strip()
        if external_id in first:
            errors.setdefault(index, {}).setdefault("id", []).append(
                f"“{external_id}” is sent twice in this request (item {first[external_id]} "
                "has it too)."
            )
        else:
            first[external_id] = index
    if errors:
        raise ValidationError({"errors": dict(sorted(errors.items()))})
    return serializer.validated_data


def _store(request, team, batches: dict) -> Stored:
    """Write a request's rows, all or nothing; an id sent twice (such as a change that two
    deployments of the request name) is a 400 naming it, beside its item."""
    try:
        return delivery_store(team, batches, channel=Receipt.Channel.API, sender=_sender(request))
    except Repeated as repeated:
        errors = {}
        for kind, item, external_id in repeated.repeats:
            errors.setdefault(item, {}).setdefault(kind, []).append(
                f"“{external_id}” is sent twice in this request."
            )
        raise ValidationError({"errors": dict(sorted(errors.items()))}) from None
    except CauseAfterIncident as refused:
        raise ValidationError(
            {
                "errors": {
                    where: {"deployment_id": [_too_early(deployment, finished)]}
                    for where, _, deployment, finished in refused.items
                }
            }
        ) from None


def _too_early(deployment: str, finished) -> str:
    return (
        f"“{deployment}” finished at {finished.isoformat()}, after this incident opened: "
        "it cannot have caused it."
    )


class DeploymentsView(APIView):
    @extend_schema(request=DeploymentSerializer(many=True), responses={201: None})
    def post(self, request, slug):
        """Report deployments (one object or a list of up to 1,000), each with the changes it
        shipped (up to 1,000 a deployment and 5,000 a request). Sending an id again updates
        it."""
        team = team_for(request, slug, write=True)
        sent_items = _items(request.data)
        sent = sum(
            len(item["changes"])
            for item in sent_items
            if isinstance(item, dict) and isinstance(item.get("changes"), list)
        )
        if sent > MAX_CHANGES_PER_REQUEST:
            raise ValidationError(
                {
                    "detail": f"At most {MAX_CHANGES_PER_REQUEST:,} changes a request, not "
                    f"{sent:,}: send the deployments in smaller lists."
                }
            )
        items = _checked(DeploymentSerializer, sent_items)
        deployments, changes = [], []
        for index, item in enumerate(items):
            deployments.append(
                {
                    "external_id": item["id"],
                    "service": item["service"],
                    "environment": item["environment"],
                    "finished_at": item["finished_at"],
                    "status": item["status"],
                    "rework": item["rework"],
                    "commit": item["commit"],
                }
            )
            changes += [
                (
                    index,
                    {
                        "external_id": change["id"],
                        "committed_at": change["committed_at"],
                        "deployment_id": item["id"],
                    },
                )
                for change in item["changes"]
            ]
        stored = _store(
            request, team, {"deployments": list(enumerate(deployments)), "changes": changes}
        )
        # A change that an earlier successful production deployment shipped stays with it.
        return Response(
            {
                "deployments": len(deployments),
                "changes": len(changes),
                **_tally(stored),
                "changes_kept_with_earlier_deployment": stored.kept,
                "deployments_moved": [
                    {"id": external_id, "moved": what} for external_id, what in stored.moved
                ],
                "not_production": _not_production(team, deployments),
            },
            status=status.HTTP_201_CREATED,
        )


class LatestDeploymentView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("service", str, required=True)],
        responses={200: LatestDeploymentSerializer},
    )
    def get(self, request, slug):
        """The service's latest successful production deployment (404 if none): a CI script
        reads its commit to send every commit deployed since."""
        team = team_for(request, slug, write=False)
        service = request.query_params.get("service", "").strip()
        if not service or len(service) > 200:
            raise ValidationError({"service": "Name the service (at most 200 characters)."})
        latest = (
            Deployment.objects.filter(
                team=team, service=service, production=True, status=Deployment.Status.SUCCESS
            )
            .order_by("-finished_at", "-pk")
            .first()
        )
        if latest is None:
            raise NotFound(f"No successful production deployment of “{service}” yet.")
        return Response(
            {
                "id": latest.external_id,
                "service": latest.service,
                "environment": latest.environment,
                "finished_at": latest.finished_at,
                "commit": latest.commit,
            }
        )


def _tally(stored: Stored) -> dict:
    """Per kind, rows the request created, changed, and sent again as they were."""
    return {
        outcome: {kind: getattr(stored, outcome).get(kind, 0) for kind in stored.written}
        for outcome in ("created", "updated", "unchanged")
    }


def _not_production(team, deployments: list[dict]) -> dict[str, int]:
    """The environments of the request's deployments that are not the team's production
    ones, with how many each: kept, but counted in no metric."""
    names = set(team.production_names)
    found: dict[str, int] = {}
    for row in deployments:
        if row["environment"].lower() not in names:
            found[row["environment"]] = found.get(row["environment"], 0) + 1
    return found


class IncidentsView(APIView):
    @extend_schema(request=IncidentSerializer(many=True), responses={201: None})
    def post(self, request, slug):
        """Report incidents (one object or a list of up to 1,000). Sending an id again
        updates it (such as when it is resolved)."""
        team = team_for(request, slug, write=True)
        items = _checked(IncidentSerializer, _items(request.data))
        rows = [
            {
                "external_id": item["id"],
                "opened_at": item["opened_at"],
                "resolved_at": item["resolved_at"],
                "deployment_id": item["deployment_id"],
                "service": item["service"],
            }
            for item in items
        ]
        stored = _store(request, team, {"incidents": list(enumerate(rows))})
        return Response({"incidents": len(rows), **_tally(stored)}, status=status.HTTP_201_CREATED)
