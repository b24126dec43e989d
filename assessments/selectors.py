"""Reads for pages, downloads and services, each scoped by the one access rule.

Every lookup of a team's data starts from `visible_to(user)` or `changeable_by(user)`
(models.py), so a page can only ever show what the rule allows: anything else is "not
found". Queries do their own select_related, read rows with values() where a page shows
rows, and their number does not grow with the number of teams, assessments or questions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Lower
from django.http import Http404

from frameworks.models import Framework
from frameworks.tree import cached_tree
from teams.models import Membership, Team, may_change, may_read

from .models import Answer, Assessment


def get_assessment_for(user, pk, *, for_change: bool = False, submitter: bool = True):
    """The assessment with its team, framework and submitter, if the user may read it (or,
    with `for_change`, change its answers); 404 if they may not read it, 403 if they may
    read but not change it.
    `user_may_change` tells the page which it is. Without `submitter`, who submitted it is
    read only if asked (most pages show drafts)."""
    if for_change:
        # A change needs the framework (for its questions) only; the rest loads if asked.
        # The rule is checked in the same query; a refusal says whether it may be read.
        changeable = Assessment.objects.changeable_by(user, inline=True)
        try:
            assessment = changeable.select_related("framework").get(pk=pk)
        except Assessment.DoesNotExist:
            team_id = Assessment.objects.filter(pk=pk).values_list("team_id", flat=True).first()
            if team_id is not None and may_read(user, team_id):
                raise PermissionDenied(
                    "Only members of the team can change its assessments."
                ) from None
            raise Http404("No such assessment.") from None
        assessment.user_may_change = True
        return assessment
    related = ("team", "framework", "submitted_by") if submitter else ("team", "framework")
    assessment = Assessment.objects.select_related(*related).filter(pk=pk).first()
    if assessment is None or not may_read(user, assessment.team_id):
        raise Http404("No such assessment.")
    assessment.user_may_change = may_change(user, assessment.team_id)
    return assessment


def get_submitted_for(user, pk) -> Assessment:
    """A submitted assessment the user may read, with its stored result; a draft has no
    result yet (404)."""
    assessment = get_assessment_for(user, pk)
    if not assessment.is_submitted:
        raise Http404("This assessment has no result yet.")
    return assessment


def answers_by_question(
    assessment: Assessment, question_ids=None, *, with_users: bool = True, respondent=None
) -> dict[int, Answer]:
    """The assessment's answers by question id (or only those of `question_ids`), each with
    who changed it last (read with it, unless not `with_users`): the team's, or with
    `respondent` that user's own (the caller passes only the signed-in user: nobody reads
    another's). The caller has already checked access to the assessment."""
    where = {"assessment_id": assessment.pk}
    if question_ids is not None:
        where["question_id__in"] = list(question_ids)
    if respondent is None:
        answers = Answer.objects.filter(**where).order_by()
    else:
        answers = Answer.personal.filter(**where, respondent=respondent).order_by()
    if with_users:  # of the user, only what pages show: the name
        answers = answers.select_related("updated_by").only(
            *(f.name for f in Answer._meta.concrete_fields), "updated_by__username"
        )
    result = {}
    for answer in answers:
        answer.assessment = assessment
        result[answer.question_id] = answer
    return result


# What a row needs to find its framework's cached tree.
FRAMEWORK_KEY = ("framework_id", "framework__content_version", "framework__is_published")


def question_totals(rows) -> dict[int, int]:
    """Questions per framework (by id) of rows carrying FRAMEWORK_KEY."""
    return {fid: len(tree.questions) for fid, tree in trees_of(rows).items()}


def trees_of(rows) -> dict:
    """The cached framework trees (by framework id) of rows carrying FRAMEWORK_KEY."""
    return {
        row["framework_id"]: cached_tree(*(row[name] for name in FRAMEWORK_KEY)) for row in rows
    }


def minutes_left(rows) -> dict[int, int]:
    """The time each draft row (with answered_count) still needs, by assessment id."""
    from .progress import minutes_for

    trees = trees_of(rows)
    return {
        row["pk"]: minutes_for(
            trees[row["framework_id"]],
            len(trees[row["framework_id"]].questions) - row["answered_count"],
        )
        for row in rows
    }


# The dashboard, teams and members --------------------------------------------------------


def dashboard_assessments(user):
    """The assessments on the user's dashboard, most recently changed first, as rows; a
    submitted one with `previous_percent`, the overall score of the team's submission of
    the same framework before it (a subquery: the database finds it for one page only)."""
    earlier = (
        Assessment.objects.submitted()
        .filter(
            team=OuterRef("team"),
            framework=OuterRef("framework"),
            submitted_at__lt=OuterRef("submitted_at"),
        )
        .order_by("-submitted_at", "-pk")
        .values("overall_percent")[:1]
    )
    return (
        Assessment.objects.visible_to(user)
        .order_by("-updated_at", "-pk")
        .with_answered_count()
        .annotate(previous_percent=Subquery(earlier))
        .values(
            "previous_percent",
            "pk",
            "title",
            "status",
            "updated_at",
            "answered_count",
            "mode",
            "revealed_at",
            "overall_percent",
            "maturity_level",
            "delivery_performance",
            "team__name",
            "framework__name",
            "framework__version",
            *FRAMEWORK_KEY,
        )
    )


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


HISTORY_CHART_SIZE = 12


def team_assessments(team: Team) -> tuple[list[dict], list[dict]]:
    """The team's profile and work in progress, in one query: the framework versions it has
    submitted assessments of, the one used last first, each with its latest result (pk,
    name, version, slug and the latest's id, date, score, maturity level and delivery
    performance); and its drafts, the one changed last first (pk, title, framework, and how
    many questions are answered)."""
    rows = (
        team.assessments.filter(Q(is_latest=True) | Q(status=Assessment.Status.DRAFT))
        .with_answered_count()
        .values(
            "status",
            "title",
            "updated_at",
            "submitted_at",
            "overall_percent",
            "maturity_level",
            "delivery_performance",
            "answered_count",
            "mode",
            "revealed_at",
            "framework__name",
            "framework__version",
            "framework__slug",
            *FRAMEWORK_KEY,
            assessment_id=F("id"),
        )
    )
    frameworks, drafts = [], []
    for row in rows:
        if row["status"] == Assessment.Status.DRAFT:
            drafts.append({**row, "pk": row["assessment_id"]})
        else:
            frameworks.append(
                {
                    **row,
                    "pk": row["framework_id"],
                    "name": row["framework__name"],
                    "version": row["framework__version"],
                    "slug": row["framework__slug"],
                }
            )
    frameworks.sort(key=lambda f: (f["submitted_at"], f["assessment_id"]), reverse=True)
    drafts.sort(key=lambda d: (d["updated_at"], d["pk"]), reverse=True)
    return frameworks, drafts


def due_next(frameworks: list[dict]) -> dict | None:
    """Which framework the team should take next: a published one it has never taken
    (by name), else the one whose latest result is oldest; None when there is none."""
    taken = {f["slug"] for f in frameworks}
    never = (
        Framework.objects.published()
        .exclude(slug__in=taken)
        .order_by("name", "-version")
        .values("pk", "name", "version")
        .first()
    )
    if never:
        return {**never, "submitted_at": None}
    return min(frameworks, key=lambda f: f["submitted_at"], default=None)


def _team_submitted(team: Team, framework_id: int):
    return (
        team.assessments.submitted()
        .filter(framework_id=framework_id)
        .order_by("-submitted_at", "-pk")
    )


def team_history(team: Team, framework_id: int):
    """The team's submitted assessments of one framework, newest first, as rows with the
    coverage of each, and the parts of the stored result that the trend chart shows
    (domains and key metrics) as JSON text, decoded only when the chart is drawn
    (history.trend)."""
    return _team_submitted(team, framework_id).values(
        "pk",
        "title",
        "submitted_at",
        "overall_percent",
        "maturity_level",
        "delivery_performance",
        "delivery_rank",
        "agreement_share",
        scored=KT("result__coverage__scored"),
        total=KT("result__coverage__total"),
        domains_json=KT("result__domains"),
        metrics_json=KT("result__metrics"),
    )


def previous_answers(assessment: Assessment, question_ids) -> dict[int, dict]:
    """For a draft, the team's answers to these questions in its latest submitted assessment
    of the same framework ("last time"), with who gave them, by question id. The caller has
    checked that the user may read the assessment, and so its team's."""
    rows = Answer.objects.filter(
        assessment__team_id=assessment.team_id,
        assessment__framework_id=assessment.framework_id,
        assessment__is_latest=True,
        question_id__in=list(question_ids),
    ).values(
        "question_id",
        "score",
        "not_applicable",
        "updated_by__username",
        submitted_at=F("assessment__submitted_at"),
    )
    return {row["question_id"]: row for row in rows}


# Comparisons -----------------------------------------------------------------------------


def previous_result(assessment: Assessment) -> dict | None:
    """The submitted assessment of the same team and framework just before this one (its
    id, title, date and stored result). The caller has checked that the user may read the
    assessment, and so its team's."""
    earlier = Q(submitted_at__lt=assessment.submitted_at) | Q(
        submitted_at=assessment.submitted_at, pk__lt=assessment.pk
    )
    return (
        Assessment.objects.submitted()
        .filter(earlier, team_id=assessment.team_id, framework_id=assessment.framework_id)
        .order_by("-submitted_at", "-pk")
        .values("pk", "title", "submitted_at", "result")
        .first()
    )


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


@dataclass(frozen=True)
class AnswerNotes:
    """What a submitted answer says beside its score."""

    not_applicable: bool
    not_applicable_reason: str
    notes: str


def notes_by_assessment(assessments) -> dict[int, dict[int, AnswerNotes]]:
    """For each assessment (already checked), question id -> its answer's notes."""
    notes: dict[int, dict] = {a.pk: {} for a in assessments}
    rows = (
        Answer.objects.filter(assessment__in=[a.pk for a in assessments])
        .order_by()
        .values_list(
            "assessment_id", "question_id", "not_applicable", "not_applicable_reason", "notes"
        )
    )
    for assessment_id, question_id, *values in rows:
        notes[assessment_id][question_id] = AnswerNotes(*values)
    return notes


def answer_contributors(assessment: Assessment) -> list[tuple[str, int]]:
    """Who gave a (checked) assessment's answers, the last to change each: (name, how
    many), most first."""
    return notes_and_contributors(assessment)[1]


def notes_and_contributors(assessment: Assessment) -> tuple[dict[int, AnswerNotes], list]:
    """A (checked) assessment's answers in one read: question id -> its notes, and who
    gave its answers (answer_contributors)."""
    notes, given = {}, Counter()
    rows = (
        Answer.objects.filter(assessment_id=assessment.pk)
        .order_by()
        .values_list(
            "question_id",
            "not_applicable",
            "not_applicable_reason",
            "notes",
            "score",
            "updated_by__username",
            "updated_by__first_name",
            "updated_by__last_name",
        )
    )
    for question_id, not_applicable, reason, text, score, username, first, last in rows:
        notes[question_id] = AnswerNotes(not_applicable, reason, text)
        if username is not None and (score is not None or not_applicable):
            given[(f"{first} {last}".strip() or username, username)] += 1
    contributors = sorted(given.items(), key=lambda item: (-item[1], item[0][1]))
    return notes, [(name, n) for (name, _), n in contributors]


# Starting --------------------------------------------------------------------------------


def startable_teams(user):
    """The teams the user may start an assessment for."""
    return Team.objects.changeable_by(user).order_by("name")


# The organisation overview: see overview.py ---------------------------------------------


def visible_latest(user, framework_id: int | None):
    """The latest submitted results the user may read (one per team and framework)."""
    latest = Assessment.objects.visible_to(user).latest()
    if framework_id is not None:
        latest = latest.filter(framework_id=framework_id)
    return latest


def team_profiles(user, page_number: int, per_page: int):
    """The overview by team: a page of the teams the user may read (by name), the
    frameworks any of them has a result of, and each team's latest result per framework
    ({(team id, framework id): row}). Three queries and a count, whatever the page."""
    from django.core.paginator import Paginator

    teams = Team.objects.visible_to(user).order_by(Lower("name"), "pk").values("pk", "name", "slug")
    page = Paginator(teams, per_page).get_page(page_number)
    rows = list(page.object_list)
    latest = list(
        visible_latest(user, None)
        .filter(team_id__in=[t["pk"] for t in rows])
        .order_by()
        .values(
            "pk",
            "team_id",
            "framework_id",
            "framework__name",
            "framework__version",
            "submitted_at",
            "overall_percent",
            "maturity_level",
            "delivery_performance",
        )
    )
    columns = sorted(
        {(r["framework__name"], r["framework__version"], r["framework_id"]) for r in latest}
    )
    cells = {(r["team_id"], r["framework_id"]): r for r in latest}
    return page, rows, columns, cells
