"""Writes of assessments and answers. Each function is one transaction.

Who may write is decided before a service runs, by the access rule (`changeable_by`,
through selectors.get_assessment_for(..., for_change=True)); the services keep the data
consistent: a draft is locked for every write, only changed answers are written, and a
submitted assessment's answers never change again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from frameworks.models import Framework
from frameworks.tree import framework_tree

from . import scoring
from .evidence import measured_block
from .models import Answer, Assessment, Respondent, Team
from .respondents import agreement_block, respondents_start
from .results import result_columns, result_document
from .selectors import answers_by_question


class AssessmentNotDraft(Exception):
    """The assessment was submitted: its answers are frozen."""

    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        who = assessment.submitted_by.get_username() if assessment.submitted_by else "someone"
        when = timezone.localtime(assessment.submitted_at).strftime("%d %b %Y %H:%M")
        super().__init__(
            f"This assessment was submitted by {who} on {when}; its answers can no longer "
            "be changed."
        )


class SubmitIncomplete(Exception):
    """Some questions have neither a score nor "not applicable"."""

    def __init__(self, missing):
        self.missing = missing  # QuestionNodes, in framework order
        super().__init__(
            f"{len(missing)} question{'s' if len(missing) != 1 else ''} still need an answer "
            "(a score, or not applicable with a reason)."
        )


def default_title(framework: Framework, team: Team, when: datetime | None = None) -> str:
    when = timezone.localtime(when or timezone.now())
    return f"{framework.name} – {team.name} – {when:%B %Y}"


@transaction.atomic
def assessment_start(
    *, user, team: Team, framework: Framework, title: str = "", mode: str = "together"
) -> Assessment:
    """A new draft; answered "each on your own" (mode each), the team's members at the
    start are its respondents."""
    assessment = Assessment.objects.create(
        team=team,
        framework=framework,
        title=title.strip() or default_title(framework, team),
        created_by=user,
        mode=mode,
    )
    if mode == Assessment.Mode.EACH:
        respondents_start(assessment)
    return assessment


@dataclass(frozen=True)
class AnswerInput:
    """What one question's fields on a page say now, and the answer version it was shown at."""

    question_id: int
    score: int | None
    not_applicable: bool
    not_applicable_reason: str
    notes: str
    base_version: int  # 0 when the page showed no saved answer


@dataclass(frozen=True)
class Conflict:
    question_id: int
    changed_by: str
    changed_at: datetime
    yours: AnswerInput


@dataclass(frozen=True)
class SaveOutcome:
    saved: tuple[int, ...]
    conflicts: tuple[Conflict, ...]


def _lock_draft(assessment: Assessment, now) -> None:
    """Lock the draft's row until the transaction ends, so that saves and submits of one
    assessment run one after another; refuse a submitted one (saying who submitted it).

    The lock is the write that records the draft's change (its last change is now), made
    only where the row is still a draft: PostgreSQL takes the row lock with it, and an
    UPDATE that had to wait for another transaction's lock checks the status again after
    the wait; SQLite has no row locks, and its IMMEDIATE transactions hold the database's
    write lock from the start of the transaction instead (see settings).
    """
    changed = Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).update(
        updated_at=now
    )
    if not changed:
        raise AssessmentNotDraft(
            Assessment.objects.select_related("submitted_by").get(pk=assessment.pk)
        )


class AnswerElsewhere(Exception):
    """An assessment answered "each on your own, then together" takes own answers until the
    reveal and the team's after it; the other kind was sent."""


def _answering_checked(assessment: Assessment, respondent) -> None:
    """With the draft locked: refuse own answers after the reveal, and the team's before it
    (an assessment answered together takes the team's only)."""
    mode, revealed = Assessment.objects.values_list("mode", "revealed_at").get(pk=assessment.pk)
    each = mode == Assessment.Mode.EACH
    if respondent is not None and (not each or revealed is not None):
        when = timezone.localtime(revealed).strftime("%d %b %Y %H:%M") if revealed else ""
        raise AnswerElsewhere(
            f"The answers were revealed on {when}: individual answering is closed, and the "
            "team answers together now. Nothing was changed."
            if revealed
            else "This assessment is answered together. Nothing was changed."
        )
    if respondent is None and each and revealed is None:
        raise AnswerElsewhere(
            "Each member answers on their own until the answers are revealed. Nothing was changed."
        )


@transaction.atomic
def answers_save(
    *, assessment: Assessment, user, changes: list[AnswerInput], respondent=None
) -> SaveOutcome:
    """Write the answers the user changed on a page.

    `changes` holds only the questions whose fields differ from what the page was rendered
    with, each with the version of the answer the page showed. With the draft locked, an
    answer is written only if it is still at that version (an UPDATE ... WHERE version =
    the one shown; an INSERT where the page showed none and there is still none): if
    someone else saved the question since, their newer answer is kept and the question is
    reported as a conflict.
    """
    if not changes:
        return SaveOutcome(saved=(), conflicts=())
    now = timezone.now()
    # The lock (as _lock_draft), taken only where this kind of answer may be saved: own
    # answers before the reveal, the team's otherwise; the reason is read only on refusal.
    takes = (
        Q(mode=Assessment.Mode.EACH, revealed_at__isnull=True)
        if respondent is not None
        else Q(mode=Assessment.Mode.TOGETHER) | Q(revealed_at__isnull=False)
    )
    if not Assessment.objects.filter(
        takes, pk=assessment.pk, status=Assessment.Status.DRAFT
    ).update(updated_at=now):
        _lock_draft(assessment, now)  # a submitted one is refused, saying who submitted it
        _answering_checked(assessment, respondent)
    rows = Answer.objects if respondent is None else Answer.personal.filter(respondent=respondent)
    new = [change for change in changes if change.base_version == 0]
    # Where the page showed no answer, one may have been saved since: read those only.
    there = answers_by_question(
        assessment, [c.question_id for c in new], with_users=False, respondent=respondent
    )
    saved, refused, to_create = [], [], []
    for change in changes:
        values = {
            "score": None if change.not_applicable else change.score,
            "not_applicable": change.not_applicable,
            "not_applicable_reason": (
                change.not_applicable_reason if change.not_applicable else ""
            ),
            "notes": change.notes,
            "updated_by": user,
            "updated_at": now,
        }
        if change.base_version == 0:
            if change.question_id in there:
                refused.append(change)
                continue
            to_create.append(
                Answer(
                    assessment=assessment,
                    question_id=change.question_id,
                    version=1,
                    respondent=respondent,
                    **values,
                )
            )
        elif not rows.filter(
            assessment_id=assessment.pk,
            question_id=change.question_id,
            version=change.base_version,
        ).update(version=F("version") + 1, **values):
            refused.append(change)
            continue
        saved.append(change.question_id)
    Answer.personal.bulk_create(to_create)
    if respondent is not None and any(
        c.score is None and not c.not_applicable for c in changes if c.question_id in saved
    ):
        # A question left open again: not finished any more.
        Respondent.objects.filter(assessment=assessment, user=respondent).update(finished_at=None)
    return SaveOutcome(
        saved=tuple(saved), conflicts=_conflicts(assessment, refused, now, respondent)
    )


def _conflicts(
    assessment: Assessment, refused: list[AnswerInput], now, respondent=None
) -> tuple[Conflict, ...]:
    """Who changed the refused answers since the page was shown, and when (read only when
    there is a conflict)."""
    if not refused:
        return ()
    current = answers_by_question(
        assessment, [c.question_id for c in refused], respondent=respondent
    )
    conflicts = []
    for change in refused:
        answer = current.get(change.question_id)
        conflicts.append(
            Conflict(
                question_id=change.question_id,
                changed_by=(
                    answer.updated_by.get_username()
                    if answer and answer.updated_by_id
                    else "someone"
                ),
                changed_at=answer.updated_at if answer else now,
                yours=change,
            )
        )
    return tuple(conflicts)


def team_constraint(team_id: int) -> scoring.DeliveryPerformance | None:
    """The delivery performance of the team's latest result that has one (DORA's): it ranks
    the recommendations of a framework that asks about no key metric itself (CALMS)."""
    stored = (
        Assessment.objects.latest()
        .filter(team_id=team_id, delivery_rank__isnull=False)
        .order_by("-submitted_at", "-pk")
        .values_list("result__delivery_performance", flat=True)
        .first()
    )
    if not stored or not stored.get("limiting"):
        return None
    return scoring.DeliveryPerformance(
        level=stored["level"],
        limiting=tuple(stored["limiting"]),
        known=stored["known"],
        throughput=stored["throughput"],
        stability=stored["stability"],
        lowest=stored["lowest"],
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    """Freeze a complete draft and store its result, computed once, with it."""
    _lock_draft(assessment, timezone.now())
    locked = Assessment.objects.select_related("framework").get(pk=assessment.pk)
    if locked.mode == Assessment.Mode.EACH and locked.revealed_at is None:
        raise AnswerElsewhere(
            "Each member answers on their own first: reveal the answers, settle the team's "
            "answers together, then submit. Nothing was submitted."
        )
    tree = framework_tree(locked.framework)
    answers = answers_by_question(locked)
    missing = [q for q in tree.questions if q.id not in answers or not answers[q.id].is_answered]
    if missing:
        raise SubmitIncomplete(missing)
    document = result_document(
        tree,
        {qid: (None if a.not_applicable else a.score) for qid, a in answers.items()},
        constraint=None if tree.key_metric_domains else team_constraint(locked.team_id),
    )
    now = timezone.now()
    # What the team's own delivery data said when it answered, frozen with the result.
    document["measured"] = measured_block(
        locked.team,
        locked.framework,
        {m["key_metric"]: m["performance_level"] for m in document["metrics"] if m["key_metric"]},
        now,
    )
    # Where the respondents agreed, counts only (None for an assessment answered together).
    document["agreement"] = agreement_block(locked)
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_by = user
    locked.submitted_at = now
    locked.result = document
    for name, value in result_columns(document).items():
        setattr(locked, name, value)
    locked.save()
    latest_refresh(team_id=locked.team_id, framework_id=locked.framework_id)
    locked.refresh_from_db(fields=["is_latest"])
    return locked


@transaction.atomic
def latest_refresh(*, team_id: int, framework_id: int) -> None:
    """Mark the team's latest submitted assessment of the framework version (by submission
    time, then id) as `is_latest`, and no other. Runs inside the caller's transaction on
    every write that changes which one is latest: a submit, a delete, a corrected date
    (in the caller's transaction, or in one of its own).

    The team's row is locked first, so two submits for one team take turns and the second
    sees the first's result."""
    list(Team.objects.select_for_update().filter(pk=team_id).values_list("pk"))
    pairs = Assessment.objects.filter(team_id=team_id, framework_id=framework_id)
    latest = pairs.submitted().order_by("-submitted_at", "-pk").values_list("pk", flat=True).first()
    pairs.filter(is_latest=True).exclude(pk=latest).update(is_latest=False)
    if latest is not None:
        pairs.filter(pk=latest, is_latest=False).update(is_latest=True)


@transaction.atomic
def latest_rebuild() -> None:
    """Mark every team's latest submitted assessment of each framework version from
    scratch, for assessments written in bulk (a seeded benchmark, an import of history)."""
    latest = (
        Assessment.objects.submitted()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("team_id"), F("framework_id")],
                order_by=[F("submitted_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values_list("pk", flat=True)
    )
    ids = list(latest)
    Assessment.objects.filter(is_latest=True).update(is_latest=False)
    for start in range(0, len(ids), 500):
        Assessment.objects.filter(pk__in=ids[start : start + 500]).update(is_latest=True)


@transaction.atomic
def assessment_delete(*, assessment: Assessment) -> None:
    """Delete an assessment with its answers; its team's latest result moves to the one
    before it, if any."""
    team_id, framework_id = assessment.team_id, assessment.framework_id
    assessment.delete()
    latest_refresh(team_id=team_id, framework_id=framework_id)
