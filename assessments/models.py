"""Teams' assessments against a framework, and the answers to its questions.

Who may read or change them is the one access rule (teams.models.team_access), applied by
`visible_to(user)` / `changeable_by(user)` through the assessment's team; pages, downloads,
forms and services read through those methods (see selectors.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from frameworks.models import MAX_SCORE, MIN_SCORE, Framework, Question
from teams.models import Team, team_access


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Assessments the user may read (the access rule, through the team)."""
        return self.filter(team_access(user, change=False, team="team"))

    def changeable_by(self, user, *, inline: bool = False):
        """Assessments whose answers the user may change (the access rule, through the team)."""
        return self.filter(team_access(user, change=True, team="team", inline=inline))

    def submitted(self):
        return self.filter(status=Assessment.Status.SUBMITTED)

    def drafts(self):
        return self.filter(status=Assessment.Status.DRAFT)

    def latest(self):
        """Each team's latest submitted assessment of each framework version."""
        return self.filter(is_latest=True)

    def with_answered_count(self):
        """Each assessment with `answered_count`, how many of its questions have a score or
        "not applicable", counted by the database for the rows read (a subquery over the
        answers' (assessment, question) index)."""
        answered = (
            Answer.objects.filter(assessment=OuterRef("pk"))
            .answered()
            .order_by()
            .values("assessment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(answered_count=Coalesce(Subquery(answered), Value(0)))


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
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
    # DORA's delivery performance (scoring.delivery_performance): its level's name, and its
    # rank for sorting (1 Low to 4 Elite); empty and null when the framework has no key
    # metrics or too few were known.
    delivery_performance = models.CharField(max_length=10, blank=True)
    delivery_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    # Each key metric's answered level ([name, level] pairs, as the result's "metrics"), and
    # on how many answers and the team's data disagreed (null: no data stored with it).
    metric_levels = models.JSONField(default=list, blank=True, editable=False)
    measured_disagreements = models.PositiveSmallIntegerField(null=True, blank=True)
    # The share of questions its respondents agreed on within one point (an assessment
    # answered each on one's own; None otherwise): from the result's agreement block.
    agreement_share = models.FloatField(null=True, blank=True, editable=False)
    result = models.JSONField(null=True, blank=True)
    # Whether this is the team's latest submitted assessment of its framework version: the
    # row the overview and the team profile show. Kept by services.latest_refresh in the
    # same transaction as every submit and delete; at most one per team and framework.
    is_latest = models.BooleanField(default=False, editable=False)

    class Mode(models.TextChoices):
        TOGETHER = "together", "Together"
        EACH = "each", "Each on your own, then together"

    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TOGETHER)
    # When a respondent revealed the spreads, closing individual answering (mode "each").
    revealed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True, result__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False, result__isnull=False),
                name="assessment_submitted_has_result",
            ),
            models.UniqueConstraint(
                fields=["team", "framework"],
                condition=Q(is_latest=True),
                name="assessment_one_latest_per_team_framework",
            ),
            models.CheckConstraint(
                condition=Q(is_latest=False) | Q(status="submitted"),
                name="assessment_latest_is_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "submitted_at"], name="assessment_team_status"),
            models.Index(fields=["-updated_at"], name="assessment_updated"),
            # The overview sorts the latest results by each of its columns in the database.
            models.Index(
                fields=["overall_percent"], condition=Q(is_latest=True), name="latest_by_overall"
            ),
            models.Index(
                fields=["submitted_at"], condition=Q(is_latest=True), name="latest_by_date"
            ),
            models.Index(
                fields=["maturity_level_number"],
                condition=Q(is_latest=True),
                name="latest_by_level",
            ),
            models.Index(
                fields=["framework", "id"], condition=Q(is_latest=True), name="latest_by_framework"
            ),
            models.Index(
                fields=["delivery_rank"], condition=Q(is_latest=True), name="latest_by_delivery"
            ),
            # The overview's level counts, read from the index alone (overview_summary).
            models.Index(
                fields=[
                    "framework",
                    "maturity_level_number",
                    "delivery_performance",
                    "submitted_at",
                ],
                condition=Q(is_latest=True),
                name="latest_counts",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class TeamAnswers(models.Manager):
    """Answer.objects: the team's answers only, never a respondent's own (issue 22: nobody
    but the respondent sees those, by any path that reads answers: pages, exports, the API,
    the admin, results). A respondent's own are read through Answer.personal, by the
    answering code alone (assessments/respondents.py)."""

    def get_queryset(self):
        return super().get_queryset().filter(respondent__isnull=True)


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Answers the user may read (the access rule, through the assessment's team)."""
        return self.filter(team_access(user, change=False, team="assessment__team"))

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
    # Set on a respondent's own answer in an assessment answered "each on your own, then
    # together" (Assessment.mode); None on the team's answer.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = TeamAnswers.from_queryset(AnswerQuerySet)()
    personal = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "question_id"]
        base_manager_name = "personal"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"],
                condition=Q(respondent__isnull=True),
                name="answer_unique_per_question",
            ),
            models.UniqueConstraint(
                fields=["assessment", "respondent", "question"],
                condition=Q(respondent__isnull=False),
                name="answer_own_unique_per_question",
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
        if self.respondent_id is not None:
            return "A respondent's own answer"  # what it says is theirs alone
        if self.not_applicable:
            return "Not applicable"
        return "Unanswered" if self.score is None else f"Score {self.score}"

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.not_applicable


class Respondent(models.Model):
    """A member answering an assessment "each on your own": who, since when, and when they
    said they had finished. Teammates see who has finished or not started, never answers."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="respondent_once")
        ]

    def __str__(self):
        return f"{self.user} in {self.assessment}"


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions the user may read (the access rule, through the team)."""
        return self.filter(team_access(user, change=False, team="team"))

    def changeable_by(self, user):
        """Actions the user may change: those of their own teams."""
        return self.filter(team_access(user, change=True, team="team"))

    def open(self):
        return self.filter(status__in=Action.OPEN)


class Action(models.Model):
    """An improvement a team commits to: what it will do about some questions of one
    framework (and the key metric they should move), with an owner, a due date and a status;
    its baseline is kept when it is made, and its verdict is found once a later result of the
    framework arrives (assessments/improvements.py)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "planned"
        IN_PROGRESS = "in_progress", "in progress"
        DONE = "done", "done"
        VERIFIED = "verified", "verified"
        DROPPED = "dropped", "dropped"

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=200)
    plan = models.TextField("what the team will do", max_length=2000, blank=True)
    questions = models.ManyToManyField(Question, through="ActionQuestion", related_name="+")
    key_metric = models.CharField(max_length=30, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="actions"
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    dropped_reason = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=500, blank=True, help_text="The team's tracker issue.")
    # The result it came from, and what stood at its making: the questions' scores there
    # and, where the team sends delivery data, the key metric over the 91 days before.
    source = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    baseline = models.JSONField(default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The verdict as it was confirmed ({"state", "words", "result"}): what pages and
    # downloads say of a verified action without working it out again.
    verdict = models.JSONField(null=True, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status"], name="action_team_status"),
            models.Index(fields=["owner", "status"], name="action_owner_status"),
        ]

    def __str__(self):
        return self.title


class ActionQuestion(models.Model):
    """A question an action addresses: protected, as answered questions are."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="addressed")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "question"], name="action_question_once")
        ]

    def __str__(self):
        return f"{self.action} · {self.question}"


class ActionEvent(models.Model):
    """One change of an action's status (its making included): who, when, and why."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=Action.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action} → {self.status}"
