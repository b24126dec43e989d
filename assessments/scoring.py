"""Scoring and recommendations: pure functions over plain data (no ORM, no request).

The rules:
- A question's score is 0-5; 0 means unknown or not in place and counts as zero. An answer
  of "not applicable" (None here) is left out.
- Domain percentage = mean of its scored questions / 5 x 100; a domain whose questions are
  all not applicable has no percentage.
- Overall percentage = the mean of the domain percentages weighted by domain weight, over
  the domains that have a percentage (their weights renormalised to sum to 1).
- Maturity level = the level with the highest lower bound <= the overall percentage,
  compared exactly. Arithmetic uses Fractions, so 80 is 80 and never 79.99999.
- A key metric's performance level is the label on the guidance of its headline question's
  score: Elite / High / Medium / Low, or Unknown for score 0 or not applicable.
- A recommendation is a question below 5; its gain is what rising one level adds to the
  overall percentage: normalised domain weight x 1/5 x 1/(questions scored in the domain).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MAX_SCORE = 5
UNKNOWN = "Unknown"


@dataclass(frozen=True)
class DomainSpec:
    id: int
    name: str
    weight: Decimal
    question_ids: tuple[int, ...]
    # For a key-metric domain: its headline question and score -> performance label.
    headline_question_id: int | None = None
    performance_labels: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class LevelSpec:
    level: int
    name: str
    lower_bound: Decimal


@dataclass(frozen=True)
class FrameworkSpec:
    domains: tuple[DomainSpec, ...]
    levels: tuple[LevelSpec, ...]

    @property
    def question_count(self) -> int:
        return sum(len(d.question_ids) for d in self.domains)


# question id -> score 0-5, or None for "not applicable"
Answers = Mapping[int, int | None]


@dataclass(frozen=True)
class DomainResult:
    domain_id: int
    name: str
    weight: Decimal
    percent: Fraction | None
    scored: int
    not_applicable: int
    contribution: Fraction | None  # percentage points this domain adds to the overall score


@dataclass(frozen=True)
class MetricResult:
    domain_id: int
    name: str
    question_id: int
    score: int | None
    performance_level: str


@dataclass(frozen=True)
class Coverage:
    scored: int
    not_applicable: int
    total: int

    def __str__(self) -> str:
        text = f"scored on {self.scored} of {self.total} questions"
        if self.not_applicable:
            text += f"; {self.not_applicable} not applicable"
        return text


@dataclass(frozen=True)
class Result:
    overall_percent: Fraction | None
    level: LevelSpec | None
    domains: tuple[DomainResult, ...]
    metrics: tuple[MetricResult, ...]
    coverage: Coverage


@dataclass(frozen=True)
class Recommendation:
    question_id: int
    domain_id: int
    current_score: int
    gain_percent: Fraction


def _scores(domain: DomainSpec, answers: Answers) -> list[int]:
    """The domain's scored answers (not applicable and unanswered left out)."""
    return [answers[q] for q in domain.question_ids if answers.get(q) is not None]


def domain_percent(domain: DomainSpec, answers: Answers) -> Fraction | None:
    scores = _scores(domain, answers)
    if not scores:
        return None
    return Fraction(sum(scores), len(scores)) / MAX_SCORE * 100


def maturity_level(levels: tuple[LevelSpec, ...], percent: Fraction | None) -> LevelSpec | None:
    """The level with the highest lower bound at or below `percent`, compared exactly."""
    if percent is None:
        return None
    reached = [level for level in levels if Fraction(level.lower_bound) <= percent]
    return max(reached, key=lambda level: level.lower_bound, default=None)


def performance_level(domain: DomainSpec, answers: Answers) -> str:
    score = answers.get(domain.headline_question_id)
    if not score:  # 0 (unknown), not applicable or unanswered
        return UNKNOWN
    return dict(domain.performance_labels).get(score) or UNKNOWN


def score(spec: FrameworkSpec, answers: Answers) -> Result:
    percents = {d.id: domain_percent(d, answers) for d in spec.domains}
    total_weight = sum(
        (Fraction(d.weight) for d in spec.domains if percents[d.id] is not None), Fraction(0)
    )
    overall = None
    if total_weight:
        overall = (
            sum(
                Fraction(d.weight) * percents[d.id]
                for d in spec.domains
                if percents[d.id] is not None
            )
            / total_weight
        )
    domains = tuple(
        DomainResult(
            domain_id=d.id,
            name=d.name,
            weight=d.weight,
            percent=percents[d.id],
            scored=len(_scores(d, answers)),
            not_applicable=sum(1 for q in d.question_ids if q in answers and answers[q] is None),
            contribution=(
                None
                if percents[d.id] is None
                else Fraction(d.weight) * percents[d.id] / total_weight
            ),
        )
        for d in spec.domains
    )
    metrics = tuple(
        MetricResult(
            domain_id=d.id,
            name=d.name,
            question_id=d.headline_question_id,
            score=answers.get(d.headline_question_id),
            performance_level=performance_level(d, answers),
        )
        for d in spec.domains
        if d.headline_question_id is not None
    )
    scored = sum(result.scored for result in domains)
    not_applicable = sum(result.not_applicable for result in domains)
    return Result(
        overall_percent=overall,
        level=maturity_level(spec.levels, overall),
        domains=domains,
        metrics=metrics,
        coverage=Coverage(scored=scored, not_applicable=not_applicable, total=spec.question_count),
    )


def recommendations(spec: FrameworkSpec, answers: Answers) -> tuple[Recommendation, ...]:
    """Every question below 5, ranked by how much rising one level adds to the overall score.

    Ties go to the heavier domain, then to the question that comes first.
    """
    scored_domains = [d for d in spec.domains if _scores(d, answers)]
    total_weight = sum((Fraction(d.weight) for d in scored_domains), Fraction(0))
    ranked = []
    order = 0
    for domain in spec.domains:
        count = len(_scores(domain, answers))
        for question_id in domain.question_ids:
            order += 1
            current = answers.get(question_id)
            if current is None or current >= MAX_SCORE:
                continue
            gain = Fraction(domain.weight) / total_weight * Fraction(100, MAX_SCORE) / count
            ranked.append(
                (
                    -gain,
                    -domain.weight,
                    order,
                    Recommendation(question_id, domain.id, current, gain),
                )
            )
    ranked.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in ranked)


@dataclass(frozen=True)
class MetricOutlook:
    """Where a key metric stands and the next better benchmark bucket (None at the top)."""

    domain_id: int
    current_level: str
    current_score: int | None
    next_level: str | None
    next_score: int | None


def metric_outlook(domain: DomainSpec, answers: Answers) -> MetricOutlook:
    labels = dict(domain.performance_labels)
    current_score = answers.get(domain.headline_question_id)
    current_level = performance_level(domain, answers)
    floor = current_score or 0
    next_score = next(
        (
            s
            for s in sorted(labels)
            if s > floor and labels[s] and (current_level == UNKNOWN or labels[s] != current_level)
        ),
        None,
    )
    return MetricOutlook(
        domain_id=domain.id,
        current_level=current_level,
        current_score=current_score,
        next_level=labels.get(next_score) if next_score is not None else None,
        next_score=next_score,
    )
