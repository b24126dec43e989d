"""Teams, their assessments against a framework, and the answers to its questions."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from frameworks.models import MAX_SCORE, MIN_SCORE, Framework, Question


class TeamQuerySet(models.QuerySet):
    def for_user(self, user):
        """Teams the user may see: their own, or every team for staff."""
        if user.is_staff:
            return self.all()
        return self.filter(memberships__user=user)


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} in {self.team}"


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Assessments the user may see and change: their teams', or all for staff."""
        if user.is_staff:
            return self.all()
        return self.filter(team__memberships__user=user)

    def submitted(self):
        return self.filter(status=Assessment.Status.SUBMITTED)

    def drafts(self):
        return self.filter(status=Assessment.Status.DRAFT)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # How many questions have a score or "not applicable"; kept exact by answers_save, in
    # the same transaction as the answers, so that lists need not count answers per row.
    answered_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    # The result, computed once when the assessment is submitted and never re-scored, so
    # later edits to the framework do not change it. `result` holds the whole breakdown
    # (see assessments/results.py); the columns beside it serve lists and sorting.
    overall_percent = models.FloatField(null=True, blank=True)
    maturity_level = models.CharField(max_length=60, blank=True)
    maturity_level_number = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True, result__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False, result__isnull=False),
                name="assessment_submitted_has_result",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "submitted_at"], name="assessment_team_status"),
            models.Index(fields=["-updated_at"], name="assessment_updated"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class AnswerQuerySet(models.QuerySet):
    def answered(self):
        """Answers that count as answered: a score, or not applicable."""
        return self.filter(Q(score__isnull=False) | Q(not_applicable=True))


class Answer(models.Model):
    """A team's answer to one question: a score 0-5, or "not applicable" with a reason.

    A row may also hold notes before a score is chosen. `version` grows with every change,
    so a save can tell whether someone else changed the answer since the page was loaded.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    not_applicable_reason = models.CharField(max_length=300, blank=True)
    notes = models.TextField(max_length=5000, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField()

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="answer_unique_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | (Q(score__gte=MIN_SCORE) & Q(score__lte=MAX_SCORE)),
                name="answer_score_range",
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | Q(score__isnull=True),
                name="answer_not_applicable_has_no_score",
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | ~Q(not_applicable_reason=""),
                name="answer_not_applicable_has_reason",
            ),
        ]

    def __str__(self):
        if self.not_applicable:
            return "Not applicable"
        return "Unanswered" if self.score is None else f"Score {self.score}"

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.not_applicable
