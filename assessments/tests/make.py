"""Builders for teams, assessments and answers in tests."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from assessments.forms import answer_state
from assessments.models import Answer, Assessment
from assessments.services import assessment_submit, latest_refresh
from frameworks.models import Question
from teams.models import Membership, Team


def make_user(username, **extra):
    return get_user_model().objects.create_user(
        username=username, password=f"{username}-pass-1", **extra
    )


def make_viewer(username):
    """An organisation viewer: reads every team (the permission, given directly)."""
    from django.contrib.auth.models import Permission

    user = make_user(username)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="teams", codename="view_all_teams")
    )
    return user


def make_team(name="Team A", members=()):
    team = Team.objects.create(name=name, slug=slugify(name))
    for member in members:
        Membership.objects.create(team=team, user=member)
    return team


def make_assessment(*, team, framework, user=None, title="An assessment"):
    return Assessment.objects.create(team=team, framework=framework, title=title, created_by=user)


def questions_of(framework):
    return list(
        Question.objects.filter(gate__domain__framework=framework).order_by(
            "gate__domain__position", "gate__position", "position"
        )
    )


def answer(
    assessment, question, score=None, *, not_applicable=False, reason="", notes="", user=None
):
    """Store an answer directly (as an earlier save would have)."""
    stored = Answer.objects.update_or_create(
        assessment=assessment,
        question=question,
        defaults={
            "score": None if not_applicable else score,
            "not_applicable": not_applicable,
            "not_applicable_reason": reason or ("Does not apply here" if not_applicable else ""),
            "notes": notes,
            "updated_by": user,
            "updated_at": timezone.now(),
        },
    )[0]
    return stored


def answer_all(assessment, scores, user=None):
    """Answer every question: `scores` is one score for all, or a list (None = N/A)."""
    questions = questions_of(assessment.framework)
    if not isinstance(scores, list | tuple):
        scores = [scores] * len(questions)
    for question, score in zip(questions, scores, strict=True):
        answer(assessment, question, score, not_applicable=score is None, user=user)


def submitted_assessment(*, team, framework, user, scores, title="Submitted", when=None):
    assessment = make_assessment(team=team, framework=framework, user=user, title=title)
    answer_all(assessment, scores, user=user)
    assessment = assessment_submit(assessment=assessment, user=user)
    if when is not None:
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when, updated_at=when)
        latest_refresh(team_id=team.pk, framework_id=framework.pk)
        assessment.refresh_from_db()
    return assessment


def page_data(questions, answers=None, **fields):
    """POST data for an answer page showing `questions` with their saved `answers`."""
    answers = answers or {}
    data = {}
    for q in questions:
        saved = answers.get(q.pk)
        data[f"q{q.pk}-choice"] = (
            "na"
            if saved and saved.not_applicable
            else ("" if not saved or saved.score is None else str(saved.score))
        )
        data[f"q{q.pk}-reason"] = saved.not_applicable_reason if saved else ""
        data[f"q{q.pk}-notes"] = saved.notes if saved else ""
        data[f"q{q.pk}-state"] = answer_state(saved)
    data.update(fields)
    return data
