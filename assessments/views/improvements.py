"""A team's improvement actions: made from a recommendation or by hand, moved from planned to
verified, each with its baseline, verdict and history (assessments/improvements.py). Members
make and change them; whoever may read the team reads them; anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from frameworks.models import Question
from frameworks.params import id_param
from frameworks.tree import framework_tree
from teams.selectors import get_team_for

from ..forms import ActionForm, ActionMoveForm, FocusLimitForm
from ..improvements import (
    MOVES,
    STEP,
    ActionRefused,
    action_create,
    action_move,
    action_update,
    frameworks_for_actions,
    verdict,
)
from ..models import Action, Assessment
from .teams import team_number_save


def _members(team):
    return get_user_model().objects.filter(memberships__team=team).order_by("username")


def _questions(framework):
    return (
        Question.objects.filter(gate__domain__framework=framework)
        .select_related("gate__domain")
        .order_by("gate__domain__position", "gate__position", "position")
    )


def _refused(form, refused: ActionRefused) -> None:
    for field, message in refused.errors.items():
        form.add_error(field if field in form.fields else None, message)


def _action_of(request, slug, pk):
    team = get_team_for(request.user, slug)  # 404 for a team the user may not read
    action = (
        Action.objects.filter(team=team, pk=pk)
        .select_related("framework", "owner", "verified_by", "source")
        .first()
    )
    if action is None:
        raise Http404("No such action of this team.")
    return team, action


def _prefill(framework, source, question_id) -> dict:
    """A new action's fields from a recommendation: its question, its key metric (when the
    question links one) and a title saying the next step."""
    if question_id is None:
        return {}
    node = next((q for q in framework_tree(framework).questions if q.id == question_id), None)
    if node is None:
        return {}
    links = list(node.key_metrics or [])
    current = None
    if source is not None:
        current = (
            source.answers.filter(question_id=question_id).values_list("score", flat=True).first()
        )
    step = f" from {current} to {current + 1}" if current is not None and current < 5 else ""
    return {
        "title": f"Q{node.number} {node.topic}{step}",
        "questions": [question_id],
        "key_metric": links[0] if len(links) == 1 else "",
    }


@require_http_methods(["GET", "POST"])
@login_required
def action_new(request, slug):
    """Make an action: from a recommendation (?result=ID&question=ID, prefilled) or by hand
    for a framework the team has a result of (?framework=ID; without it, a list to choose)."""
    team = get_team_for(request.user, slug)
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can make its improvement actions.")
        return redirect("assessments:team_detail", team.slug)
    source = None
    if (result := id_param(request.GET.get("result"))) is not None:
        source = Assessment.objects.filter(
            team=team, pk=result, status=Assessment.Status.SUBMITTED
        ).first()
        if source is None:
            raise Http404("No such result of this team.")
        framework = source.framework
    else:
        chosen = id_param(request.GET.get("framework"))
        offered = frameworks_for_actions(team)
        framework = offered.filter(pk=chosen).first() if chosen else None
        if framework is None:
            return render(
                request,
                "assessments/action_pick.html",
                {"team": team, "frameworks": offered.order_by("name", "version"), "nav": "teams"},
            )
    form = ActionForm(
        request.POST or None,
        initial=_prefill(framework, source, id_param(request.GET.get("question"))),
        questions=_questions(framework),
        members=_members(team),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = action_create(
                team=team,
                user=request.user,
                framework=framework,
                questions=list(data["questions"]),
                title=data["title"],
                plan=data["plan"],
                key_metric=data["key_metric"],
                owner=data["owner"],
                due=data["due"],
                link=data["link"],
                source=source,
            )
        except ActionRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"Action “{action.title}” made, with its baseline.")
            return redirect("assessments:action", team.slug, action.pk)
    return render(
        request,
        "assessments/action_form.html",
        {
            "team": team,
            "framework": framework,
            "source": source,
            "form": form,
            "action": None,
            "nav": "teams",
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def action_from_recommendation(request, slug):
    """One click on a recommendation of a result (POST result, question): the action is made
    at once from it (the question, its key metric, a title naming the next level; the
    member who clicked owns it), then its page, where the rest can be filled in."""
    team = get_team_for(request.user, slug)
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can make its improvement actions.")
        return redirect("assessments:team_detail", team.slug)
    source = Assessment.objects.filter(
        team=team, pk=id_param(request.POST.get("result")), status=Assessment.Status.SUBMITTED
    ).first()
    if source is None:
        raise Http404("No such result of this team.")
    question = (
        _questions(source.framework).filter(pk=id_param(request.POST.get("question"))).first()
    )
    if question is None:
        messages.error(request, "No such question in this result: nothing was made.")
        return redirect("assessments:results", source.pk)
    filled = _prefill(source.framework, source, question.pk)
    action = action_create(
        team=team,
        user=request.user,
        framework=source.framework,
        questions=[question],
        title=filled["title"],
        key_metric=filled["key_metric"],
        owner=request.user,
        source=source,
    )
    messages.success(
        request,
        f"Action “{action.title}” made, with its baseline. Say what the team will do, and "
        "when, with “Change”.",
    )
    return redirect("assessments:action", team.slug, action.pk)


@require_safe
@login_required
def action_detail(request, slug, pk):
    team, action = _action_of(request, slug, pk)
    questions = list(
        action.questions.select_related("gate__domain").order_by(
            "gate__domain__position", "gate__position", "position"
        )
    )
    scores = action.baseline.get("scores", {})
    return render(
        request,
        "assessments/action_detail.html",
        {
            "team": team,
            "action": action,
            "member": team.user_may_change,
            "questions": [(q, scores.get(str(q.pk))) for q in questions],
            "verdict": verdict(action, timezone.now().date()),
            "events": action.events.select_related("by"),
            "moves": [(status, STEP[status]) for status in MOVES[action.status]],
            "overdue": action.status in Action.OPEN
            and action.due is not None
            and action.due < timezone.now().date(),
            "nav": "teams",
        },
    )


@require_POST
@login_required
def action_move_view(request, slug, pk):
    team, action = _action_of(request, slug, pk)
    back = reverse("assessments:action", args=[team.slug, action.pk])
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can move its actions.")
        return redirect(back)
    form = ActionMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status the action may move to.")
        return redirect(back)
    try:
        action_move(
            action=action,
            user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except ActionRefused as refused:
        for message in refused.errors.values():
            messages.error(request, message)
    else:
        action.refresh_from_db()
        messages.success(request, f"“{action.title}” is {action.get_status_display()} now.")
    return redirect(back)


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request, slug, pk):
    team, action = _action_of(request, slug, pk)
    back = reverse("assessments:action", args=[team.slug, action.pk])
    if not team.user_may_change:
        messages.error(request, f"Only members of {team} can change its actions.")
        return redirect(back)
    form = ActionForm(
        request.POST or None,
        initial={
            "title": action.title,
            "plan": action.plan,
            "owner": action.owner_id,
            "due": action.due,
            "link": action.link,
        },
        questions=_questions(action.framework),
        # The owner stays offered after leaving the team, so that saving does not drop them
        # unseen: the save then asks for a member instead.
        members=_members(team) | get_user_model().objects.filter(pk=action.owner_id),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            action_update(action=action, **form.cleaned_data)
        except ActionRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, "Saved.")
            return redirect(back)
    return render(
        request,
        "assessments/action_form.html",
        {
            "team": team,
            "framework": action.framework,
            "source": None,
            "form": form,
            "action": action,
            "nav": "teams",
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def focus_limit(request, slug):
    """A member sets how many of the team's actions may be in progress at once."""
    return team_number_save(
        request,
        slug,
        FocusLimitForm,
        attribute="actions_in_progress_limit",
        anchor="improvements",
        refused="Only members of {team} can change its limit.",
        kept="The limit was not changed:",
        saved=lambda team: f"At most {team.actions_in_progress_limit} actions in progress now.",
    )
