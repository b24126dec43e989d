"""A submitted assessment's result: the page and its JSON and CSV downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from frameworks.tree import framework_tree
from teams.models import may_change

from ..exports import result_csv, result_json_of
from ..improvements import actions_since_last_time
from ..results import result_document, results_page, since_last_time, what_if_answers
from ..selectors import (
    get_assessment_for,
    get_submitted_for,
    notes_and_contributors,
    notes_by_assessment,
    previous_result,
)
from ..services import team_constraint


def _action_url(request, assessment) -> dict | None:
    """Where a member makes an action from one of the result's recommendations, in one click
    (`make`, a POST with the result and the question) or by the form first (`form`, the
    question's id follows); None for anyone who may not."""
    if not may_change(request.user, assessment.team_id):
        return None
    slug = assessment.team.slug
    return {
        "make": reverse("assessments:action_from_recommendation", args=[slug]),
        "form": reverse("assessments:action_new", args=[slug]) + f"?result={assessment.pk}",
        "result": assessment.pk,
        "csrf": csrf_input(request),
    }


@require_safe
@login_required
def results(request, pk):
    assessment = get_assessment_for(request.user, pk)
    if not assessment.is_submitted:
        messages.info(request, "This assessment is still a draft: submit it to see its result.")
        return redirect("assessments:review", assessment.pk)
    tree = framework_tree(assessment.framework)
    notes, contributors = notes_and_contributors(assessment)
    previous = previous_result(assessment)
    return render(
        request,
        "assessments/results.html",
        results_page(assessment.result, tree, notes)
        | {
            "since": since_last_time(assessment.result, previous),
            "actions_since": actions_since_last_time(assessment, previous),
            "action_url": _action_url(request, assessment),
            "contributors": contributors,
            "assessment": assessment,
            "tree": tree,
            "nav": "dashboard",
        },
    )


@require_safe
@login_required
def summary(request, pk):
    """A one-page summary of a result, to print for a slide or a wall: the levels, the key
    metrics (answered, and measured where the team sends data) and the first improvements."""
    assessment = get_assessment_for(request.user, pk)
    if not assessment.is_submitted:
        messages.info(request, "This assessment is still a draft: submit it to see its result.")
        return redirect("assessments:review", assessment.pk)
    tree = framework_tree(assessment.framework)
    page = results_page(assessment.result, tree, {})
    return render(
        request,
        "assessments/summary.html",
        page
        | {
            "assessment": assessment,
            "tree": tree,
            "top_recommendations": page["recommendations"][:3],
            "action_url": _action_url(request, assessment),
            "nav": "dashboard",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def what_if(request, pk):
    """The results as they would be with some answers raised or lowered: scored by the same
    functions as a submit, shown, and never saved. Anyone who may read the results may try
    it. With `X-Requested-With: fetch` (what_if.js) only the results' body is sent back."""
    assessment = get_submitted_for(request.user, pk)
    if request.method == "GET":
        return redirect("assessments:results", assessment.pk)
    tree = framework_tree(assessment.framework)
    stored = {int(qid): score for qid, score in assessment.result["scores"].items()}
    try:
        answers = what_if_answers(tree, stored, request.POST)
    except ValueError as invalid:
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponseBadRequest(str(invalid), content_type="text/plain; charset=utf-8")
        messages.error(request, f"Nothing was changed: {invalid}")
        return redirect("assessments:results", assessment.pk)
    constraint = None if tree.key_metric_domains else team_constraint(assessment.team_id)
    document = result_document(tree, answers, constraint=constraint)
    changed = [q for q in tree.questions if answers.get(q.id) != stored.get(q.id)]
    context = results_page(document, tree, notes_by_assessment([assessment])[assessment.pk]) | {
        "what_if": answers,
        "changed": changed,
        "actions_since": None,  # the actions belong to the stored result, not to a what-if
        "action_url": None,
        "assessment": assessment,
    }
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "assessments/results_body.html", context)
    return render(request, "assessments/results.html", context | {"tree": tree, "nav": "dashboard"})


def _attachment(response, assessment, extension: str):
    name = f"{slugify(assessment.title) or 'assessment'}-{assessment.pk}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
def results_json(request, pk):
    assessment = get_submitted_for(request.user, pk)
    response = JsonResponse(
        result_json_of(assessment), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    return _attachment(response, assessment, "json")


@require_safe
@login_required
def results_csv(request, pk):
    assessment = get_submitted_for(request.user, pk)
    tree = framework_tree(assessment.framework)
    response = HttpResponse(
        result_csv(assessment, tree, notes_by_assessment([assessment])[assessment.pk]),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, assessment, "csv")
