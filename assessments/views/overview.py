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
    overview_page,
    overview_rows,
    overview_summary,
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
    page = Paginator(overview_rows(request.user, **chosen), PAGE_SIZE).get_page(
        page_param(request.GET.get("page"))
    )
    labels = framework_labels()
    page.object_list = overview_page(list(page.object_list), _names(labels), now)
    summary = overview_summary(
        request.user, framework_id=chosen["framework_id"], rows=page.paginator.count, now=now
    )
    framework_id = "" if chosen["framework_id"] is None else str(chosen["framework_id"])
    direction = "desc" if chosen["descending"] else "asc"
    query = f"framework={framework_id}&sort={chosen['sort']}&dir={direction}&"
    return render(
        request,
        "assessments/overview.html",
        {
            "rows": page.object_list,
            "level_counts": summary.level_counts,
            "due_count": summary.due_count,
            "sort": chosen["sort"],
            "sort_columns": [(key, SORT_LABELS[key]) for key in SORTS],
            "direction": direction,
            "framework_id": framework_id,
            "frameworks": [(pk, label) for pk, (label, published) in labels.items() if published],
            "page": page,
            "links": links(page, query),
            "nav": "overview",
        },
    )


def _names(labels: dict) -> dict[int, str]:
    return {pk: label for pk, (label, _) in labels.items()}


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


def _every_row(queryset, now):
    """Every row, read as one query a chunk at a time, and each chunk's drafts."""
    names = _names(framework_labels())
    rows = queryset.iterator(CSV_CHUNK)
    while chunk := list(islice(rows, CSV_CHUNK)):
        yield from overview_page(chunk, names, now)


@require_safe
@login_required
def overview_csv(request):
    """Every row of the overview, streamed: the rows are read a chunk at a time."""
    chosen = _choices(request)
    now = timezone.now()
    rows = _every_row(overview_rows(request.user, **chosen), now)
    response = StreamingHttpResponse(
        overview_csv_lines(rows, metric_names(request.user, chosen["framework_id"])),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="overview.csv"'
    return response
