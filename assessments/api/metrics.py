"""GET /api/v1/teams/<slug>/metrics/: the team's measured key metrics, for anyone who may
read the team (or its token). The levels come from the same buckets as the team's pages
show (evidence.team_measuring_framework: those of the team's latest DORA result, else of the
newest published framework with measured bounds), named in `levels_from`; that choice
needs the team's results, which is why this lives here rather than in delivery."""

import dataclasses
from datetime import date

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from delivery import metrics
from delivery.api.serializers import MetricsSerializer
from delivery.selectors import buckets_of, measure
from teams.api.permissions import team_for

from ..evidence import team_measuring_framework


def _day(request, name: str, default: date, today: date) -> date:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: "Give a date as YYYY-MM-DD."}) from None
    if problem := metrics.out_of_range(day, today):
        raise ValidationError({name: f"{raw} {problem}."})
    return day


class MetricsView(APIView):
    @extend_schema(responses=MetricsSerializer)
    def get(self, request, slug):
        """The team's measured key metrics for whole UTC days start..end (by default the 91
        days ending today)."""
        team = team_for(request, slug, write=False)
        today = timezone.now().date()
        first, last = metrics.default_window(today)
        start, end = _day(request, "start", first, today), _day(request, "end", last, today)
        if end < start:
            raise ValidationError({"end": "Is before start."})
        if (end - start).days > 3660:
            raise ValidationError({"start": "A window of at most ten years, please."})
        framework = team_measuring_framework(team)
        data = measure(team, start, end, buckets_of(framework))
        result = dataclasses.asdict(data)
        return Response(
            {
                "team": team.slug,
                "levels_from": str(framework) if framework else None,
                "rules_version": metrics.RULES_VERSION,
                **result,
            }
        )
