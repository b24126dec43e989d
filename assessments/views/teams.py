"""Teams: the list, and a team's page with its history per framework."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from frameworks.params import id_param, page_param
from teams.selectors import get_team_for, team_members

from ..evidence import team_summary
from ..forms import MinRespondentsForm
from ..history import trend
from ..improvements import team_actions
from ..pagination import links
from ..selectors import (
    HISTORY_CHART_SIZE,
    due_next,
    minutes_left,
    question_totals,
    team_assessments,
    team_history,
    team_list,
)

PAGE_SIZE = 20
TEAMS_PAGE_SIZE = 50


@require_safe
@login_required
def team_list_view(request):
    number = page_param(request.GET.get("page"))
    page = Paginator(team_list(request.user), TEAMS_PAGE_SIZE).get_page(number)
    return render(
        request,
        "assessments/team_list.html",
        {"page": page, "links": links(page), "nav": "teams"},
    )


def _history(team, frameworks: list[dict], chosen: int | None, number: int) -> dict:
    """For one framework (the chosen one, else the one used last): the trend of the latest
    assessments and the paginated list of submitted assessments."""
    framework = next((f for f in frameworks if f["pk"] == chosen), None)
    framework = framework or (frameworks[0] if frameworks else None)
    if framework is None:
        return {"framework": None}
    history = team_history(team, framework["pk"])
    page = Paginator(history, PAGE_SIZE).get_page(number)
    rows = list(page.object_list)
    # The chart shows the latest results: on the first page, the rows read already.
    latest = rows if page.number == 1 else list(history[:HISTORY_CHART_SIZE])
    return {
        "framework": framework,
        "page": page,
        "rows": rows,
        "links": links(page, f"framework={framework['pk']}&"),
        **trend(list(reversed(latest[:HISTORY_CHART_SIZE]))),
    }


@require_safe
@login_required
def team_detail(request, slug):
    team = get_team_for(request.user, slug)
    chosen = id_param(request.GET.get("framework"))
    number = page_param(request.GET.get("page"))
    frameworks, drafts = team_assessments(team)
    return render(
        request,
        "assessments/team_detail.html",
        {
            "team": team,
            "members": team_members(team),
            "frameworks": frameworks,
            "profile": sorted(frameworks, key=lambda f: (f["name"], f["version"])),
            "due_next": due_next(frameworks),
            "member": team.user_may_change,
            "drafts": drafts,
            "question_counts": question_totals(drafts),
            "minutes_left": minutes_left(drafts),
            **_history(team, frameworks, chosen, number),
            "delivery": team_summary(team, timezone.now().date()),
            "actions": team_actions(team),
            "nav": "teams",
        },
    )


def team_number_save(request, slug, form_class, *, attribute, anchor, refused, kept, saved):
    """A member sets one of the team's numbers (one field of `form_class`, into the team's
    `attribute`), then back to its part of the team page: refused with `refused` for anyone
    else who may read the team, each error prefixed with `kept` (nothing changed), and
    `saved(team)` said on success."""
    team = get_team_for(request.user, slug)
    back = reverse("assessments:team_detail", args=[team.slug]) + f"#{anchor}"
    if not team.user_may_change:
        messages.error(request, refused.format(team=team))
        return redirect(back)
    form = form_class(request.POST)
    field = next(iter(form.fields))
    if not form.is_valid():
        for error in form.errors.get(field, []):
            messages.error(request, f"{kept} {error}")
        return redirect(back)
    setattr(team, attribute, form.cleaned_data[field])
    team.save(update_fields=[attribute, "updated_at"])
    messages.success(request, saved(team))
    return redirect(back)


@require_POST
@login_required
def min_respondents(request, slug):
    """A member sets how many must have answered on their own before a reveal."""
    return team_number_save(
        request,
        slug,
        MinRespondentsForm,
        attribute="min_respondents",
        anchor="answering",
        refused="Only members of {team} can change how it answers.",
        kept="Nothing was changed:",
        saved=lambda team: f"{team.min_respondents} respondents must finish before a reveal now.",
    )
