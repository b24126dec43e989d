from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..selectors import dashboard_assessments, question_counts, user_has_teams

PAGE_SIZE = 20


@require_safe
@login_required
def dashboard(request):
    page = Paginator(dashboard_assessments(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    has_teams = bool(page.object_list) or user_has_teams(request.user)
    return render(
        request,
        "assessments/dashboard.html",
        {
            "page": page,
            "question_counts": question_counts({a.framework for a in page.object_list}),
            "has_teams": has_teams,
            "nav": "dashboard",
        },
    )
