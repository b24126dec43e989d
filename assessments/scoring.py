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
- Delivery performance (DORA's classification) comes from the key metrics alone: with at
  least three of the four known, it is the level that every known key metric reaches, that
  is the lowest of them, and the metrics at that level are its limiting metrics; with fewer,
  there are not enough answers. Throughput (deployment frequency, lead time) and stability
  (change failure rate, time to restore) are each the lower of their two known metrics.
  Practice maturity, the weighted score and its level above, is a different thing.
- A recommendation is a question below 5; its gain is what rising one level adds to the
  overall percentage: normalised domain weight x 1/5 x 1/(questions scored in the domain).
  Recommendations start at the constraint: first the questions that move a limiting key
  metric (those of its domain, and practices linked to it; none when every known key
  metric is Elite), then all others; within each group the lowest current score first
  (the largest gap), then the larger gain, then the framework's reading order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from frameworks import key_metrics
from frameworks.key_metrics import UNKNOWN

MAX_SCORE = 5
TOP = key_metrics.LEVELS[-1]


@dataclass(frozen=True)
class DomainSpec:
    id: int
    name: str
    weight: Decimal
    question_ids: tuple[int, ...]
    # For a key-metric domain: its headline question and score -> performance label.
    headline_question_id: int | None = None
    performance_labels: tuple[tuple[int, str], ...] = ()
    key_metric: str = ""  # frameworks/key_metrics.py code, for a key-metric domain
    # question id -> the key metrics that question's practice drives (when it has any)
    drives: tuple[tuple[int, tuple[str, ...]], ...] = ()


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
    key_metric: str = ""


@dataclass(frozen=True)
class DeliveryPerformance:
    """DORA's delivery performance, from the key metrics' levels alone."""

    level: str | None  # None: fewer than three key metrics known
    limiting: tuple[str, ...]  # key-metric codes at the lowest known level
    known: int
    throughput: str  # the lower of deployment frequency and lead time, or Unknown
    stability: str  # the lower of change failure rate and time to restore, or Unknown
    lowest: str | None = None  # the lowest known level, even with too few for a level


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
    delivery: DeliveryPerformance | None = None  # None for a framework without key metrics


@dataclass(frozen=True)
class Recommendation:
    question_id: int
    domain_id: int
    current_score: int
    gain_percent: Fraction
    reason: str = ""
    constraint: bool = False  # moves a limiting key metric


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
            key_metric=d.key_metric,
        )
        for d in spec.domains
        if d.headline_question_id is not None
    )
    levels = {m.key_metric: m.performance_level for m in metrics if m.key_metric}
    scored = sum(result.scored for result in domains)
    not_applicable = sum(result.not_applicable for result in domains)
    return Result(
        overall_percent=overall,
        level=maturity_level(spec.levels, overall),
        domains=domains,
        metrics=metrics,
        coverage=Coverage(scored=scored, not_applicable=not_applicable, total=spec.question_count),
        delivery=delivery_performance(levels) if levels else None,
    )


def _rank(level: str) -> int:
    return key_metrics.LEVELS.index(level)


def _lower(levels: list[str]) -> str:
    known = [level for level in levels if level in key_metrics.LEVELS]
    return min(known, key=_rank) if known else UNKNOWN


def delivery_performance(levels: Mapping[str, str]) -> DeliveryPerformance:
    """Delivery performance from each key metric's level (code -> Elite/High/Medium/Low/
    Unknown; a metric the framework does not ask about is Unknown)."""
    known = {code: lv for code, lv in levels.items() if lv in key_metrics.LEVELS}
    lowest = _lower(list(known.values())) if known else None
    limiting = tuple(c for c in key_metrics.CODES if lowest and known.get(c) == lowest)
    factor = {
        name: _lower(
            [known.get(m.code, UNKNOWN) for m in key_metrics.KEY_METRICS if m.factor == name]
        )
        for name in key_metrics.FACTORS
    }
    return DeliveryPerformance(
        level=lowest if len(known) >= 3 else None,
        limiting=limiting,
        known=len(known),
        throughput=factor["throughput"],
        stability=factor["stability"],
        lowest=lowest,
    )


def _names(codes) -> str:
    names = [key_metrics.BY_CODE[code].name for code in codes]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _reason(moved: tuple[str, ...], in_domain: bool, delivery, current: int) -> str:
    """Why a recommendation stands where it does, in a few words."""
    if moved:
        tied = len(delivery.limiting) > 1
        if len(moved) > 1:
            lowest = "your lowest key metrics"
        else:
            lowest = "one of your lowest key metrics" if tied else "your lowest key metric"
        lowest += f" ({delivery.lowest})"
        if in_domain:
            return f"{_names(moved)} is {lowest}"
        return f"Drives {_names(moved)}, {lowest}"
    gap = MAX_SCORE - current
    return f"{gap} level{'s' if gap > 1 else ''} below the top"


def recommendations(
    spec: FrameworkSpec, answers: Answers, delivery: DeliveryPerformance | None = None
) -> tuple[Recommendation, ...]:
    """Every question below 5, starting at the constraint (see the rules above).

    The constraint is `delivery`'s limiting key metrics: by default the delivery
    performance of these answers' own key metrics. A framework without key metrics has no
    constraint unless one is given (such as the team's latest DORA result).
    """
    if delivery is None:
        delivery = score(spec, answers).delivery
    # Key metrics all at the top limit nothing: then the gap and the gain alone rank.
    limiting = set(delivery.limiting) if delivery and delivery.lowest != TOP else set()
    scored_domains = [d for d in spec.domains if _scores(d, answers)]
    total_weight = sum((Fraction(d.weight) for d in scored_domains), Fraction(0))
    ranked = []
    order = 0
    for domain in spec.domains:
        count = len(_scores(domain, answers))
        drives = dict(domain.drives)
        for question_id in domain.question_ids:
            order += 1
            current = answers.get(question_id)
            if current is None or current >= MAX_SCORE:
                continue
            in_domain = domain.key_metric in limiting
            moved = (
                (domain.key_metric,)
                if in_domain
                else tuple(
                    c
                    for c in key_metrics.CODES
                    if c in limiting and c in drives.get(question_id, ())
                )
            )
            gain = Fraction(domain.weight) / total_weight * Fraction(100, MAX_SCORE) / count
            ranked.append(
                (
                    0 if moved else 1,
                    current,
                    -gain,
                    order,
                    Recommendation(
                        question_id,
                        domain.id,
                        current,
                        gain,
                        reason=_reason(moved, in_domain, delivery, current),
                        constraint=bool(moved),
                    ),
                )
            )
    ranked.sort(key=lambda item: item[:4])
    return tuple(item[4] for item in ranked)


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
