"""The organisation overview: where every team the user may read stands."""

from itertools import islice

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from frameworks.params import choice_param, id_param, page_param

from ..exports import overview_csv_lines
from ..overview import (
    SORT_LABELS,
    SORTS,
    framework_labels,
    metric_names,
    overview_ids,
    overview_rows,
    overview_summary,
    teams_without,
)
from ..pagination import links
from ..selectors import team_profiles

PAGE_SIZE = 25
CSV_CHUNK = 500


def _choices(request) -> dict:
    return {
        "framework_id": id_param(request.GET.get("framework")),
        "sort": choice_param(request.GET.get("sort"), SORTS, "team"),
        "descending": request.GET.get("dir") == "desc",
    }


@require_safe
@login_required
def overview(request):
    chosen = _choices(request)
    now = timezone.now()
    page = Paginator(overview_ids(request.user, **chosen), PAGE_SIZE).get_page(
        page_param(request.GET.get("page"))
    )
    frameworks = framework_labels()
    page.object_list = overview_rows(list(page.object_list), _labels(frameworks), now)
    summary = overview_summary(
        request.user, framework_id=chosen["framework_id"], frameworks=frameworks, now=now
    )
    framework_id = "" if chosen["framework_id"] is None else str(chosen["framework_id"])
    direction = "desc" if chosen["descending"] else "asc"
    query = f"framework={framework_id}&sort={chosen['sort']}&dir={direction}&"
    return render(
        request,
        "assessments/overview.html",
        {
            "rows": page.object_list,
            "summary": summary,
            "level_counts": summary.level_counts,
            "due_count": summary.due_count,
            "sort": chosen["sort"],
            "sort_columns": [(key, SORT_LABELS[key]) for key in SORTS],
            "direction": direction,
            "framework_id": framework_id,
            "frameworks": [(pk, f["label"]) for pk, f in frameworks.items() if f["is_published"]],
            "page": page,
            "links": links(page, query),
            "nav": "overview",
        },
    )


def _labels(frameworks: dict) -> dict[int, str]:
    return {pk: framework["label"] for pk, framework in frameworks.items()}


@require_safe
@login_required
def overview_teams(request):
    """The overview with one row per team and a column per framework."""
    page, teams, columns, cells = team_profiles(
        request.user, page_param(request.GET.get("page")), PAGE_SIZE
    )
    context = {
        "teams": teams,
        "columns": columns,
        "cells": cells,
        "page": page,
        "links": links(page),
        "nav": "overview",
    }
    return render(request, "assessments/overview_teams.html", context)


def _every_row(user, chosen: dict, now):
    """Every row: the latest results in the chosen order, read a chunk of ids at a time,
    then the teams without a result."""
    labels = _labels(framework_labels())
    ids = overview_ids(user, **chosen).iterator(CSV_CHUNK)
    while chunk := list(islice(ids, CSV_CHUNK)):
        yield from overview_rows(chunk, labels, now)
    yield from teams_without(user, chosen["framework_id"])


@require_safe
@login_required
def overview_csv(request):
    """Every row of the overview, streamed: the rows are read a chunk at a time."""
    chosen = _choices(request)
    now = timezone.now()
    rows = _every_row(request.user, chosen, now)
    response = StreamingHttpResponse(
        overview_csv_lines(rows, metric_names(request.user, chosen["framework_id"])),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="overview.csv"'
    return response
