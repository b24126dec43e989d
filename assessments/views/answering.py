"""Starting an assessment, answering it step by step, reviewing and submitting it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from delivery import metrics
from delivery.selectors import current_evidence
from frameworks.models import Framework
from frameworks.params import id_param
from frameworks.tree import FrameworkTree, framework_tree

from .. import progress
from ..forms import (
    NOT_APPLICABLE,
    AnswerPageForm,
    StartForm,
    answer_choice,
    answer_state,
    question_limits,
)
from ..improvements import open_actions_of_teams
from ..models import Assessment
from ..respondents import (
    RevealRefused,
    assessment_reveal,
    required_for,
    respondent_finish,
    shown_spreads,
    standing,
)
from ..selectors import (
    answer_contributors,
    answers_by_question,
    get_assessment_for,
    previous_answers,
)
from ..services import (
    AnswerElsewhere,
    AssessmentNotDraft,
    SubmitIncomplete,
    answers_save,
    assessment_start,
    assessment_submit,
)


@require_http_methods(["GET", "POST"])
@login_required
def start(request):
    initial = {}
    framework_id = id_param(request.GET.get("framework"))
    if framework_id is not None:
        initial["framework"] = framework_id
    form = StartForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        assessment = assessment_start(
            user=request.user,
            team=form.cleaned_data["team"],
            framework=form.cleaned_data["framework"],
            title=form.cleaned_data["title"],
            mode=form.cleaned_data["mode"],
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
            "open_actions": open_actions_of_teams(request.user),
            "estimates": [
                progress.estimate(framework_tree(f)) for f in form.fields["framework"].queryset
            ],
            "nav": "dashboard",
        },
    )


@require_safe
@login_required
def assessment_detail(request, pk):
    """Where an assessment opens: its results once submitted, else its first open step."""
    assessment = get_assessment_for(request.user, pk)
    if assessment.is_submitted:
        return redirect("assessments:results", assessment.pk)
    tree = framework_tree(assessment.framework)
    step = progress.first_open_step(tree, answers_by_question(assessment))
    if step is None:
        return redirect("assessments:review", assessment.pk)
    return redirect("assessments:answer", assessment.pk, step)


def _answers_own(assessment) -> bool:
    """Whether the page takes the user's own answers: an assessment answered each on one's
    own, before the reveal."""
    return assessment.mode == Assessment.Mode.EACH and assessment.revealed_at is None


def together_context(assessment, user, gate) -> dict:
    """After the reveal, what a step shows beside each question: the spread of the
    respondents' answers (counts only, and none for a question fewer than the minimum
    answered) and the user's own answer."""
    if assessment.mode != Assessment.Mode.EACH or assessment.revealed_at is None:
        return {}
    ids = [q.id for q in gate.questions]
    found = shown_spreads(assessment, required_for(assessment), ids)
    own = answers_by_question(assessment, ids, with_users=False, respondent=user)
    return {"spreads": found, "own": own, "revealed": True}


def question_fields(
    gate,
    answers: dict,
    form,
    previous: dict | None = None,
    evidence: dict | None = None,
    mine: dict | None = None,
    spreads: dict | None = None,
    own: dict | None = None,
) -> list[dict]:
    """What each question of the page shows: the saved answer, or what was just posted
    (with its errors), who changed it last, the team's answer last time, for a key
    metric's headline question what the team's delivery data says, and the user's own
    answer that a teammate's save kept out (`mine`, by question id)."""
    previous = previous or {}
    evidence = evidence or {}
    mine = mine or {}
    fields = []
    for q in gate.questions:
        answer = answers.get(q.id)
        if form is not None:
            values = {
                part: form.data.get(f"q{q.id}-{part}", "")
                for part in ("choice", "reason", "notes", "state")
            }
            errors = [
                str(error)
                for part in ("choice", "reason", "notes", "state")
                for error in form.errors.get(f"q{q.id}-{part}", [])
            ]
        else:
            values = {
                "choice": answer_choice(answer),
                "reason": answer.not_applicable_reason if answer else "",
                "notes": answer.notes if answer else "",
                "state": answer_state(answer),
            }
            errors = []
        changed = None
        if answer is not None and answer.updated_by_id:
            changed = (answer.updated_by.get_username(), answer.updated_at)
        fields.append(
            {
                "question": q,
                **values,
                "errors": errors,
                "last_changed": changed,
                "previous": previous.get(q.id),
                "evidence": evidence.get(q.id),
                "mine": mine.get(str(q.id)),
                "spread": (spreads or {}).get(q.id),
                "own": (own or {}).get(q.id),
            }
        )
    return fields


def step_evidence(assessment, tree: FrameworkTree, gate) -> dict:
    """For the step's key-metric headline questions, what the team's own delivery data says
    of that metric over the last 91 days, as evidence to answer by: {question id: {"value",
    "sample", "level", "score", "start", "end"}}. Nothing (and no query) for a step without
    one, or a framework whose guidance gives no measured bounds."""
    headlines = {
        d.headline_question.id: d.key_metric
        for d in tree.key_metric_domains
        if d.key_metric in tree.measured_buckets and d.headline_question in gate.questions
    }
    if not headlines or not assessment.is_draft:
        return {}
    found = current_evidence(assessment.team, assessment.framework, timezone.now().date())
    if found is None:
        return {}
    window = {
        "start": found["start"],
        "end": found["end"],
        "url": reverse("assessments:delivery", args=[assessment.team.slug]),
        "measured_url": reverse("assessments:delivery_measured", args=[assessment.team.slug]),
        "rules_version": metrics.RULES_VERSION,
    }
    return {qid: {**found["metrics"][code], **window} for qid, code in headlines.items()}


def save_problems(gate, form) -> list[dict]:
    """A refused save's problems, each with the question and the field to jump to, for the
    list at the top of the page."""
    if form is None:
        return []
    problems = []
    for q in gate.questions:
        for part in ("choice", "reason", "notes", "state"):
            for error in form.errors.get(f"q{q.id}-{part}", []):
                target = f"q{q.id}-{part}" if part in ("reason", "notes") else f"q{q.id}"
                problems.append({"question": q, "target": target, "message": str(error)})
    return problems


def _kept_out_key(assessment) -> str:
    return f"kept-out-{assessment.pk}"


def _report_save(request, assessment, tree: FrameworkTree, gate, outcome) -> None:
    """Say what was saved; for each answer a teammate had changed meanwhile, say so and keep
    the user's own answer in the session, so that the step shows it beside theirs with a
    button to use it (nothing the user typed is lost)."""
    if outcome.saved:
        count = len(outcome.saved)
        messages.success(request, f"Saved {count} answer{'s' if count != 1 else ''}.")
    by_id = {q.id: q for q in tree.questions}
    kept_out = {}
    for conflict in outcome.conflicts:
        question = by_id[conflict.question_id]
        yours = conflict.yours
        if yours.not_applicable:
            choice, value = NOT_APPLICABLE, f"not applicable ({yours.not_applicable_reason})"
        elif yours.score is None:
            choice, value = "", "no score"
        else:
            choice, value = str(yours.score), f"score {yours.score}"
        when = timezone.localtime(conflict.changed_at).strftime("%H:%M on %d %b")
        kept_out[str(question.id)] = {
            "choice": choice,
            "reason": yours.not_applicable_reason,
            "notes": yours.notes,
            "value": value,
            "by": str(conflict.changed_by),
            "when": when,
        }
        messages.warning(
            request,
            f"Q{question.number} {question.topic} was changed by {conflict.changed_by} at "
            f"{when}, after you opened this page, so their answer is kept. Yours ({value}) "
            "is shown beside it, to use with one click.",
        )
    # What was kept out before on this step has been seen, and answered by this save.
    earlier = request.session.get(_kept_out_key(assessment), {})
    for question in gate.questions:
        earlier.pop(str(question.id), None)
    kept_out = {**earlier, **kept_out}
    if kept_out:
        request.session[_kept_out_key(assessment)] = kept_out
    else:
        request.session.pop(_kept_out_key(assessment), None)


def _after_save(assessment, step: int, step_count: int, go: str, saved: list[int]):
    if go == "next" and step < step_count:
        return redirect("assessments:answer", assessment.pk, step + 1)
    if go == "prev" and step > 1:
        return redirect("assessments:answer", assessment.pk, step - 1)
    if go in ("next", "review"):
        return redirect("assessments:review", assessment.pk)
    # Staying on the step: the page opens at the question just saved, not at its top.
    anchor = f"#q{saved[0]}" if saved else ""
    return redirect(reverse("assessments:answer", args=[assessment.pk, step]) + anchor)


@require_http_methods(["GET", "POST"])
@login_required
def answer(request, pk, step):
    assessment = get_assessment_for(
        request.user, pk, for_change=request.method == "POST", submitter=False
    )
    tree = framework_tree(assessment.framework)
    if not 1 <= step <= len(tree.gates):
        raise Http404("No such page in this assessment.")
    gate = tree.gates[step - 1]
    form = None
    if request.method == "POST":
        if not assessment.is_draft:
            messages.error(request, str(AssessmentNotDraft(assessment)) + " Nothing was changed.")
            return redirect("assessments:results", assessment.pk)
        data = request.POST
        # Whose answers the page showed: a page opened before the reveal and sent after it
        # (or the other way round) would write the other kind; refused, nothing changed.
        own_now = _answers_own(assessment)
        if data.get("answering", "own" if own_now else "team") != ("own" if own_now else "team"):
            messages.error(
                request,
                "The answers were revealed since this page was opened: individual answering "
                "is closed, and the team answers together now. Nothing was changed."
                if not own_now
                else "This page showed the team's answers, but each member answers on their "
                "own now. Nothing was changed.",
            )
            return redirect("assessments:answer", assessment.pk, step)
        if (mine := id_param(data.get("use-mine"))) is not None:
            # "Use mine": the answer a teammate's save kept out replaces that question's
            # fields (they come with the page, beside the question); the rest is as sent.
            data = data.copy()
            for part in ("choice", "reason", "notes"):
                data[f"q{mine}-{part}"] = data.get(f"mine-q{mine}-{part}", "")
        form = AnswerPageForm(gate.questions, data)
        if form.is_valid():
            changes = form.changes()
            try:
                outcome = answers_save(
                    assessment=assessment,
                    user=request.user,
                    changes=changes,
                    respondent=request.user if _answers_own(assessment) else None,
                )
            except AssessmentNotDraft as refused:
                messages.error(request, f"{refused} Nothing was changed.")
                return redirect("assessments:results", assessment.pk)
            except AnswerElsewhere as refused:
                messages.error(request, str(refused))
                return redirect("assessments:answer", assessment.pk, step)
            _report_save(request, assessment, tree, gate, outcome)
            return _after_save(
                assessment,
                step,
                len(tree.gates),
                request.POST.get("go", "save"),
                [change.question_id for change in changes],
            )
    read_only = not (assessment.is_draft and assessment.user_may_change)
    # Own answers are a member's; a reader who is not one sees the team's (none yet).
    own = _answers_own(assessment) and assessment.user_may_change
    answers = answers_by_question(assessment, respondent=request.user if own else None)
    together = together_context(assessment, request.user, gate) if not own else {}
    previous = None
    if assessment.is_draft:
        previous = previous_answers(assessment, (q.id for q in gate.questions))
    # Answers of this user that a teammate's save kept out: shown until the step is saved.
    mine = request.session.get(_kept_out_key(assessment)) if not read_only else None
    return render(
        request,
        "assessments/answer.html",
        {
            "assessment": assessment,
            "tree": tree,
            "gate": gate,
            "gate_label": progress.gate_label(tree, gate),
            "step": step,
            "step_count": len(tree.gates),
            "progress": progress.progress(tree, answers, gate),
            "questions": question_fields(
                gate,
                answers,
                form,
                previous,
                step_evidence(assessment, tree, gate),
                mine,
                together.get("spreads"),
                together.get("own"),
            ),
            "own": own,
            "revealed": together.get("revealed", False),
            "problems": save_problems(gate, form),
            "limits": question_limits(),
            "read_only": read_only,
            "nav": "dashboard",
        },
        status=400 if form is not None else 200,
    )


@require_safe
@login_required
def review(request, pk):
    assessment = get_assessment_for(request.user, pk)
    tree = framework_tree(assessment.framework)
    own = _answers_own(assessment) and assessment.user_may_change
    answers = answers_by_question(assessment, respondent=request.user if own else None)
    mine = sum(1 for answer in answers.values() if answer.is_answered)
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "tree": tree,
            "own": standing(assessment, request.user, mine) if own else None,
            **progress.review(tree, answers),
            "contributors": answer_contributors(assessment),
            "read_only": not (assessment.is_draft and assessment.user_may_change),
            "nav": "dashboard",
        },
    )


@require_POST
@login_required
def submit(request, pk):
    assessment = get_assessment_for(request.user, pk, for_change=True)
    try:
        assessment_submit(assessment=assessment, user=request.user)
    except AssessmentNotDraft as refused:
        messages.error(request, str(refused))
        return redirect("assessments:results", assessment.pk)
    except AnswerElsewhere as refused:
        messages.error(request, str(refused))
        return redirect("assessments:review", assessment.pk)
    except SubmitIncomplete as refused:
        listed = "\n".join(f"Q{q.number} {q.topic}" for q in refused.missing[:10])
        more = len(refused.missing) - 10
        if more > 0:
            listed += f"\n… and {more} more"
        messages.error(request, f"Not submitted: {refused}\n{listed}")
        return redirect("assessments:review", assessment.pk)
    messages.success(request, "Submitted. Here is your result.")
    return redirect("assessments:results", assessment.pk)


@require_POST
@login_required
def finish_own(request, pk):
    """A respondent says their own answers are finished."""
    assessment = get_assessment_for(request.user, pk, for_change=True)
    try:
        respondent_finish(assessment, request.user)
    except RevealRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Your answers are finished. Thank you.")
    return redirect("assessments:review", assessment.pk)


@require_POST
@login_required
def reveal(request, pk):
    """A respondent reveals the answers: individual answering closes and the team's answers
    start at each question's median (respondents.assessment_reveal)."""
    assessment = get_assessment_for(request.user, pk, for_change=True)
    try:
        started = assessment_reveal(assessment, request.user)
    except RevealRefused as refused:
        messages.error(request, f"{refused} Nothing was changed.")
        return redirect("assessments:review", assessment.pk)
    messages.success(
        request,
        f"Revealed: the team's answers start at the median of yours ({started} questions). "
        "Where you disagree most comes first.",
    )
    return redirect("assessments:together", assessment.pk)


@require_safe
@login_required
def together(request, pk):
    """After the reveal: every question's spread, most disagreement first, with the team's
    answer and the user's own, and a link to settle each on its step."""
    assessment = get_assessment_for(request.user, pk)
    if assessment.mode != Assessment.Mode.EACH or assessment.revealed_at is None:
        messages.info(request, "The answers are not revealed yet.")
        return redirect("assessments:detail", assessment.pk)
    tree = framework_tree(assessment.framework)
    needed = required_for(assessment)
    found = shown_spreads(assessment, needed)
    team = answers_by_question(assessment, with_users=False)
    own = answers_by_question(assessment, with_users=False, respondent=request.user)
    step_of = {q.id: n for n, gate in enumerate(tree.gates, start=1) for q in gate.questions}
    rows = [
        {
            "question": q,
            "step": step_of[q.id],
            "spread": found.get(q.id),
            "team": team.get(q.id),
            "own": own.get(q.id),
        }
        for q in tree.questions
    ]
    rows.sort(key=lambda r: (-(r["spread"].range or 0) if r["spread"] else 0, r["question"].number))
    return render(
        request,
        "assessments/together.html",
        {
            "assessment": assessment,
            "rows": rows,
            "needed": needed,
            "member": assessment.user_may_change,
            "nav": "dashboard",
        },
    )
