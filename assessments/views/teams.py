"""Teams: the list, and a team's page with its history per framework."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..charts import trend_chart
from ..history import metric_history, trend_series
from ..selectors import (
    get_team_for,
    question_counts,
    team_drafts,
    team_frameworks,
    team_history,
    team_list,
    team_members,
    team_recent_results,
)

PAGE_SIZE = 20
TEAMS_PAGE_SIZE = 50


@require_safe
@login_required
def team_list_view(request):
    page = Paginator(team_list(request.user), TEAMS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/team_list.html", {"page": page, "nav": "teams"})


def _history(team, frameworks, chosen: str, page: str) -> dict:
    """For one framework (the chosen one, else the latest used): the trend chart, the key
    metrics over time and the paginated list of submitted assessments."""
    framework = next((f for f in frameworks if str(f.pk) == chosen), None)
    framework = framework or (frameworks[0] if frameworks else None)
    if framework is None:
        return {"framework": None}
    recent = team_recent_results(team, framework)
    labels = [timezone.localtime(row["submitted_at"]).strftime("%d %b %Y") for row in recent]
    series = trend_series(recent)
    return {
        "framework": framework,
        "page": Paginator(team_history(team, framework), PAGE_SIZE).get_page(page),
        "page_query": f"framework={framework.pk}&",
        "recent": recent,
        "chart": trend_chart(labels, series),
        "series": series,
        "labels": labels,
        "metric_history": metric_history(recent),
        "compare_pair": (recent[-2]["pk"], recent[-1]["pk"]) if len(recent) >= 2 else None,
    }


@require_safe
@login_required
def team_detail(request, slug):
    team = get_team_for(request.user, slug)
    frameworks = team_frameworks(team)
    drafts = team_drafts(team)
    return render(
        request,
        "assessments/team_detail.html",
        {
            "team": team,
            "members": team_members(team),
            "frameworks": frameworks,
            "drafts": drafts,
            "question_counts": question_counts({draft.framework for draft in drafts}),
            **_history(team, frameworks, request.GET.get("framework", ""), request.GET.get("page")),
            "nav": "teams",
        },
    )
