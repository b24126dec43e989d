"""DORA's four key metrics, as frameworks' data refer to them (no Django here: scoring uses
it too).

A domain may stand for one key metric (`Domain.key_metric`): its headline question's
guidance maps scores onto DORA's performance levels. Any question may say which key metrics
the practice it asks about drives (`Question.key_metrics`), where DORA's research connects
them; recommendations use that to rank practices with the metric that holds a team back.

The headline question's guidance may also carry the measured values each score stands for
(a lower and an upper bound, in the metric's unit), so that a level measured from delivery
data falls in the same buckets as the level a team answers. A bucket holds the values from
its lower bound (included) up to its upper bound (left out); for change failure rate, whose
published buckets read "5% or less", the values above the lower bound up to the upper bound
included. A missing bound is open.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyMetric:
    code: str
    name: str
    factor: str  # "throughput" or "stability", DORA's two factors of delivery performance
    unit: str  # what a measured value counts, for bounds and pages
    closed_above: bool = False  # a bucket includes its upper bound rather than its lower one


KEY_METRICS = (
    KeyMetric("deployment_frequency", "Deployment frequency", "throughput", "deployments a week"),
    KeyMetric("lead_time", "Lead time for changes", "throughput", "hours"),
    KeyMetric(
        "change_failure_rate",
        "Change failure rate",
        "stability",
        "a fraction of deployments (0.05 is 5%)",
        closed_above=True,
    ),
    KeyMetric("time_to_restore", "Time to restore service", "stability", "hours"),
)
BY_CODE = {metric.code: metric for metric in KEY_METRICS}
CODES = tuple(BY_CODE)
CHOICES = [(metric.code, metric.name) for metric in KEY_METRICS]
FACTORS = ("throughput", "stability")

# DORA's performance levels, weakest first; "Unknown" is a metric with no answer to rank.
LEVELS = ("Low", "Medium", "High", "Elite")
UNKNOWN = "Unknown"


# How frameworks made before domains named their key metric name those domains.
_NAMES = {
    "deployment frequency": "deployment_frequency",
    "lead time for changes": "lead_time",
    "lead time": "lead_time",
    "change failure rate": "change_failure_rate",
    "mean time to restore": "time_to_restore",
    "time to restore": "time_to_restore",
    "time to restore service": "time_to_restore",
    "failed deployment recovery time": "time_to_restore",
}


def code_for_name(name: str) -> str:
    """The key metric a domain of an older framework stands for, by its name ("" if none)."""
    return _NAMES.get(name.strip().lower(), "")


def invalid_codes(values) -> list:
    """The entries of a list of key-metric codes that are not codes (or repeat one)."""
    if not isinstance(values, list):
        return [values]
    seen, bad = set(), []
    for value in values:
        if value not in BY_CODE or value in seen:
            bad.append(value)
        seen.add(value)
    return bad


@dataclass(frozen=True)
class Bucket:
    """The measured values one score of a headline question stands for."""

    score: int
    label: str  # the performance level: "Elite", "High", "Medium" or "Low"
    lower: float | None
    upper: float | None

    @property
    def bounded(self) -> bool:
        return self.lower is not None or self.upper is not None


def contains(metric: str, bucket: Bucket, value: float) -> bool:
    if BY_CODE[metric].closed_above:
        return (bucket.lower is None or value > bucket.lower) and (
            bucket.upper is None or value <= bucket.upper
        )
    return (bucket.lower is None or value >= bucket.lower) and (
        bucket.upper is None or value < bucket.upper
    )


def bucket_for(metric: str, value: float | None, buckets) -> Bucket | None:
    """The bucket a measured value falls in (None for no value, or no bucket holding it)."""
    if value is None:
        return None
    for bucket in buckets:
        if contains(metric, bucket, value):
            return bucket
    return None


def bound_problems(metric: str, buckets) -> list[str]:
    """What is wrong with a headline question's bounds, as messages (empty when sound):
    bounds on a score without a level, a lower bound not below its upper one, negative or
    infinite values, or two scores claiming the same values."""
    problems = []
    bounded = [b for b in buckets if b.bounded]
    for b in bounded:
        for name, value in (("lower", b.lower), ("upper", b.upper)):
            if value is not None and (not math.isfinite(value) or value < 0):
                problems.append(f"score {b.score}: the {name} bound must be a number from 0 up")
        if not b.label:
            problems.append(f"score {b.score}: bounds need a performance level")
        if b.lower is not None and b.upper is not None and not b.lower < b.upper:
            problems.append(f"score {b.score}: the lower bound must be below the upper one")
    if problems:
        return problems
    ordered = sorted(bounded, key=lambda b: -math.inf if b.lower is None else b.lower)
    for before, after in zip(ordered, ordered[1:], strict=False):
        before_upper = math.inf if before.upper is None else before.upper
        after_lower = -math.inf if after.lower is None else after.lower
        if after_lower < before_upper:
            problems.append(
                f"scores {before.score} and {after.score}: their bounds overlap "
                f"(in {BY_CODE[metric].unit})"
            )
    return problems


def _bound(value: float) -> str:
    return f"{value:.3g}"


def range_text(metric: str, bucket: Bucket) -> str:
    """A bucket's values in words, such as "from 1 to under 10" or "above 0.05 up to 0.15"."""
    low, high = bucket.lower, bucket.upper
    if BY_CODE[metric].closed_above:
        if low is None or low == 0 and high is not None:
            return "any" if high is None else f"up to {_bound(high)}"
        return f"above {_bound(low)}" + ("" if high is None else f" up to {_bound(high)}")
    if low is None or low == 0:
        return "any" if high is None else f"under {_bound(high)}"
    return f"{_bound(low)} or more" + ("" if high is None else f" and under {_bound(high)}")
