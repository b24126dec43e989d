"""The framework catalogue: Framework > Domain > Gate > Question > ScoreGuidance, plus the
framework's maturity levels.

Every model has a natural key, so fixtures carry no database ids and loading the same
fixture twice updates rows in place. Positions are unique within their parent and 1-based.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import key_metrics

MIN_SCORE = 0
MAX_SCORE = 5
SCORES = tuple(range(MIN_SCORE, MAX_SCORE + 1))


def trim_decimal(value) -> str:
    """80.00 -> "80", 12.50 -> "12.5": how weights and bounds read on pages."""
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


version_validator = RegexValidator(
    r"^[0-9]+(\.[0-9]+)*$", "A version is numbers separated by dots, such as 1.0 or 2.1.3."
)


class FrameworkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class FrameworkManager(models.Manager.from_queryset(FrameworkQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, slug, version):
        return self.get(slug=slug, version=version)


class Framework(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, help_text="Short name used in URLs and fixtures.")
    version = models.CharField(max_length=20, validators=[version_validator])
    description = models.TextField(blank=True)
    estimated_minutes = models.PositiveIntegerField(
        default=30, help_text="How long a whole assessment takes a team, in minutes."
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Only published frameworks can be assessed. A published framework must "
        "pass the integrity check.",
    )
    # A new value whenever the content changes, set by the code that changes it
    # (services.content_version_renew), so that trees cached under the old value
    # (tree.framework_tree) are never used again.
    content_version = models.UUIDField(default=uuid.uuid4, editable=False)
    # Plain defaults rather than auto_now: loaddata saves rows raw, which skips auto_now.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField("content last changed", default=timezone.now, editable=False)

    objects = FrameworkManager()

    class Meta:
        ordering = ["name", "slug", "version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_unique_version"),
        ]

    def __str__(self):
        return f"{self.name} {self.version}"

    def natural_key(self):
        return (self.slug, self.version)


class DomainManager(models.Manager):
    use_in_migrations = True

    def get_by_natural_key(self, slug, version, position):
        return self.get(framework__slug=slug, framework__version=version, position=position)


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
        help_text="Share of the overall score, in percent. A framework's weights sum to 100.",
    )
    key_metric = models.CharField(
        max_length=30,
        choices=key_metrics.CHOICES,
        blank=True,
        help_text="The DORA key metric this domain stands for, if any: its headline question "
        "(the one whose guidance carries performance labels) gives the metric's level.",
    )

    objects = DomainManager()

    class Meta:
        ordering = ["framework_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "position"], name="domain_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="domain_weight_positive"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="domain_position_positive"),
            models.UniqueConstraint(
                fields=["framework", "key_metric"],
                condition=~Q(key_metric=""),
                name="domain_unique_key_metric",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"

    def natural_key(self):
        return (*self.framework.natural_key(), self.position)

    natural_key.dependencies = ["frameworks.framework"]


class GateManager(models.Manager):
    use_in_migrations = True

    def get_by_natural_key(self, slug, version, domain_position, position):
        return self.get(
            domain__framework__slug=slug,
            domain__framework__version=version,
            domain__position=domain_position,
            position=position,
        )


class Gate(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="gates")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    objects = GateManager()

    class Meta:
        ordering = ["domain_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "position"], name="gate_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="gate_position_positive"),
        ]

    def __str__(self):
        framework = self.domain.framework
        return f"{framework.slug} {framework.version} · {self.domain.name} / {self.name}"

    def natural_key(self):
        return (*self.domain.natural_key(), self.position)

    natural_key.dependencies = ["frameworks.domain"]


def validate_key_metrics(value) -> None:
    bad = key_metrics.invalid_codes(value)
    if bad:
        raise ValidationError(
            "Give a list of distinct key-metric codes (%(codes)s); not %(bad)s.",
            params={"codes": ", ".join(key_metrics.CODES), "bad": bad},
        )


class QuestionManager(models.Manager):
    use_in_migrations = True

    def get_by_natural_key(self, slug, version, domain_position, gate_position, position):
        return self.get(
            gate__domain__framework__slug=slug,
            gate__domain__framework__version=version,
            gate__domain__position=domain_position,
            gate__position=gate_position,
            position=position,
        )


class Question(models.Model):
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    topic = models.CharField(
        max_length=80,
        help_text="A short label for tables and charts, such as 'Deployment automation'.",
    )
    text = models.TextField(max_length=300)
    why_it_matters = models.TextField(
        "what it measures and why it matters", max_length=600, blank=True
    )
    benchmark_note = models.TextField(
        max_length=600, blank=True, help_text="The benchmark this question relates to, if any."
    )
    key_metrics = models.JSONField(
        "key metrics it drives",
        default=list,
        blank=True,
        validators=[validate_key_metrics],
        help_text="The DORA key metrics that research connects this practice with (codes: "
        + ", ".join(key_metrics.CODES)
        + "). Recommendations rank it with the metric that holds a team back.",
    )

    objects = QuestionManager()

    class Meta:
        ordering = ["gate_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "position"], name="question_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="question_position_positive"),
        ]

    def __str__(self):
        return f"{self.topic}: {self.text}"

    def natural_key(self):
        return (*self.gate.natural_key(), self.position)

    natural_key.dependencies = ["frameworks.gate"]


class PerformanceLabel(models.TextChoices):
    ELITE = "Elite"
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class ScoreGuidanceManager(models.Manager):
    use_in_migrations = True

    def get_by_natural_key(self, slug, version, domain_position, gate_position, position, score):
        return self.get(
            question__gate__domain__framework__slug=slug,
            question__gate__domain__framework__version=version,
            question__gate__domain__position=domain_position,
            question__gate__position=gate_position,
            question__position=position,
            score=score,
        )


class ScoreGuidance(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="guidance")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)]
    )
    description = models.TextField(max_length=400)
    example = models.TextField(max_length=300, blank=True)
    performance_label = models.CharField(
        max_length=10,
        choices=PerformanceLabel.choices,
        blank=True,
        help_text="For a key metric's headline question: the DORA performance level this "
        "score stands for.",
    )
    lower_bound = models.FloatField(
        null=True,
        blank=True,
        help_text="For a key metric's headline question: the least measured value this score "
        "stands for, in the metric's unit (deployments a week; hours; a fraction of "
        "deployments for change failure rate). Included, except for change failure rate. "
        "Empty: no lower bound.",
    )
    upper_bound = models.FloatField(
        null=True,
        blank=True,
        help_text="The measured value this score stands for up to: left out, except for "
        'change failure rate ("5% or less"). Empty: no upper bound.',
    )

    objects = ScoreGuidanceManager()

    class Meta:
        verbose_name = "score guidance"
        verbose_name_plural = "score guidance"
        ordering = ["question_id", "score"]
        constraints = [
            models.UniqueConstraint(fields=["question", "score"], name="guidance_unique_score"),
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE) & Q(score__lte=MAX_SCORE),
                name="guidance_score_range",
            ),
            models.CheckConstraint(
                condition=Q(performance_label__in=["", *PerformanceLabel.values]),
                name="guidance_performance_label_valid",
            ),
            models.CheckConstraint(
                condition=Q(lower_bound__isnull=True)
                | Q(upper_bound__isnull=True)
                | Q(lower_bound__lt=models.F("upper_bound")),
                name="guidance_bounds_ordered",
            ),
        ]

    def __str__(self):
        return f"Score {self.score}: {self.description[:60]}"

    def natural_key(self):
        return (*self.question.natural_key(), self.score)

    natural_key.dependencies = ["frameworks.question"]


class MaturityLevelManager(models.Manager):
    use_in_migrations = True

    def get_by_natural_key(self, slug, version, level):
        return self.get(framework__slug=slug, framework__version=version, level=level)


class MaturityLevel(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(help_text="1 for the lowest level.")
    name = models.CharField(max_length=60)
    lower_bound = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The overall percentage from which this level applies.",
    )
    description = models.TextField(max_length=400, blank=True)

    objects = MaturityLevelManager()

    class Meta:
        ordering = ["framework_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], name="level_unique_number"),
            models.UniqueConstraint(
                fields=["framework", "lower_bound"], name="level_unique_lower_bound"
            ),
            models.CheckConstraint(
                condition=Q(lower_bound__gte=0) & Q(lower_bound__lte=100),
                name="level_lower_bound_range",
            ),
        ]

    def __str__(self):
        return f"{self.level}. {self.name} (from {trim_decimal(self.lower_bound)}%)"

    def natural_key(self):
        return (*self.framework.natural_key(), self.level)

    natural_key.dependencies = ["frameworks.framework"]
