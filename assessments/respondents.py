"""An assessment answered "each on your own, then together" (Assessment.Mode.EACH): its
respondents, their finishing, the reveal that closes individual answering and starts the
team's answers at the median, and the spreads the team then discusses (the rules are pure,
in agreement.py).

A respondent's own answers are Answer rows with `respondent` set, read only through
Answer.personal and only here and by the answering code for the signed-in user; every
other path (pages, exports, API, admin, results) reads Answer.objects, which never returns
them. What leaves this module about them is counts: how many finished, who has not started
(names, no answers), and spreads (how many chose each score, never who).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from frameworks.tree import framework_tree
from teams.models import Membership

from . import agreement
from .models import Answer, Assessment, Respondent


class RevealRefused(Exception):
    pass


def required_for(assessment: Assessment) -> int:
    """How many respondents must have finished before the reveal (agreement.required)."""
    members = Membership.objects.filter(team_id=assessment.team_id).count()
    return agreement.required(assessment.team.min_respondents, members)


@dataclass(frozen=True)
class Standing:
    """Where individual answering stands, as teammates may see it: counts and names only."""

    respondents: int
    finished: int
    required: int
    not_started: tuple[str, ...]  # members with no answer of their own yet
    me_finished: bool
    me_answered: int

    @property
    def may_reveal(self) -> bool:
        return self.finished >= self.required


def standing(assessment: Assessment, user, mine: int) -> Standing:
    """How many have finished, who has not started, and the user's own progress (`mine`:
    how many of their own answers are answered, which the page has read): one query, the
    team's members, each with whether they finished and whether they started."""
    members = list(
        Membership.objects.filter(team_id=assessment.team_id)
        .annotate(
            finished=Exists(
                Respondent.objects.filter(
                    assessment=assessment, user=OuterRef("user"), finished_at__isnull=False
                )
            ),
            started=Exists(
                Answer.personal.filter(assessment=assessment, respondent=OuterRef("user"))
            ),
        )
        .select_related("user")
        .order_by("user__username")
    )
    return Standing(
        respondents=len(members),
        finished=sum(1 for m in members if m.finished),
        required=agreement.required(assessment.team.min_respondents, len(members)),
        not_started=tuple(m.user.get_username() for m in members if not m.started),
        me_finished=any(m.finished for m in members if m.user_id == user.pk),
        me_answered=mine,
    )


@transaction.atomic
def respondents_start(assessment: Assessment) -> None:
    """The team's members at the start are the assessment's respondents."""
    Respondent.objects.bulk_create(
        [
            Respondent(assessment=assessment, user_id=uid)
            for uid in Membership.objects.filter(team_id=assessment.team_id).values_list(
                "user_id", flat=True
            )
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def respondent_finish(assessment: Assessment, user) -> None:
    """The user says they have finished: every question has a score or "not applicable"
    among their own answers."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.revealed_at is not None or not locked.is_draft:
        raise RevealRefused("The answers were revealed already: nothing to finish.")
    tree = framework_tree(locked.framework)
    answered = set(
        Answer.personal.filter(assessment=locked, respondent=user)
        .answered()
        .values_list("question_id", flat=True)
    )
    missing = [q for q in tree.questions if q.id not in answered]
    if missing:
        raise RevealRefused(
            f"{len(missing)} of your answers are still open, the first Q{missing[0].number} "
            f"{missing[0].topic}: answer each, or mark it not applicable, then finish."
        )
    Respondent.objects.update_or_create(
        assessment=locked, user=user, defaults={"finished_at": timezone.now()}
    )


def spreads(assessment: Assessment, question_ids=None) -> dict[int, agreement.Spread]:
    """Per question, the spread of the respondents' own answers (one query): counts only."""
    rows = Answer.personal.filter(assessment=assessment, respondent__isnull=False)
    if question_ids is not None:
        rows = rows.filter(question_id__in=list(question_ids))
    found: dict[int, list] = {}
    for question_id, score, not_applicable in rows.values_list(
        "question_id", "score", "not_applicable"
    ):
        found.setdefault(question_id, []).append(agreement.NA if not_applicable else score)
    return {qid: agreement.spread(values) for qid, values in found.items()}


@transaction.atomic
def assessment_reveal(assessment: Assessment, user) -> int:
    """Close individual answering and start the team's answers at each question's median:
    one step, all or nothing. Refused (nothing changed) when the assessment is not answered
    each on one's own, is revealed already, or too few have finished. How many team answers
    were started."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_draft:
        raise RevealRefused("This assessment was submitted: there is nothing to reveal.")
    if locked.mode != Assessment.Mode.EACH:
        raise RevealRefused("This assessment is answered together: there is nothing to reveal.")
    if locked.revealed_at is not None:
        when = timezone.localtime(locked.revealed_at).strftime("%d %b %Y %H:%M")
        raise RevealRefused(f"The answers were revealed on {when} already.")
    # Those who finished and are members still, as the review page counts them.
    finished = Respondent.objects.filter(
        assessment=locked,
        finished_at__isnull=False,
        user__memberships__team_id=locked.team_id,
    ).count()
    needed = required_for(locked)
    if finished < needed:
        raise RevealRefused(
            f"{finished} of the {needed} respondents needed have finished: the answers can "
            "be revealed once they have."
        )
    now = timezone.now()
    # A plain update under the lock: a save that waits for it sees the reveal (SQLite's
    # IMMEDIATE transactions and PostgreSQL's row lock alike).
    Assessment.objects.filter(pk=locked.pk).update(revealed_at=now, updated_at=now)
    started = []
    for question_id, found in shown_spreads(locked, needed).items():
        start = agreement.team_answer(found)
        if start is None:
            continue
        started.append(
            Answer(
                assessment=locked,
                question_id=question_id,
                score=None if start == agreement.NA else start,
                not_applicable=start == agreement.NA,
                not_applicable_reason="Most respondents chose not applicable."
                if start == agreement.NA
                else "",
                notes="",
                version=1,
                updated_by=None,  # the median of everyone's, nobody's own choice
                updated_at=now,
            )
        )
    # No team answer can be there before the reveal (services.answers_save refuses them).
    Answer.personal.bulk_create(started)
    return len(started)


def shown_spreads(assessment: Assessment, needed: int, question_ids=None) -> dict:
    """The spreads that may be shown: those of questions at least `needed` answered (a
    smaller group's answers would be all but named); the others are left out, also from
    the team's starting answers and the result."""
    return {
        qid: found
        for qid, found in spreads(assessment, question_ids).items()
        if found.answered >= needed
    }


def agreement_block(assessment: Assessment) -> dict | None:
    """The result's agreement block (agreement.agreement), with how many answered on their
    own; None for an assessment answered together."""
    if assessment.mode != Assessment.Mode.EACH:
        return None
    found = shown_spreads(assessment, required_for(assessment))
    block = agreement.agreement({str(qid): s for qid, s in sorted(found.items())})
    block["respondents"] = (
        Answer.personal.filter(assessment=assessment, respondent__isnull=False)
        .values("respondent_id")
        .distinct()
        .count()
    )
    return block
