"""Builders for test frameworks: complete and valid unless told otherwise."""

from decimal import Decimal

from frameworks import key_metrics
from frameworks.models import (
    SCORES,
    Domain,
    Framework,
    Gate,
    MaturityLevel,
    Question,
    ScoreGuidance,
)

DEFAULT_LEVELS = (
    (1, "Initial", 0),
    (2, "Low", 20),
    (3, "Medium", 40),
    (4, "High", 60),
    (5, "Elite", 80),
)


def make_framework(
    *,
    slug="test-framework",
    version="1.0",
    name="Test Framework",
    weights=(60, 40),
    questions=(2, 1),
    levels=DEFAULT_LEVELS,
    published=True,
    headline_labels=None,
    estimated_minutes=30,
) -> Framework:
    """A framework with one gate per domain and full guidance for every question.

    `weights` and `questions` give each domain's weight and question count. With
    `headline_labels` (a dict score -> label), the first question of every domain carries
    performance labels, as the DORA key-metric questions do.
    """
    framework = Framework.objects.create(
        slug=slug,
        version=version,
        name=name,
        description=f"{name} for tests.",
        estimated_minutes=estimated_minutes,
        is_published=published,
    )
    for number, level_name, lower_bound in levels:
        MaturityLevel.objects.create(
            framework=framework,
            level=number,
            name=level_name,
            lower_bound=Decimal(lower_bound),
            description=f"{level_name} from {lower_bound}%.",
        )
    for d_pos, (weight, count) in enumerate(zip(weights, questions, strict=True), start=1):
        domain = Domain.objects.create(
            framework=framework,
            position=d_pos,
            name=f"Domain {d_pos}",
            weight=Decimal(weight),
            # With headline questions, the first four domains stand for the key metrics.
            key_metric=key_metrics.CODES[d_pos - 1] if headline_labels and d_pos <= 4 else "",
        )
        gate = Gate.objects.create(domain=domain, position=1, name=f"Gate {d_pos}")
        for q_pos in range(1, count + 1):
            question = Question.objects.create(
                gate=gate,
                position=q_pos,
                topic=f"Topic {d_pos}.{q_pos}",
                text=f"Question {d_pos}.{q_pos}?",
                why_it_matters=f"Why {d_pos}.{q_pos} matters.",
            )
            ScoreGuidance.objects.bulk_create(
                ScoreGuidance(
                    question=question,
                    score=score,
                    description=f"Level {score} of {d_pos}.{q_pos}",
                    example=f"Example {score} of {d_pos}.{q_pos}",
                    performance_label=(
                        (headline_labels or {}).get(score, "") if q_pos == 1 else ""
                    ),
                )
                for score in SCORES
            )
    return framework


def framework_questions(framework: Framework) -> list[Question]:
    return list(
        Question.objects.filter(gate__domain__framework=framework).order_by(
            "gate__domain__position", "gate__position", "position"
        )
    )
