"""A submitted assessment's result: the page and its JSON and CSV downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from frameworks.tree import framework_tree

from ..exports import result_csv, result_json
from ..fragments import cached_part
from ..results import results_page
from ..selectors import get_assessment_for, get_submitted_for, notes_by_assessment


@require_safe
@login_required
def results(request, pk):
    assessment = get_assessment_for(request.user, pk)
    if not assessment.is_submitted:
        messages.info(request, "This assessment is still a draft: submit it to see its result.")
        return redirect("assessments:review", assessment.pk)
    tree = framework_tree(assessment.framework)
    body = cached_part(
        "results",
        viewer=request.user,
        token=("team", assessment.team_id, assessment.team.revision.value),
        params=(assessment.pk,),
        build=lambda: render_to_string(
            "assessments/results_body.html",
            results_page(assessment.result, tree, notes_by_assessment([assessment])[assessment.pk]),
        ),
    )
    return render(
        request,
        "assessments/results.html",
        {"assessment": assessment, "tree": tree, "body": body, "nav": "dashboard"},
    )


def _attachment(response, assessment, extension: str):
    name = f"{slugify(assessment.title) or 'assessment'}-{assessment.pk}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
def results_json(request, pk):
    assessment = get_submitted_for(request.user, pk)
    tree = framework_tree(assessment.framework)
    data = result_json(assessment, tree, notes_by_assessment([assessment])[assessment.pk])
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
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
