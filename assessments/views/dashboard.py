from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from frameworks.params import page_param
from teams.models import member_team_ids, sees_every_team

from ..improvements import my_open_actions
from ..pagination import links
from ..selectors import dashboard_assessments, minutes_left, question_totals

PAGE_SIZE = 20


@require_safe
@login_required
def dashboard(request):
    # A member works on their teams' assessments; someone in no team who reads every team
    # (an organisation viewer, a superuser) gets the same list of every team's, without
    # the Start button, and the overview and admin as the places that fit them.
    member = bool(member_team_ids(request.user))
    has_teams = member or sees_every_team(request.user)
    context = {"has_teams": has_teams, "member": member, "my_actions": [], "nav": "dashboard"}
    if has_teams:
        paginator = Paginator(dashboard_assessments(request.user), PAGE_SIZE)
        page = paginator.get_page(page_param(request.GET.get("page")))
        rows = list(page.object_list)
        context |= {
            "page": page,
            "rows": rows,
            "question_counts": question_totals(rows),
            "minutes_left": minutes_left(rows),
            "drafts": [row for row in rows if row["status"] == "draft"][:3],
            "links": links(page),
            "my_actions": my_open_actions(request.user) if member else [],
        }
    return render(request, "assessments/dashboard.html", context)
