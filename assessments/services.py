"""Writes of assessments and answers. Each function is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from frameworks.models import Framework
from frameworks.tree import framework_tree

from . import sql
from .models import Answer, Assessment, Team
from .results import result_document


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
def assessment_start(*, user, team: Team, framework: Framework, title: str = "") -> Assessment:
    return Assessment.objects.create(
        team=team,
        framework=framework,
        title=title.strip() or default_title(framework, team),
        created_by=user,
    )


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


def _lock_draft(assessment: Assessment) -> None:
    """Lock the draft's row for this transaction, with a write that matches only a draft:
    saves and submits of one assessment then run one after another, and a submitted one is
    refused (with who submitted it, read after the lock)."""
    if not sql.lock_draft(assessment.pk):
        raise AssessmentNotDraft(Assessment.objects.get(pk=assessment.pk))


@transaction.atomic
def answers_save(*, assessment: Assessment, user, changes: list[AnswerInput]) -> SaveOutcome:
    """Write the answers the user changed on a page.

    `changes` holds only the questions whose fields differ from what the page was rendered
    with. If someone else saved a question since then (its version moved on), their newer
    answer is kept and the question is reported as a conflict.
    """
    if not changes:
        return SaveOutcome(saved=(), conflicts=())
    _lock_draft(assessment)
    existing = sql.answers_of(assessment, [c.question_id for c in changes])
    now = timezone.now()
    saved, conflicts, to_create, to_update = [], [], [], []
    newly_answered = 0
    for change in changes:
        answer = existing.get(change.question_id)
        current_version = answer.version if answer else 0
        if current_version != change.base_version:
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
            continue
        if answer is None:
            answer = Answer(assessment=assessment, question_id=change.question_id, version=0)
            to_create.append(answer)
        else:
            to_update.append(answer)
            newly_answered -= answer.is_answered
        answer.score = None if change.not_applicable else change.score
        answer.not_applicable = change.not_applicable
        answer.not_applicable_reason = change.not_applicable_reason if change.not_applicable else ""
        answer.notes = change.notes
        answer.version += 1
        answer.updated_by = user
        answer.updated_at = now
        newly_answered += answer.is_answered
        saved.append(change.question_id)
    if saved:
        sql.answers_write(to_create, to_update)
        sql.draft_saved(assessment.pk, newly_answered, now)
    return SaveOutcome(saved=tuple(saved), conflicts=tuple(conflicts))


def answered_count_refresh(*, assessment: Assessment) -> None:
    """Recount the assessment's answered questions, for answers written other than through
    answers_save (such as by hand in tests or scripts)."""
    Assessment.objects.filter(pk=assessment.pk).update(
        answered_count=Answer.objects.filter(assessment=assessment).answered().count(),
        updated_at=timezone.now(),
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    """Freeze a complete draft and store its result, computed once, with it."""
    _lock_draft(assessment)
    locked = Assessment.objects.select_related("framework").get(pk=assessment.pk)
    tree = framework_tree(locked.framework)
    answers = sql.answers_of(locked)
    missing = [q for q in tree.questions if q.id not in answers or not answers[q.id].is_answered]
    if missing:
        raise SubmitIncomplete(missing)
    document = result_document(
        tree, {qid: (None if a.not_applicable else a.score) for qid, a in answers.items()}
    )
    now = timezone.now()
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_by = user
    locked.submitted_at = now
    locked.result = document
    locked.overall_percent = document["overall_percent"]
    level = document["maturity_level"]
    locked.maturity_level = level["name"] if level else ""
    locked.maturity_level_number = level["level"] if level else None
    locked.save()
    return locked
