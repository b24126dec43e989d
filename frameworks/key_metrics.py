"""DORA's four key metrics, as frameworks' data refer to them (no Django here: scoring uses
it too).

A domain may stand for one key metric (`Domain.key_metric`): its headline question's
guidance maps scores onto DORA's performance levels. Any question may say which key metrics
the practice it asks about drives (`Question.key_metrics`), where DORA's research connects
them; recommendations use that to rank practices with the metric that holds a team back.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyMetric:
    code: str
    name: str
    factor: str  # "throughput" or "stability", DORA's two factors of delivery performance


KEY_METRICS = (
    KeyMetric("deployment_frequency", "Deployment frequency", "throughput"),
    KeyMetric("lead_time", "Lead time for changes", "throughput"),
    KeyMetric("change_failure_rate", "Change failure rate", "stability"),
    KeyMetric("time_to_restore", "Time to restore service", "stability"),
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
