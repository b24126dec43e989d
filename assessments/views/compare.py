"""Two submitted assessments side by side, as a page and as JSON."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from frameworks.params import id_param
from frameworks.tree import framework_tree

from ..comparison import NotComparable, compare
from ..selectors import comparison_options, get_submitted_for, latest_pair_for, notes_by_assessment


class CompareRefused(Exception):
    pass


def _pair(request):
    """The two assessments to compare, older first; 404 for anything the user may not read."""
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if not first and not second:
        pair = latest_pair_for(request.user)
        if pair is None:
            raise CompareRefused("There is no submitted assessment to compare yet.")
        first, second = pair
        if first is None:
            raise CompareRefused(
                "Your team's latest assessment is its first of that framework: choose two "
                "assessments below."
            )
    # An id nobody has (0) for anything that is not one: "not found", like any other.
    a = get_submitted_for(request.user, id_param(first) or 0)
    b = get_submitted_for(request.user, id_param(second) or 0)
    if a.pk == b.pk:
        raise CompareRefused("Choose two different assessments to compare.")
    return (a, b) if (a.submitted_at, a.pk) <= (b.submitted_at, b.pk) else (b, a)


def _compare(request):
    older, newer = _pair(request)
    notes = {
        pk: {qid: (n.notes, n.not_applicable_reason) for qid, n in answers.items()}
        for pk, answers in notes_by_assessment([older, newer]).items()
    }
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
    return render(
        request,
        "assessments/compare.html",
        {
            "older": older,
            "newer": newer,
            "comparison": comparison,
            "options": comparison_options(request.user),
            "selected": (
                (str(older.pk), str(newer.pk))
                if older
                else (request.GET.get("a", ""), request.GET.get("b", ""))
            ),
            "nav": "teams",
        },
        status=200 if comparison or not request.GET else 400,
    )


def _summary(assessment) -> dict:
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
            "older": _summary(older),
            "newer": _summary(newer),
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
