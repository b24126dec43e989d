"""The organisation overview: where every team the user may read stands."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from frameworks.models import Framework

from ..exports import overview_csv_lines
from ..overview import SORT_LABELS, SORTS, Overview

PAGE_SIZE = 50


def _overview(request) -> Overview:
    framework = request.GET.get("framework", "")
    return Overview(
        request.user,
        framework_id=int(framework) if framework.isascii() and framework.isdigit() else None,
        sort=request.GET.get("sort", "team"),
        descending=request.GET.get("dir") == "desc",
        now=timezone.now(),
    )


@require_safe
@login_required
def overview(request):
    rows = _overview(request)
    framework_id = "" if rows.framework_id is None else str(rows.framework_id)
    direction = "desc" if rows.descending else "asc"
    return render(
        request,
        "assessments/overview.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "page_query": f"framework={framework_id}&sort={rows.sort}&dir={direction}&",
            "level_counts": rows.level_counts(),
            "due_count": rows.due_count(),
            "sort": rows.sort,
            "sort_columns": [(key, SORT_LABELS[key]) for key in SORTS],
            "direction": direction,
            "framework_id": framework_id,
            "frameworks": Framework.objects.published(),
            "nav": "overview",
        },
    )


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
