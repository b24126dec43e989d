from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from frameworks.params import page_param

from ..fragments import cached_part
from ..models import access_token
from ..pagination import links, page_of
from ..selectors import dashboard_assessments, minutes_left, question_totals

PAGE_SIZE = 20


def _assessment_list(user, number) -> str:
    page = page_of(dashboard_assessments(user), number, PAGE_SIZE)
    rows = list(page.object_list)
    return render_to_string(
        "assessments/dashboard_list.html",
        {
            "page": page,
            "rows": rows,
            "question_counts": question_totals(rows),
            "minutes_left": minutes_left(rows),
            "drafts": [row for row in rows if row["status"] == "draft"][:3],
            "links": links(page),
        },
    )


@require_safe
@login_required
def dashboard(request):
    number = page_param(request.GET.get("page"))
    token = access_token(request.user)  # first: the list can only be newer than it
    body = ""
    if token is not None:
        body = cached_part(
            "dashboard",
            viewer=request.user,
            token=token,
            params=(number,),
            build=lambda: _assessment_list(request.user, number),
        )
    return render(
        request,
        "assessments/dashboard.html",
        {"list": body, "has_teams": token is not None, "nav": "dashboard"},
    )
