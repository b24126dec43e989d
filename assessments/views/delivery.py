"""A team's delivery data page: its measured key metrics beside what it answered, the CSV
upload for its members, and the team's API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from delivery import metrics
from delivery.forms import DeliveryUploadForm, MeasuringRulesForm, TokenForm
from delivery.imports import (
    COLUMNS,
    MAX_UPLOAD_ROWS,
    ImportRefused,
    import_delivery,
    production_names_text,
)
from delivery.models import Receipt
from delivery.selectors import bucket_texts, buckets_of, last_receipts, measure
from delivery.services import MODELS, arrival_withdraw, team_rules_apply
from frameworks.params import id_param, page_param
from teams.models import TeamToken
from teams.selectors import get_team_for

from ..evidence import claimed, claims_against_data, measuring_framework
from ..pagination import links

MAX_UPLOAD_BYTES = 5 * 2**20  # MAX_UPLOAD_ROWS rows of the longest ids fit, with room


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


# The stored rows page: each kind's columns, newest first, a page at a time.
ROW_FIELDS = {
    "deployments": ("external_id", "service", "environment", "finished_at", "status", "rework"),
    "changes": ("external_id", "committed_at", "deployment_id", "lead_time"),
    "incidents": ("external_id", "opened_at", "resolved_at", "deployment_id"),
}
ROW_ORDER = {"deployments": "-finished_at", "changes": "-committed_at", "incidents": "-opened_at"}
ROWS_PAGE = 50
ARRIVALS_SHOWN = 20


@require_safe
@login_required
def delivery_rows(request, slug):
    """The team's stored delivery data, one kind a page at a time, and its latest arrivals,
    which members may withdraw; for anyone who may read the team."""
    team = get_team_for(request.user, slug)
    kind = request.GET.get("kind")
    kind = kind if kind in ROW_FIELDS else "deployments"
    rows = (
        MODELS[kind]
        .objects.filter(team=team)
        .order_by(ROW_ORDER[kind], "-pk")
        .values(*ROW_FIELDS[kind])
    )
    page = Paginator(rows, ROWS_PAGE).get_page(page_param(request.GET.get("page")))
    return render(
        request,
        "assessments/delivery_rows.html",
        {
            "team": team,
            "member": team.user_may_change,
            "kind": kind,
            "kinds": list(ROW_FIELDS),
            "page": page,
            "rows": list(page.object_list),
            "links": links(page, f"kind={kind}&"),
            "arrivals": Receipt.objects.filter(team=team).order_by("-received_at", "-pk")[
                :ARRIVALS_SHOWN
            ],
            "nav": "teams",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def arrival_withdraw_view(request, slug, pk):
    """Withdraw one arrival of the team's data (an upload made by mistake): a page that asks
    first, then the rows go. Members only; the arrival must be the team's (else 404)."""
    team = get_team_for(request.user, slug)
    receipt = Receipt.objects.filter(team=team, pk=pk).first()
    if receipt is None:
        raise Http404("No such arrival of this team's data.")
    back = reverse("assessments:delivery_rows", args=[team.slug]) + f"?kind={receipt.kind}"
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can withdraw its delivery data.")
        return redirect(back)
    if receipt.withdrawn_at is not None:
        messages.info(request, "That arrival was withdrawn already.")
        return redirect(back)
    if request.method == "POST":
        count = arrival_withdraw(team=team, receipt=receipt, user=request.user)
        messages.success(
            request,
            f"Withdrew {count} {receipt.kind} that the {receipt.get_channel_display()} of "
            f"{timezone.localtime(receipt.received_at):%d %b %Y %H:%M} wrote.",
        )
        return redirect(back)
    count = MODELS[receipt.kind].objects.filter(team=team, receipt=receipt).count()
    return render(
        request,
        "assessments/delivery_withdraw.html",
        {"team": team, "receipt": receipt, "count": count, "back": back, "nav": "teams"},
    )


# A template per kind of file: its header row and one example row, which imports as it is.
TEMPLATE_ROWS = {
    "deployments": "deploy-2026-11-27-1,web,production,2026-11-27T09:30:00Z,success,false",
    "changes": "3f2a9c1d,2026-11-26T15:04:00Z,deploy-2026-11-27-1",
    "incidents": "INC-42,2026-11-27T11:00:00Z,2026-11-27T13:30:00Z,deploy-2026-11-27-1",
}


@require_safe
@login_required
def delivery_template(request, kind):
    """A CSV file to start from: the kind's columns and an example row."""
    if kind not in TEMPLATE_ROWS:
        raise Http404("No such kind of delivery data.")
    text = ",".join(COLUMNS[kind]) + "\n" + TEMPLATE_ROWS[kind] + "\n"
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


@csrf_exempt  # checked by _upload, once the size is known: the check reads the whole body
@require_http_methods(["GET", "POST"])
@login_required
def team_delivery(request, slug):
    team = get_team_for(request.user, slug)  # 404 for a team the user may not read
    if request.method == "POST" and _content_length(request) > MAX_UPLOAD_BYTES:
        # Refused before the body is read (it changes nothing, so it needs no CSRF check):
        # a member's upload must not tie up a worker.
        form = DeliveryUploadForm()
        form.problems = [
            f"The files are larger than {MAX_UPLOAD_BYTES // 2**20} MB together, the most one "
            f"upload takes (and {MAX_UPLOAD_ROWS:,} rows in all). Import larger files with "
            "manage.py import_delivery_data, or send them through the API in batches."
        ]
        return team_delivery_page(request, team, form=form, status=413)
    return _upload(request, team)


@csrf_protect
def _upload(request, team):
    """The delivery page, and the upload of CSV files by a member."""
    if request.method == "POST" and not team.user_may_change:
        messages.error(request, f"Only members of {team} can send its delivery data.")
        return redirect("assessments:delivery", team.slug)
    form = DeliveryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = {name: f for name, f in form.cleaned_data.items() if f}
        try:
            imported = import_delivery(
                team,
                files,
                channel=Receipt.Channel.UPLOAD,
                sender=request.user.get_username(),
                max_rows=MAX_UPLOAD_ROWS,
            )
        except ImportRefused as refused:
            form.problems = refused.problems
        else:
            messages.success(request, imported.summary())
            for note in imported.notes:
                messages.warning(request, note)
            return redirect("assessments:delivery", team.slug)
    return team_delivery_page(
        request, team, form=form, status=400 if getattr(form, "problems", None) else 200
    )


def rules_form_of(team, data=None) -> MeasuringRulesForm:
    return MeasuringRulesForm(
        data,
        initial={
            "production_environments": team.production_environments,
            "incident_link_hours": team.incident_link_hours,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def team_rules(request, slug):
    """Change how the team's data is measured (members only), applied to every stored row
    at once; then back to the delivery page. A GET leads there."""
    team = get_team_for(request.user, slug)
    back = reverse("assessments:delivery", args=[team.slug]) + "#rules"
    if request.method == "GET":
        return redirect(back)
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can change how its data is measured.")
        return redirect(back)
    form = rules_form_of(team, request.POST)
    if not form.is_valid():
        return team_delivery_page(request, team, rules_form=form, status=400)
    team_rules_apply(team, **form.cleaned_data)
    hours = team.incident_link_hours
    messages.success(
        request,
        f"Saved, and applied to all of {team}'s data: production is "
        f"{production_names_text(team.production_names)} in any case; incidents that name no "
        + (
            f"deployment are linked to one that finished up to {hours} hours before."
            if hours
            else "deployment stay unlinked."
        ),
    )
    return redirect(back)


def _measured_now(team):
    """The team's data over the 91 days up to today, in the buckets of its latest DORA
    result (else the newest with bounds), with that result's claims: what the delivery
    page and its "How was this measured?" page both show."""
    start, end = metrics.default_window(timezone.now().date())
    assessment, claims = claimed(team)
    framework = measuring_framework(assessment)
    buckets = buckets_of(framework)
    return assessment, claims, framework, buckets, measure(team, start, end, buckets)


@require_safe
@login_required
def delivery_measured(request, slug):
    """How the team's measured values were counted: each rule in words with the team's own
    counts for the same window as the delivery page; for anyone who may read the team."""
    team = get_team_for(request.user, slug)
    _, _, framework, buckets, data = _measured_now(team)
    return render(
        request,
        "assessments/delivery_measured.html",
        {
            "team": team,
            "data": data,
            "said": metrics.evidence(data),
            "recovery": metrics.recovery_text(data),
            "production": production_names_text(team.production_names),
            "levels_from": framework,
            "buckets": bucket_texts(buckets),
            "rules_version": metrics.RULES_VERSION,
            "minimums": {
                "changes": metrics.MIN_CHANGES_FOR_LEAD_TIME,
                "deployments": metrics.MIN_DEPLOYMENTS_FOR_FAILURE_RATE,
                "incidents": metrics.MIN_INCIDENTS_FOR_RESTORE,
            },
            "nav": "teams",
        },
    )


def team_delivery_page(request, team, *, form=None, token_form=None, rules_form=None, status=200):
    """The delivery page: measured beside answered, the upload, and the team's tokens."""
    member = team.user_may_change
    new_token = new_token_of(request, team) if member else None
    assessment, claims, framework, buckets, data = _measured_now(team)
    response = render(
        request,
        "assessments/delivery.html",
        {
            "team": team,
            "member": member,
            "form": form or DeliveryUploadForm(),
            "token_form": token_form or TokenForm(),
            "rules_form": rules_form or rules_form_of(team),
            "rules_version": metrics.RULES_VERSION,
            "recovery": metrics.recovery_text(data),
            "production": production_names_text(team.production_names),
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


NEW_TOKEN = "new_token"  # the session key that carries a new key to the next page, once


@require_http_methods(["GET", "POST"])
@login_required
def team_tokens(request, slug):
    """Make a team token or revoke one, then go back to the delivery page (a reload cannot
    post twice). A new key travels in the session to that one page and is dropped there.
    Only the team's members may; anyone else who may read the team is refused, others get
    404 (the one access rule). A GET leads to the tokens on the delivery page."""
    team = get_team_for(request.user, slug)
    back = reverse("assessments:delivery", args=[team.slug]) + "#tokens"
    if request.method == "GET":
        return redirect(back)
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can manage its API tokens.")
        return redirect(back)
    revoke = id_param(request.POST.get("revoke"))
    if "revoke" in request.POST:
        revoked = TeamToken.objects.filter(team=team, pk=revoke, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            messages.success(request, "The token is revoked: requests with it are refused now.")
        else:
            messages.error(request, "No such token of this team, or it was already revoked.")
        return redirect(back)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return team_delivery_page(request, team, token_form=form, status=400)
    token, key = TeamToken.issue(team=team, name=form.cleaned_data["name"], user=request.user)
    request.session[NEW_TOKEN] = {"team": team.pk, "token": token.pk, "key": key}
    return redirect(back)


def new_token_of(request, team):
    """The token made just before this page and its key, taken out of the session so that
    the key is shown on this one page only; None when there is none for this team."""
    made = request.session.get(NEW_TOKEN)
    if not made or made.get("team") != team.pk:
        return None
    del request.session[NEW_TOKEN]
    token = TeamToken.objects.filter(team=team, pk=made["token"]).first()
    return (token, made["key"]) if token else None
