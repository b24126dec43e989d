"""The delivery API: a team's CI reports deployments and incidents; anyone who may read the
team reads its measured key metrics. Each request is atomic: a list with one bad item
writes nothing and answers 400 with every item's errors."""

import dataclasses
from datetime import date

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.api.permissions import team_for, team_token

from .. import metrics
from ..models import Receipt
from ..selectors import bounded_framework, buckets_of, measure
from ..services import Repeated, delivery_store
from .serializers import DeploymentSerializer, IncidentSerializer, MetricsSerializer

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


def _checked(serializer_class, data) -> list[dict]:
    serializer = serializer_class(data=_items(data), many=True)
    if not serializer.is_valid():
        raise ValidationError({"errors": serializer.errors})
    ids = [item["id"] for item in serializer.validated_data]
    if len(ids) != len(set(ids)):
        raise ValidationError({"detail": "An id appears twice in the request."})
    return serializer.validated_data


def _store(request, team, batches: dict) -> None:
    """Write a request's rows, all or nothing; an id sent twice is a 400 naming it."""
    try:
        delivery_store(team, batches, channel=Receipt.Channel.API, sender=_sender(request))
    except Repeated as repeated:
        raise ValidationError(
            {
                "errors": [
                    {"kind": kind, "item": item, "id": external_id, "detail": "sent twice"}
                    for kind, item, external_id in repeated.repeats
                ]
            }
        ) from None


class DeploymentsView(APIView):
    @extend_schema(request=DeploymentSerializer(many=True), responses={201: None})
    def post(self, request, slug):
        """Report deployments (one object or a list of up to 1,000), each with the changes it
        shipped. Sending an id again updates it."""
        team = team_for(request, slug, write=True)
        items = _checked(DeploymentSerializer, request.data)
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
        _store(request, team, {"deployments": list(enumerate(deployments)), "changes": changes})
        return Response(
            {"deployments": len(deployments), "changes": len(changes)},
            status=status.HTTP_201_CREATED,
        )


class IncidentsView(APIView):
    @extend_schema(request=IncidentSerializer(many=True), responses={201: None})
    def post(self, request, slug):
        """Report incidents (one object or a list of up to 1,000). Sending an id again
        updates it (such as when it is resolved)."""
        team = team_for(request, slug, write=True)
        items = _checked(IncidentSerializer, request.data)
        rows = [
            {
                "external_id": item["id"],
                "opened_at": item["opened_at"],
                "resolved_at": item["resolved_at"],
                "deployment_id": item["deployment_id"],
            }
            for item in items
        ]
        _store(request, team, {"incidents": list(enumerate(rows))})
        return Response({"incidents": len(rows)}, status=status.HTTP_201_CREATED)


def _day(request, name: str, default: date) -> date:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: "Give a date as YYYY-MM-DD."}) from None


class MetricsView(APIView):
    @extend_schema(responses=MetricsSerializer)
    def get(self, request, slug):
        """The team's measured key metrics for whole UTC days start..end (by default the 91
        days ending today)."""
        team = team_for(request, slug, write=False)
        first, last = metrics.default_window(timezone.now().date())
        start, end = _day(request, "start", first), _day(request, "end", last)
        if end < start:
            raise ValidationError({"end": "Is before start."})
        if (end - start).days > 3660:
            raise ValidationError({"start": "A window of at most ten years, please."})
        framework = bounded_framework()
        data = measure(team, start, end, buckets_of(framework))
        result = dataclasses.asdict(data)
        return Response(
            {"team": team.slug, "levels_from": str(framework) if framework else None, **result}
        )
