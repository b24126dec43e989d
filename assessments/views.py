import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Q, Window
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from frameworks.models import Framework
from frameworks.tree import FrameworkTree, GateNode, framework_tree

from .charts import trend_chart
from .comparison import NotComparable, compare
from .exports import overview_csv_text, result_csv, result_json
from .forms import AnswerPageForm, StartForm, answer_choice, answer_state
from .history import metric_history, trend_series
from .models import Answer, Assessment, Team
from .overview import (
    LatestResult,
    TeamRow,
    level_counts,
    metric_names,
    overview_rows,
    sort_rows,
)
from .page_cache import cached_part, page_number
from .question_html import question_formats, render_question
from .results import results_page
from .services import (
    AssessmentNotDraft,
    SubmitIncomplete,
    answers_save,
    assessment_start,
    assessment_submit,
)
from .sql import (
    answers_of,
    assessment_for_user,
    members_of,
    team_for_user,
    visible_fingerprint,
)

PAGE_SIZE = 20


def get_assessment_for_user(user, pk, *, with_result=True) -> Assessment:
    """The assessment if the user may see it (their team's, or any for staff); else 404."""
    try:
        assessment = assessment_for_user(user, int(pk), with_result=with_result)
    except (ValueError, TypeError, OverflowError):
        assessment = None
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def question_counts(frameworks) -> dict[int, int]:
    """Questions per framework (by id), from the cached framework trees."""
    return {f.pk: len(framework_tree(f).questions) for f in frameworks}


@require_safe
@login_required
def dashboard(request):
    visible = Assessment.objects.for_user(request.user)
    count, fingerprint = visible_fingerprint(request.user)
    if not count:
        has_teams = request.user.is_staff or request.user.memberships.exists()
        return render(
            request,
            "assessments/dashboard.html",
            {"list": "", "has_teams": has_teams, "nav": "dashboard"},
        )
    number = page_number(request.GET.get("page"), count, PAGE_SIZE)

    def build():
        rows = list(
            visible.order_by("-updated_at", "-pk").values(
                "pk",
                "title",
                "status",
                "updated_at",
                "answered_count",
                "overall_percent",
                "maturity_level",
                "framework_id",
                "team__name",
                "framework__name",
                "framework__version",
            )[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        )
        totals = question_counts(
            Framework.objects.in_bulk({row["framework_id"] for row in rows}).values()
        )
        paginator = Paginator(range(count), PAGE_SIZE)
        return render_to_string(
            "assessments/dashboard_list.html",
            {"rows": rows, "question_counts": totals, "page": paginator.page(number)},
            request=request,
        )

    return render(
        request,
        "assessments/dashboard.html",
        {
            "list": cached_part(f"dashboard:{fingerprint}:{number}", build),
            "has_teams": True,
            "nav": "dashboard",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def start(request):
    initial = {}
    framework_id = request.GET.get("framework", "")
    if framework_id.isdigit():
        initial["framework"] = int(framework_id)
    form = StartForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        assessment = assessment_start(
            user=request.user,
            team=form.cleaned_data["team"],
            framework=form.cleaned_data["framework"],
            title=form.cleaned_data["title"],
        )
        messages.success(request, f"“{assessment.title}” is started. Answers save as you go.")
        return redirect("assessments:answer", assessment.pk, 1)
    return render(
        request,
        "assessments/start.html",
        {
            "form": form,
            "has_teams": form.fields["team"].queryset.exists(),
            "has_frameworks": Framework.objects.published().exists(),
            "nav": "dashboard",
        },
    )


@require_safe
@login_required
def assessment_detail(request, pk):
    """Where an assessment opens: its results once submitted, else its first open page."""
    assessment = get_assessment_for_user(request.user, pk, with_result=False)
    if assessment.is_submitted:
        return redirect("assessments:results", assessment.pk)
    tree = framework_tree(assessment.framework)
    for step in progress(tree, answers_of(assessment))["steps"]:
        if not step["complete"]:
            return redirect("assessments:answer", assessment.pk, step["number"])
    return redirect("assessments:review", assessment.pk)


def gate_label(tree: FrameworkTree, gate: GateNode) -> str:
    domain = next(d for d in tree.domains if gate in d.gates)
    return domain.name if len(domain.gates) == 1 else f"{domain.name}: {gate.name}"


def progress(tree: FrameworkTree, answers: dict[int, Answer], current_gate=None) -> dict:
    """Answered counts for the step list and the overall progress bar."""
    steps = []
    for number, gate in enumerate(tree.gates, start=1):
        done = sum(1 for q in gate.questions if q.id in answers and answers[q.id].is_answered)
        steps.append(
            {
                "number": number,
                "label": gate_label(tree, gate),
                "answered": done,
                "total": len(gate.questions),
                "complete": done == len(gate.questions),
                "current": gate is current_gate,
            }
        )
    answered = sum(step["answered"] for step in steps)
    total = len(tree.questions)
    left = total - answered
    return {
        "steps": steps,
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
        "minutes_left": math.ceil(tree.estimated_minutes * left / total) if total else 0,
    }


def _question_html(
    tree: FrameworkTree, gate: GateNode, answers: dict, form, read_only: bool
) -> list:
    """Each question's markup: saved values, or what was just posted (with its errors)."""
    formats = question_formats(tree)
    html = []
    for q in gate.questions:
        answer = answers.get(q.id)
        if form is not None:
            values = {
                "choice": form.data.get(f"q{q.id}-choice", ""),
                "reason": form.data.get(f"q{q.id}-reason", ""),
                "notes": form.data.get(f"q{q.id}-notes", ""),
                "state": form.data.get(f"q{q.id}-state", ""),
                "errors": [
                    str(error)
                    for suffix in ("choice", "reason", "notes", "state")
                    for error in form.errors.get(f"q{q.id}-{suffix}", [])
                ],
            }
        else:
            values = {
                "choice": answer_choice(answer),
                "reason": answer.not_applicable_reason if answer else "",
                "notes": answer.notes if answer else "",
                "state": answer_state(answer),
                "errors": [],
            }
        last_changed = ""
        if answer is not None and answer.updated_by_id:
            when = timezone.localtime(answer.updated_at).strftime("%-d %b %Y %H:%M")
            last_changed = f"Last changed by {answer.updated_by.get_username()}, {when}"
        html.append(
            render_question(formats[q.id], last_changed=last_changed, read_only=read_only, **values)
        )
    return html


def _report_save(request, tree: FrameworkTree, outcome) -> None:
    if outcome.saved:
        count = len(outcome.saved)
        messages.success(request, f"Saved {count} answer{'s' if count != 1 else ''}.")
    by_id = {q.id: q for q in tree.questions}
    for conflict in outcome.conflicts:
        question = by_id[conflict.question_id]
        yours = conflict.yours
        if yours.not_applicable:
            value = f"not applicable ({yours.not_applicable_reason})"
        elif yours.score is None:
            value = "no score"
        else:
            value = f"score {yours.score}"
        if yours.notes:
            value += f"; notes: {yours.notes}"
        when = timezone.localtime(conflict.changed_at).strftime("%H:%M on %d %b")
        messages.warning(
            request,
            f"Q{question.number} {question.topic} was changed by {conflict.changed_by} at "
            f"{when}, after you opened this page, so their answer is kept. Yours was: {value}.",
        )


@require_http_methods(["GET", "POST"])
@login_required
def answer(request, pk, step):
    assessment = get_assessment_for_user(request.user, pk, with_result=False)
    tree = framework_tree(assessment.framework)
    if not 1 <= step <= len(tree.gates):
        raise Http404("No such page in this assessment.")
    gate = tree.gates[step - 1]
    form = None
    if request.method == "POST":
        if not assessment.is_draft:
            messages.error(request, str(AssessmentNotDraft(assessment)) + " Nothing was changed.")
            return redirect("assessments:results", assessment.pk)
        form = AnswerPageForm(gate.questions, request.POST)
        if form.is_valid():
            try:
                outcome = answers_save(
                    assessment=assessment, user=request.user, changes=form.changes()
                )
            except AssessmentNotDraft as refused:
                messages.error(request, f"{refused} Nothing was changed.")
                return redirect("assessments:results", assessment.pk)
            _report_save(request, tree, outcome)
            go = request.POST.get("go", "save")
            if go == "next" and step < len(tree.gates):
                return redirect("assessments:answer", assessment.pk, step + 1)
            if go == "prev" and step > 1:
                return redirect("assessments:answer", assessment.pk, step - 1)
            if go in ("next", "review"):
                return redirect("assessments:review", assessment.pk)
            return redirect("assessments:answer", assessment.pk, step)
        messages.error(request, "Nothing was saved: please correct the answers marked below.")
    answers = answers_of(assessment)
    return render(
        request,
        "assessments/answer.html",
        {
            "assessment": assessment,
            "tree": tree,
            "gate": gate,
            "gate_label": gate_label(tree, gate),
            "step": step,
            "step_count": len(tree.gates),
            "questions": _question_html(tree, gate, answers, form, not assessment.is_draft),
            "progress": progress(tree, answers, gate),
            "read_only": not assessment.is_draft,
            "nav": "dashboard",
        },
        status=400 if form is not None else 200,
    )


def review_context(assessment: Assessment, tree: FrameworkTree, answers: dict[int, Answer]):
    domains = []
    for domain in tree.domains:
        unanswered = []
        for gate in domain.gates:
            step = tree.gates.index(gate) + 1
            unanswered.extend(
                (q, step)
                for q in gate.questions
                if q.id not in answers or not answers[q.id].is_answered
            )
        domains.append(
            {
                "domain": domain,
                "total": len(domain.questions),
                "answered": len(domain.questions) - len(unanswered),
                "unanswered": unanswered,
            }
        )
    notes = [
        (q, answers[q.id])
        for q in tree.questions
        if q.id in answers and (answers[q.id].notes or answers[q.id].not_applicable)
    ]
    return {"domains": domains, "notes": notes, "progress": progress(tree, answers)}


@require_safe
@login_required
def review(request, pk):
    assessment = get_assessment_for_user(request.user, pk, with_result=False)
    tree = framework_tree(assessment.framework)
    answers = answers_of(assessment)
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "tree": tree,
            **review_context(assessment, tree, answers),
            "nav": "dashboard",
        },
    )


@require_POST
@login_required
def submit(request, pk):
    assessment = get_assessment_for_user(request.user, pk, with_result=False)
    try:
        assessment_submit(assessment=assessment, user=request.user)
    except AssessmentNotDraft as refused:
        messages.error(request, str(refused))
        return redirect("assessments:results", assessment.pk)
    except SubmitIncomplete as refused:
        listed = "\n".join(f"Q{q.number} {q.topic}" for q in refused.missing[:10])
        more = len(refused.missing) - 10
        if more > 0:
            listed += f"\n… and {more} more"
        messages.error(request, f"Not submitted: {refused}\n{listed}")
        return redirect("assessments:review", assessment.pk)
    messages.success(request, "Submitted. Here is your result.")
    return redirect("assessments:results", assessment.pk)


def get_submitted_for_user(user, pk) -> Assessment:
    """A submitted assessment the user may see; a draft has no result (404)."""
    assessment = get_assessment_for_user(user, pk)
    if not assessment.is_submitted:
        raise Http404("This assessment has no result yet.")
    return assessment


@require_safe
@login_required
def results(request, pk):
    assessment = get_assessment_for_user(request.user, pk, with_result=False)
    if not assessment.is_submitted:
        messages.info(request, "This assessment is still a draft: submit it to see its result.")
        return redirect(reverse("assessments:review", args=[assessment.pk]))
    tree = framework_tree(assessment.framework)
    # The body depends only on the stored result, the frozen answers and the framework's
    # wording, so it is rendered once per change of any of them.
    body = cached_part(
        f"results:{assessment.pk}:{assessment.updated_at.timestamp()}:"
        f"{assessment.framework.content_version}",
        lambda: render_to_string(
            "assessments/results_body.html",
            results_page(assessment.result, tree, answers_of(assessment)),
            request=request,
        ),
    )
    return render(
        request,
        "assessments/results.html",
        {"assessment": assessment, "tree": tree, "body": body, "nav": "dashboard"},
    )


def _download_name(assessment: Assessment, extension: str) -> str:
    return f"{slugify(assessment.title) or 'assessment'}-{assessment.pk}.{extension}"


@require_safe
@login_required
def results_json(request, pk):
    assessment = get_submitted_for_user(request.user, pk)
    tree = framework_tree(assessment.framework)
    data = result_json(assessment, tree, answers_of(assessment))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{_download_name(assessment, "json")}"'
    return response


@require_safe
@login_required
def results_csv(request, pk):
    assessment = get_submitted_for_user(request.user, pk)
    tree = framework_tree(assessment.framework)
    response = HttpResponse(
        result_csv(assessment, tree, answers_of(assessment)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(assessment, "csv")}"'
    return response


# Progress over time: teams, comparisons, the organisation overview ---------------------

HISTORY_CHART_SIZE = 12
OVERVIEW_PAGE_SIZE = 50


def get_team_for_user(user, slug) -> Team:
    """The team if the user is a member (or staff); else 404."""
    team = team_for_user(user, slug)
    if team is None:
        raise Http404("No such team.")
    return team


@require_safe
@login_required
def team_list(request):
    teams = (
        Team.objects.for_user(request.user)
        .annotate(
            member_count=Count("memberships", distinct=True),
            submitted_count=Count(
                "assessments",
                filter=Q(assessments__status=Assessment.Status.SUBMITTED),
                distinct=True,
            ),
            last_submitted=Max(
                "assessments__submitted_at",
                filter=Q(assessments__status=Assessment.Status.SUBMITTED),
            ),
        )
        .order_by("name")
    )
    page = Paginator(teams, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/team_list.html", {"page": page, "nav": "teams"})


def team_history(team: Team, chosen: str, page: str) -> dict:
    """The team page's history part: drafts in progress, and for one framework the trend
    chart, the key metrics over time and the paginated list of submitted assessments."""
    frameworks = list(
        Framework.objects.filter(
            assessments__team=team, assessments__status=Assessment.Status.SUBMITTED
        )
        .annotate(latest=Max("assessments__submitted_at"))
        .order_by("-latest", "name")
    )
    framework = next((f for f in frameworks if str(f.pk) == chosen), None) or (
        frameworks[0] if frameworks else None
    )
    drafts = list(
        team.assessments.drafts()
        .select_related("framework")
        .defer("result")
        .order_by("-updated_at")
    )
    context = {
        "team": team,
        "frameworks": frameworks,
        "framework": framework,
        "drafts": drafts,
        "question_counts": question_counts({draft.framework for draft in drafts}),
    }
    if framework is None:
        return context
    history = (
        team.assessments.submitted().filter(framework=framework).order_by("-submitted_at", "-pk")
    )
    recent = list(
        reversed(
            history.values("pk", "submitted_at", "overall_percent").annotate(
                domains=KeyTransform("domains", "result"),
                metrics=KeyTransform("metrics", "result"),
            )[:HISTORY_CHART_SIZE]
        )
    )
    labels = [timezone.localtime(row["submitted_at"]).strftime("%d %b %Y") for row in recent]
    series = trend_series(recent)
    rows = history.only(
        "pk", "team", "title", "submitted_at", "overall_percent", "maturity_level"
    ).annotate(scored=KT("result__coverage__scored"), total=KT("result__coverage__total"))
    context.update(
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(page),
            "page_query": f"framework={framework.pk}&",
            "recent": recent,
            "chart": trend_chart(labels, series),
            "series": series,
            "labels": labels,
            "metric_history": metric_history(recent),
            "compare_pair": (recent[-2]["pk"], recent[-1]["pk"]) if len(recent) >= 2 else None,
        }
    )
    return context


@require_safe
@login_required
def team_detail(request, slug):
    team = get_team_for_user(request.user, slug)
    chosen = request.GET.get("framework", "")[:12]
    page = request.GET.get("page", "")[:12]
    key = f"team:{team.fingerprint}:{chosen}:{page}"
    history = cached_part(
        key,
        lambda: render_to_string(
            "assessments/team_history.html", team_history(team, chosen, page), request=request
        ),
    )
    return render(
        request,
        "assessments/team_detail.html",
        {
            "team": team,
            "members": members_of(team),
            "history": history,
            "nav": "teams",
        },
    )


class CompareRefused(Exception):
    pass


def _comparison_pair(request) -> tuple[Assessment, Assessment]:
    """The two assessments to compare, older first; 404 for anything the user may not see."""
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if not first and not second:
        latest = (
            Assessment.objects.for_user(request.user)
            .submitted()
            .order_by("-submitted_at", "-pk")
            .first()
        )
        if latest is None:
            raise CompareRefused("There is no submitted assessment to compare yet.")
        previous = (
            Assessment.objects.submitted()
            .filter(team=latest.team_id, framework=latest.framework_id)
            .exclude(pk=latest.pk)
            .order_by("-submitted_at", "-pk")
            .first()
        )
        if previous is None:
            raise CompareRefused(
                "Your team's latest assessment is its first of that framework: choose two "
                "assessments below."
            )
        first, second = previous.pk, latest.pk
    a = get_submitted_for_user(request.user, first)
    b = get_submitted_for_user(request.user, second)
    if a.pk == b.pk:
        raise CompareRefused("Choose two different assessments to compare.")
    return (a, b) if (a.submitted_at, a.pk) <= (b.submitted_at, b.pk) else (b, a)


def _notes_of(assessments) -> dict[int, dict]:
    notes: dict[int, dict] = {a.pk: {} for a in assessments}
    for row in Answer.objects.filter(assessment__in=assessments).values(
        "assessment_id", "question_id", "notes", "not_applicable_reason"
    ):
        notes[row["assessment_id"]][row["question_id"]] = (
            row["notes"],
            row["not_applicable_reason"],
        )
    return notes


def _compare(request):
    older, newer = _comparison_pair(request)
    notes = _notes_of([older, newer])
    comparison = compare(
        older.result,
        newer.result,
        framework_tree(older.framework),
        framework_tree(newer.framework),
        notes[older.pk],
        notes[newer.pk],
    )
    return older, newer, comparison


@require_safe
@login_required
def compare_view(request):
    older = newer = comparison = None
    try:
        older, newer, comparison = _compare(request)
    except (CompareRefused, NotComparable) as refused:
        messages.error(request, str(refused))
    options = list(
        Assessment.objects.for_user(request.user)
        .submitted()
        .select_related("team", "framework")
        .order_by("-submitted_at", "-pk")[:200]
    )
    return render(
        request,
        "assessments/compare.html",
        {
            "older": older,
            "newer": newer,
            "comparison": comparison,
            "options": options,
            "selected": (
                (str(older.pk), str(newer.pk))
                if older
                else (request.GET.get("a", ""), request.GET.get("b", ""))
            ),
            "nav": "teams",
        },
        status=200 if comparison or not request.GET else 400,
    )


def _assessment_summary(assessment: Assessment) -> dict:
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "team": assessment.team.name,
        "framework": {"name": assessment.framework.name, "version": assessment.framework.version},
        "submitted_at": assessment.submitted_at.isoformat(),
        "result": assessment.result,
    }


@require_safe
@login_required
def compare_json(request):
    try:
        older, newer, comparison = _compare(request)
    except (CompareRefused, NotComparable) as refused:
        return JsonResponse({"error": str(refused)}, status=400)
    return JsonResponse(
        {
            "older": _assessment_summary(older),
            "newer": _assessment_summary(newer),
            "overall_change": comparison.overall_change,
            "domains": [
                {"name": d.name, "before": d.before, "after": d.after, "change": d.change}
                for d in comparison.domains
            ],
            "questions": [
                {
                    "number": q.number,
                    "domain": q.domain,
                    "question": q.text,
                    "before": q.before.score if q.before else None,
                    "after": q.after.score if q.after else None,
                    "change": q.change,
                }
                for q in comparison.questions
            ],
        },
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def _overview_rows(request):
    teams = Team.objects.for_user(request.user)
    submitted = Assessment.objects.submitted().filter(team__in=teams)
    framework_id = request.GET.get("framework", "")
    if framework_id.isdigit():
        submitted = submitted.filter(framework_id=int(framework_id))
    # Each team's latest result per framework: first the ids, ranked over narrow columns,
    # then only those rows, with only the part of the stored result the table shows.
    latest_ids = (
        submitted.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("team_id"), F("framework_id")],
                order_by=[F("submitted_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values_list("pk", flat=True)
    )
    latest = (
        Assessment.objects.filter(pk__in=list(latest_ids))
        .values(
            "pk",
            "team_id",
            "title",
            "submitted_at",
            "overall_percent",
            "maturity_level",
            "maturity_level_number",
            "framework__name",
            "framework__version",
        )
        .annotate(metrics=KeyTransform("metrics", "result"))
    )
    drafts = dict(
        Assessment.objects.filter(team__in=teams, status=Assessment.Status.DRAFT)
        .values("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    rows = overview_rows(
        [TeamRow(*row) for row in teams.order_by("name").values_list("pk", "name", "slug")],
        [
            LatestResult(
                team_id=a["team_id"],
                framework=f"{a['framework__name']} {a['framework__version']}",
                assessment_id=a["pk"],
                title=a["title"],
                submitted_at=a["submitted_at"],
                overall_percent=a["overall_percent"],
                maturity_level=a["maturity_level"],
                maturity_level_number=a["maturity_level_number"],
                metrics=tuple((m["name"], m["performance_level"]) for m in a["metrics"]),
            )
            for a in latest
        ],
        drafts,
        timezone.now(),
    )
    sort = request.GET.get("sort", "team")
    return sort_rows(rows, sort, reverse=request.GET.get("dir") == "desc"), sort


@require_safe
@login_required
def overview(request):
    params = ":".join(
        request.GET.get(name, "")[:12] for name in ("framework", "sort", "dir", "page")
    )
    key = ":".join(
        (
            "overview",
            "staff" if request.user.is_staff else "member",
            visible_fingerprint(request.user)[1],
            str(timezone.localdate()),  # teams become due as days pass
            params,
        )
    )

    def build():
        rows, sort = _overview_rows(request)
        framework_id = request.GET.get("framework", "")
        direction = request.GET.get("dir", "asc")
        return render_to_string(
            "assessments/overview_body.html",
            {
                "page": Paginator(rows, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
                "page_query": f"framework={framework_id}&sort={sort}&dir={direction}&",
                "level_counts": level_counts(rows),
                "due_count": sum(1 for row in rows if row.due),
                "sort": sort,
                "sort_columns": [
                    ("team", "Team"),
                    ("framework", "Framework"),
                    ("date", "Submitted"),
                    ("overall", "Overall"),
                    ("level", "Level"),
                ],
                "direction": direction,
                "framework_id": framework_id,
                "frameworks": Framework.objects.published(),
                "metric_names": metric_names(rows),
            },
            request=request,
        )

    return render(
        request,
        "assessments/overview.html",
        {"body": cached_part(key, build), "nav": "overview"},
    )


@require_safe
@login_required
def overview_csv(request):
    rows, _ = _overview_rows(request)
    response = HttpResponse(
        overview_csv_text(rows, metric_names(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="overview.csv"'
    return response
