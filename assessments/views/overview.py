"""The organisation overview: where every team the user may read stands."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from frameworks.models import Framework
from frameworks.params import choice_param, id_param, page_param

from ..exports import overview_csv_lines
from ..overview import SORTS, Overview
from ..overview import body as overview_body
from ..pagination import links
from ..selectors import team_profiles

PAGE_SIZE = 25


def _overview(request) -> Overview:
    return Overview(
        request.user,
        framework_id=id_param(request.GET.get("framework")),
        sort=choice_param(request.GET.get("sort"), SORTS, "team"),
        descending=request.GET.get("dir") == "desc",
        now=timezone.now(),
        page_number=page_param(request.GET.get("page")),
    )


@require_safe
@login_required
def overview(request):
    rows = _overview(request)
    framework_id = "" if rows.framework_id is None else str(rows.framework_id)
    direction = "desc" if rows.descending else "asc"
    page = Paginator(rows, PAGE_SIZE).get_page(rows.page_number)
    summary = rows.summary()
    frameworks = [(f.pk, str(f)) for f in Framework.objects.published().only("name", "version")]
    query = f"framework={framework_id}&sort={rows.sort}&dir={direction}&"
    context = overview_body(
        list(page.object_list),
        summary.level_counts,
        summary.due_count,
        rows.sort,
        direction,
        framework_id,
        frameworks,
        links(page, query),
    )
    return render(
        request,
        "assessments/overview.html",
        context | {"page": page, "body": "assessments/overview_body.html", "nav": "overview"},
    )


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
        "body": "assessments/overview_teams_body.html",
        "nav": "overview",
    }
    return render(request, "assessments/overview.html", context)


@require_safe
@login_required
def overview_csv(request):
    rows = _overview(request)
    response = StreamingHttpResponse(
        overview_csv_lines(rows.rows(), rows.metric_names()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="overview.csv"'
    return response
