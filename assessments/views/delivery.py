"""A team's delivery data page: its measured key metrics beside what it answered, the CSV
upload for its members, and the team's API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from delivery import metrics
from delivery.forms import DeliveryUploadForm, TokenForm
from delivery.imports import ImportRefused, import_delivery
from delivery.models import Receipt
from delivery.selectors import bucket_texts, buckets_of, last_receipts, measure
from frameworks.params import id_param
from teams.models import TeamToken
from teams.selectors import get_team_for

from ..evidence import claimed, claims_against_data, measuring_framework


@require_http_methods(["GET", "POST"])
@login_required
def team_delivery(request, slug):
    team = get_team_for(request.user, slug)  # 404 for a team the user may not read
    form = DeliveryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not team.user_may_change:
            messages.error(request, f"Only members of {team} can send its delivery data.")
            return redirect("assessments:delivery", team.slug)
        if form.is_valid():
            files = {name: f for name, f in form.cleaned_data.items() if f}
            try:
                written = import_delivery(
                    team,
                    files,
                    channel=Receipt.Channel.UPLOAD,
                    sender=request.user.get_username(),
                )
            except ImportRefused as refused:
                form.problems = refused.problems
            else:
                summary = ", ".join(f"{count} {name}" for name, count in written.items())
                messages.success(request, f"Imported {summary}.")
                return redirect("assessments:delivery", team.slug)
    return team_delivery_page(
        request, team, form=form, status=400 if getattr(form, "problems", None) else 200
    )


def team_delivery_page(request, team, *, form=None, token_form=None, new_token=None, status=200):
    """The delivery page: measured beside answered, the upload, and the team's tokens."""
    member = team.user_may_change
    start, end = metrics.default_window(timezone.now().date())
    assessment, claims = claimed(team)
    framework = measuring_framework(assessment)
    buckets = buckets_of(framework)
    data = measure(team, start, end, buckets)
    response = render(
        request,
        "assessments/delivery.html",
        {
            "team": team,
            "member": member,
            "form": form or DeliveryUploadForm(),
            "token_form": token_form or TokenForm(),
            "new_token": new_token,
            "tokens": TeamToken.objects.filter(team=team).select_related("created_by")
            if member
            else (),
            "data": data,
            "levels_from": framework,
            "buckets": bucket_texts(buckets),
            "assessment": assessment,
            "rows": claims_against_data(claims, data),
            "receipts": last_receipts(team),
            "nav": "teams",
        },
        status=status,
    )
    if new_token:
        response["Cache-Control"] = "private, no-store"  # the key must not be kept anywhere
    return response


@require_POST
@login_required
def team_tokens(request, slug):
    """Make a team token (its key shown on this one response, never again) or revoke one.
    Only the team's members may; anyone else who may read the team is refused, others get
    404 (the one access rule)."""
    team = get_team_for(request.user, slug)
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can manage its API tokens.")
        return redirect("assessments:delivery", team.slug)
    revoke = id_param(request.POST.get("revoke"))
    if "revoke" in request.POST:
        revoked = TeamToken.objects.filter(team=team, pk=revoke, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            messages.success(request, "The token is revoked: requests with it are refused now.")
        else:
            messages.error(request, "No such token of this team, or it was already revoked.")
        return redirect(reverse("assessments:delivery", args=[team.slug]) + "#tokens")
    form = TokenForm(request.POST)
    if not form.is_valid():
        return team_delivery_page(request, team, token_form=form, status=400)
    token, key = TeamToken.issue(team=team, name=form.cleaned_data["name"], user=request.user)
    return team_delivery_page(request, team, new_token=(token, key))
