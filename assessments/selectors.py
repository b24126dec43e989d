"""Reads for pages, downloads and services, each scoped by the one access rule.

Every lookup of a team's data starts from `visible_to(user)` or `changeable_by(user)`
(models.py), so a page can only ever show what the rule allows: anything else is "not
found". Queries do their own select_related/only, and their number does not grow with the
number of teams, assessments or questions.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.fields.json import KT, KeyTransform
from django.http import Http404

from frameworks.models import Framework
from frameworks.tree import framework_tree

from .models import Answer, Assessment, Membership, Team


def get_assessment_for(user, pk, *, for_change: bool = False, with_result: bool = False):
    """The assessment with its team, framework and submitter, if the user may read it (or,
    with `for_change`, change its answers); 404 if they may not read it, 403 if they may
    read but not change it. `user_may_change` tells the page which it is."""
    assessments = (
        Assessment.objects.visible_to(user)
        .with_change_right(user)
        .select_related("team", "framework", "submitted_by")
    )
    if not with_result:
        assessments = assessments.defer("result")
    assessment = assessments.filter(pk=pk).first()
    if assessment is None:
        raise Http404("No such assessment.")
    if for_change and not assessment.user_may_change:
        raise PermissionDenied("Only members of the team can change its assessments.")
    return assessment


def get_submitted_for(user, pk) -> Assessment:
    """A submitted assessment the user may read, with its stored result; a draft has no
    result yet (404)."""
    assessment = get_assessment_for(user, pk, with_result=True)
    if not assessment.is_submitted:
        raise Http404("This assessment has no result yet.")
    return assessment


def get_team_for(user, slug: str) -> Team:
    """The team if the user may read its assessments; else 404."""
    team = Team.objects.visible_to(user).filter(slug=slug).first()
    if team is None:
        raise Http404("No such team.")
    return team


def answers_by_question(assessment: Assessment, question_ids=None) -> dict[int, Answer]:
    """The assessment's answers by question id (or only those of `question_ids`), each with
    who changed it last. The caller has already checked access to the assessment."""
    answers = Answer.objects.filter(assessment=assessment).select_related("updated_by")
    if question_ids is not None:
        answers = answers.filter(question_id__in=list(question_ids))
    result = {}
    for answer in answers:
        answer.assessment = assessment
        result[answer.question_id] = answer
    return result


def question_counts(frameworks) -> dict[int, int]:
    """Questions per framework (by id), from the cached framework trees."""
    return {f.pk: len(framework_tree(f).questions) for f in frameworks}


# The dashboard, teams and members --------------------------------------------------------


def dashboard_assessments(user):
    """The assessments on the user's dashboard, most recently changed first."""
    return (
        Assessment.objects.visible_to(user)
        .select_related("team", "framework")
        .defer("result")
        .order_by("-updated_at", "-pk")
    )


def user_has_teams(user) -> bool:
    return Team.objects.visible_to(user).exists()


def team_list(user):
    """The teams the user may read, by name, each with its member and submitted counts and
    its last submission (subqueries, so the database computes them for one page only)."""
    submitted = Assessment.objects.submitted().filter(team=OuterRef("pk"))
    return (
        Team.objects.visible_to(user)
        .annotate(
            member_count=Subquery(
                Membership.objects.filter(team=OuterRef("pk"))
                .values("team")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            submitted_count=Subquery(submitted.values("team").annotate(n=Count("pk")).values("n")),
            last_submitted=Subquery(
                submitted.values("team").annotate(last=Max("submitted_at")).values("last")
            ),
        )
        .order_by("name")
    )


def team_members(team: Team) -> list:
    """The team's members (user names and names only), by user name."""
    User = get_user_model()
    return list(
        User.objects.filter(memberships__team=team)
        .only(User.USERNAME_FIELD, "first_name", "last_name")
        .order_by(User.USERNAME_FIELD)
    )


HISTORY_CHART_SIZE = 12


def team_frameworks(team: Team) -> list[Framework]:
    """The framework versions the team has submitted assessments of, latest used first."""
    return list(
        Framework.objects.filter(
            assessments__team=team, assessments__status=Assessment.Status.SUBMITTED
        )
        .annotate(latest=Max("assessments__submitted_at"))
        .order_by("-latest", "name")
    )


def team_drafts(team: Team) -> list[Assessment]:
    return list(
        team.assessments.drafts()
        .select_related("framework")
        .defer("result")
        .order_by("-updated_at", "-pk")
    )


def team_history(team: Team, framework: Framework):
    """The team's submitted assessments of one framework, newest first, with the coverage
    of each (for the paginated table)."""
    return (
        team.assessments.submitted()
        .filter(framework=framework)
        .order_by("-submitted_at", "-pk")
        .only("pk", "team", "title", "submitted_at", "overall_percent", "maturity_level")
        .annotate(scored=KT("result__coverage__scored"), total=KT("result__coverage__total"))
    )


def team_recent_results(team: Team, framework: Framework) -> list[dict]:
    """The latest HISTORY_CHART_SIZE submitted results' chart data, oldest first."""
    rows = (
        team.assessments.submitted()
        .filter(framework=framework)
        .order_by("-submitted_at", "-pk")
        .values("pk", "submitted_at", "overall_percent")
        .annotate(
            domains=KeyTransform("domains", "result"), metrics=KeyTransform("metrics", "result")
        )[:HISTORY_CHART_SIZE]
    )
    return list(reversed(rows))


# Comparisons -----------------------------------------------------------------------------

COMPARE_OPTIONS = 200


def comparison_options(user) -> list[Assessment]:
    """The submitted assessments the user may compare, newest first."""
    return list(
        Assessment.objects.visible_to(user)
        .submitted()
        .select_related("team", "framework")
        .defer("result")
        .order_by("-submitted_at", "-pk")[:COMPARE_OPTIONS]
    )


def latest_pair_for(user) -> tuple[int, int] | tuple[int, None] | None:
    """(previous, latest): the ids of the newest submitted assessment the user may read and
    the one before it of the same team and framework (None when it is the first); None
    when there is none at all."""
    visible = Assessment.objects.visible_to(user).submitted()
    latest = visible.order_by("-submitted_at", "-pk").values("pk", "team_id", "framework_id")
    latest = latest.first()
    if latest is None:
        return None
    previous = (
        visible.filter(team_id=latest["team_id"], framework_id=latest["framework_id"])
        .exclude(pk=latest["pk"])
        .order_by("-submitted_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return previous, latest["pk"]


def notes_by_assessment(assessments) -> dict[int, dict[int, tuple[str, str]]]:
    """For each assessment (already checked), question id -> (notes, not-applicable reason)."""
    notes: dict[int, dict] = {a.pk: {} for a in assessments}
    for row in Answer.objects.filter(assessment__in=[a.pk for a in assessments]).values(
        "assessment_id", "question_id", "notes", "not_applicable_reason"
    ):
        notes[row["assessment_id"]][row["question_id"]] = (
            row["notes"],
            row["not_applicable_reason"],
        )
    return notes


# Starting --------------------------------------------------------------------------------


def startable_teams(user):
    """The teams the user may start an assessment for."""
    return Team.objects.changeable_by(user).order_by("name")


def drafts_of(team: Team, framework: Framework):
    return team.assessments.drafts().filter(framework=framework)


# The organisation overview: see overview.py ---------------------------------------------


def visible_latest(user, framework_id: int | None):
    """The latest submitted results the user may read (one per team and framework)."""
    latest = Assessment.objects.visible_to(user).latest()
    if framework_id is not None:
        latest = latest.filter(framework_id=framework_id)
    return latest


def teams_without_result(user, framework_id: int | None):
    """The teams the user may read that have no submitted result (of the framework)."""
    latest = Assessment.objects.latest()
    if framework_id is not None:
        latest = latest.filter(framework_id=framework_id)
    return Team.objects.visible_to(user).exclude(pk__in=latest.values("team_id"))


def draft_counts(team_ids) -> dict[int, int]:
    return dict(
        Assessment.objects.drafts()
        .filter(team_id__in=list(team_ids))
        .values("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
