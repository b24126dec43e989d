"""A team's delivery data page: its measured key metrics beside what it answered, and the
CSV upload for its members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.models import may_change
from assessments.selectors import get_team_for

from . import metrics
from .forms import DeliveryUploadForm
from .imports import ImportRefused, import_delivery
from .selectors import claimed, claims_against_data, measured


@require_http_methods(["GET", "POST"])
@login_required
def team_delivery(request, slug):
    team = get_team_for(request.user, slug)  # 404 for a team the user may not read
    member = may_change(request.user, team.pk)
    form = DeliveryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not member:
            messages.error(request, f"Only members of {team} can send its delivery data.")
            return redirect("delivery:team", team.slug)
        if form.is_valid():
            files = {name: f for name, f in form.cleaned_data.items() if f}
            try:
                written = import_delivery(team, files)
            except ImportRefused as refused:
                form.problems = refused.problems
            else:
                summary = ", ".join(f"{count} {name}" for name, count in written.items())
                messages.success(request, f"Imported {summary}.")
                return redirect("delivery:team", team.slug)
    start, end = metrics.default_window(timezone.now().date())
    data = measured(team, start, end)
    assessment, claims = claimed(team)
    return render(
        request,
        "delivery/team.html",
        {
            "team": team,
            "member": member,
            "form": form,
            "data": data,
            "assessment": assessment,
            "rows": claims_against_data(claims, data),
            "nav": "teams",
        },
        status=400 if getattr(form, "problems", None) else 200,
    )
