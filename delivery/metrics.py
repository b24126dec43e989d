"""DORA's key metrics from a team's delivery records: the rules, and the pure step from what
the database counted over a window (aggregates.py) to values and levels.

The rules (RULES_VERSION), over a window of whole UTC days, start to end inclusive; a
window counts from the team's first production deployment if that is later than its start:
- Production: a deployment whose environment is one of the team's production names, in any
  case (Team.production_names; "production, prod, prd, live" unless the team says
  otherwise). Deployments elsewhere are kept, counted by environment and said, and count in
  no metric.
- Deployment frequency: successful production deployments finished in the window, per week
  of the days counted (0.0 when there were none: that is a measurement, not a missing
  one); deployment days beside it, the UTC days with at least one.
- Lead time: for each change shipped in the window, the hours from its commit to the
  deployment that shipped it: the successful production deployment it names, or, when that
  one failed or went to another environment, the next successful production deployment of
  the same service (Change.shipped_by, written with the rows). A change keeps the first
  that shipped it. Values of zero or less are clock or import errors and are left out
  (counted). The median is reported.
- Failed deployments: production deployments in the window (whatever their status) that
  failed, or that an incident names as its cause (an incident that opened after they
  finished: reported with it, or linked by the team's rule by time). Change failure rate is
  their share of all production deployments in the window.
- Time to restore: for each incident resolved in the window, the hours from opening to
  resolution, whichever deployment (if any, known or not) it names. The median is reported;
  the incidents naming no deployment are counted and said.
- Failed deployment recovery time: for each failed deployment in the window, the hours to
  the end of the failure: the resolution of the last incident naming it, else the next
  successful production deployment of its service; failures not yet ended are counted and
  left out. The median is reported.
- Rework rate: the share of production deployments in the window that were rework.
- Levels come from buckets that are data: the bounds on a framework's headline guidance
  (frameworks/key_metrics.py), so a measured level and an answered one share their buckets.
  A value takes the level (and the score) of the bucket that holds it, compared exactly; a
  level is None when its sample is too small to say anything (the MIN_ constants), or when
  the framework gives no bounds for the metric.

Each ratio comes from one division of whole numbers, which rounds it to the float nearest its
exact value; a ratio exactly on a bound (1 failure in 20 deployments) therefore equals the bound
as written (0.05) and takes the level the bound belongs to, whether classified here or from a
reported value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from frameworks.key_metrics import Bucket, bucket_for

SUCCESS = "success"
FAILURE = "failure"

# Which rules counted a value, said beside it (the API's rules_version, the pages): 2 is
# December 2026's (production names in any case, changes shipped by the next success,
# successful deployments in the frequency, linking by time, failed deployment recovery).
RULES_VERSION = 2

WINDOW_DAYS = 91  # a quarter: enough deployments and incidents for medians to mean something


# Below these sample sizes a level would rank a team on one or two events, so it is left None.
# Deployment frequency needs none: zero deployments in a window is itself a (Low) measurement.
MIN_CHANGES_FOR_LEAD_TIME = 5
MIN_DEPLOYMENTS_FOR_FAILURE_RATE = 5
MIN_INCIDENTS_FOR_RESTORE = 1

HOUR = timedelta(hours=1)

# The dates delivery data may carry, in every way it arrives (API, CSV, the metrics'
# windows): from 1970 to ten years ahead. Anything outside is a mistake, and dates near the
# ends of what Python and the databases hold (year 1 or 9999) break arithmetic and pages.
EARLIEST = date(1970, 1, 1)
YEARS_AHEAD = 10


def latest_date(today: date) -> date:
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def out_of_range(moment: date | datetime, today: date) -> str | None:
    """Why a date or timestamp is outside the range delivery data may carry, or None."""
    # The date as written, not converted to UTC: converting year 1 or 9999 overflows, and
    # an offset's hours do not matter at these ends.
    day = moment.date() if isinstance(moment, datetime) else moment
    if day < EARLIEST or day > latest_date(today):
        return (
            f"is outside the dates accepted: {EARLIEST.isoformat()} to "
            f"{latest_date(today).isoformat()}"
        )
    return None


@dataclass(frozen=True)
class Counts:
    """What the database counted over one window (aggregates.window_counts): the figures
    every value of Metrics is derived from."""

    start: date
    end: date
    # The first day the window counts: its start, or the day of the team's first production
    # deployment if that is later (days before the team's tools reported anything are not
    # days without deployments); None when the team had none by the window's end.
    measured_from: date | None
    deployments: int  # production deployments finished in the window
    successful: int  # of those, successful: what the frequency counts
    # UTC days in the window with at least one successful production deployment, as DevLake
    # and Four Keys count them: a burst of eleven every Monday is one deployment day a week.
    deployment_days: int
    failed_deployments: int  # of those, failed or named by an incident
    reworked: int  # of those, rework
    changes_measured: int  # changes with a lead time above zero, shipped in the window
    lead_time_hours_median: float | None
    incidents_resolved: int  # incidents resolved in the window
    # of those, the ones that name no deployment: they fail none, so they are said aloud
    incidents_unlinked: int
    recovery_time_hours_median: float | None
    # What the pages and the API say beside the values (defaults for the months' chart,
    # which shows levels only):
    # deployments in the window outside production, by environment: ((name, count), ...)
    other_environments: tuple = ()
    changes_left_out: int = 0  # shipped in the window with a lead time of zero or less
    # of the changes measured, those shipped by a later deployment than the one they name
    # (it failed, or went elsewhere first)
    changes_shipped_later: int = 0
    failed_by_status: int = 0  # of the failed deployments, those with a failed status
    incidents_linked_by_time: int = 0  # of the incidents resolved, linked by the team's rule
    # Failed deployment recovery time: failures in the window that ended, and the median
    # hours from each to its end (its incident's resolution, else the next success).
    failures_recovered: int = 0
    failed_recovery_hours_median: float | None = None


@dataclass(frozen=True)
class Metrics:
    """The key metrics over one window; every value is None when there is nothing to measure."""

    start: date
    end: date
    measured_from: date | None  # Counts.measured_from
    measured_days: int  # the days from measured_from to end: what the frequency is over
    deployments: int
    successful_deployments: int
    deployment_frequency_per_week: float | None
    deployment_days: int  # Counts.deployment_days
    deployment_days_per_week: float | None
    lead_time_hours_median: float | None
    changes_measured: int
    changes_left_out: int  # Counts.changes_left_out
    changes_shipped_later: int
    change_failure_rate: float | None  # a fraction 0..1
    failed_deployments: int
    failed_by_status: int
    recovery_time_hours_median: float | None
    incidents_resolved: int
    incidents_unlinked: int  # Counts.incidents_unlinked
    incidents_linked_by_time: int
    failed_deployment_recovery_hours_median: float | None
    failures_recovered: int
    rework_rate: float | None
    other_environments: list[dict]  # [{"environment", "deployments"}], most first
    # key metric code (frameworks/key_metrics.py) -> "Elite"/"High"/"Medium"/"Low" or None
    levels: dict[str, str | None]
    # key metric code -> the headline question's score whose bucket holds the value, or None
    scores: dict[str, int | None]


def window_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The window as UTC instants, half-open: [start 00:00, the day after end 00:00)."""
    lower = datetime.combine(start, time.min, tzinfo=UTC)
    upper = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    return lower, upper


def default_window(today: date) -> tuple[date, date]:
    """The 91 days ending today, today included."""
    return today - timedelta(days=WINDOW_DAYS - 1), today


Buckets = dict[str, tuple[Bucket, ...]]  # key metric code -> its buckets (FrameworkTree)


def level(metric: str, value: float | None, buckets: Buckets) -> str | None:
    """The DORA level of a key metric's value, or None for no value or no bucket."""
    bucket = bucket_for(metric, value, buckets.get(metric, ()))
    return bucket.label if bucket else None


def nothing_measured(start: date, end: date) -> Counts:
    """A window before the team's first production deployment: no value has anything to
    stand on, not even a frequency of zero."""
    return Counts(start, end, None, 0, 0, 0, 0, 0, 0, None, 0, 0, None)


def measured_from(start: date, end: date, first: date | None) -> date | None:
    """The first day a window counts (Counts.measured_from), given the day of the team's
    first production deployment."""
    if first is None or first > end:
        return None
    return max(start, first)


def median(middle: list[float]) -> float | None:
    """The median from the middle value of an ordered sample (odd count) or the middle two
    (even count), as the database reads them; None for an empty sample."""
    return sum(middle) / len(middle) if middle else None


def summarise(counts: Counts, buckets: Buckets) -> Metrics:
    """The key metrics of a window from its counts, with levels from the buckets given.

    The frequency is over the days the window measured (from `measured_from`): none before
    the team's first production deployment, so a team with no data has no value and no
    level, and one that began a week ago is measured over that week.
    """
    count = counts.deployments
    days = (counts.end - counts.measured_from).days + 1 if counts.measured_from else 0
    frequency = counts.successful * 7 / days if days > 0 else None
    days_per_week = counts.deployment_days * 7 / days if days > 0 else None
    failure_rate = counts.failed_deployments / count if count else None
    rework_rate = counts.reworked / count if count else None
    lead_time = counts.lead_time_hours_median
    restore_time = counts.recovery_time_hours_median
    rated = {
        "deployment_frequency": frequency,
        "lead_time": lead_time if counts.changes_measured >= MIN_CHANGES_FOR_LEAD_TIME else None,
        "change_failure_rate": failure_rate if count >= MIN_DEPLOYMENTS_FOR_FAILURE_RATE else None,
        "time_to_restore": restore_time
        if counts.incidents_resolved >= MIN_INCIDENTS_FOR_RESTORE
        else None,
    }
    found = {code: bucket_for(code, value, buckets.get(code, ())) for code, value in rated.items()}
    return Metrics(
        start=counts.start,
        end=counts.end,
        measured_from=counts.measured_from,
        measured_days=max(days, 0),
        deployments=count,
        successful_deployments=counts.successful,
        deployment_frequency_per_week=frequency,
        deployment_days=counts.deployment_days,
        deployment_days_per_week=days_per_week,
        lead_time_hours_median=lead_time,
        changes_measured=counts.changes_measured,
        changes_left_out=counts.changes_left_out,
        changes_shipped_later=counts.changes_shipped_later,
        change_failure_rate=failure_rate,
        failed_deployments=counts.failed_deployments,
        failed_by_status=counts.failed_by_status,
        recovery_time_hours_median=restore_time,
        incidents_resolved=counts.incidents_resolved,
        incidents_unlinked=counts.incidents_unlinked,
        incidents_linked_by_time=counts.incidents_linked_by_time,
        failed_deployment_recovery_hours_median=counts.failed_recovery_hours_median,
        failures_recovered=counts.failures_recovered,
        rework_rate=rework_rate,
        other_environments=[
            {"environment": name, "deployments": number}
            for name, number in counts.other_environments
        ],
        levels={code: bucket.label if bucket else None for code, bucket in found.items()},
        scores={code: bucket.score if bucket else None for code, bucket in found.items()},
    )


def _duration(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} minutes"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def counted(number: int, noun: str) -> str:
    """ "1 deployment", "1,200 deployments": how pages and summaries say a count."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _each(number: int, singular: str, plural: str) -> str:
    return f"{number:,} {singular if number == 1 else plural}"


def samples(data: Metrics) -> dict[str, str]:
    """Per key metric, what its value rests on, with its denominator and what was left out
    and why: "median of 61 changes shipped by 40 deployments; 3 …"."""
    frequency = (
        f"{data.successful_deployments:,} successful of "
        f"{counted(data.deployments, 'production deployment')}"
        + (
            f" on {counted(data.deployment_days, 'day')}"
            f" ({data.deployment_days_per_week:.1f} deployment days a week)"
            if data.deployment_days and data.deployment_days_per_week is not None
            else ""
        )
        + (
            f" over {counted(data.measured_days, 'day')} (since the first)"
            if data.measured_from and data.measured_from > data.start
            else ""
        )
    )
    lead = f"median of {counted(data.changes_measured, 'change')}"
    if data.changes_shipped_later:
        lead += (
            f"; {data.changes_shipped_later:,} of them by the next successful deployment "
            "after the failed or non-production one they name"
        )
    if data.changes_left_out:
        lead += (
            f"; {_each(data.changes_left_out, 'change', 'changes')} committed at or after "
            "the deployment that shipped it left out"
        )
    by_incident = data.failed_deployments - data.failed_by_status
    failure = f"{data.failed_deployments:,} failed of {counted(data.deployments, 'deployment')}"
    if by_incident:
        failure += f" ({data.failed_by_status:,} by status, {by_incident:,} named by an incident)"
    if data.incidents_linked_by_time:
        failure += (
            f"; {_each(data.incidents_linked_by_time, 'incident', 'incidents')} linked by time"
        )
    if data.incidents_unlinked:
        failure += (
            f"; {counted(data.incidents_unlinked, 'resolved incident')} "
            f"{'names' if data.incidents_unlinked == 1 else 'name'} no deployment"
        )
    return {
        "deployment_frequency": frequency,
        "lead_time": lead,
        "change_failure_rate": failure,
        "time_to_restore": f"median of {counted(data.incidents_resolved, 'resolved incident')}",
    }


def evidence(data: Metrics) -> dict[str, dict]:
    """Per key metric, what the data says in words: the value ("3.4 deployments a week" or
    None), the sample it rests on (samples), and the level and score found."""
    values = {
        "deployment_frequency": None
        if data.deployment_frequency_per_week is None
        else f"{data.deployment_frequency_per_week:.1f} deployments a week",
        "lead_time": None
        if data.lead_time_hours_median is None
        else _duration(data.lead_time_hours_median),
        "change_failure_rate": None
        if data.change_failure_rate is None
        else f"{data.change_failure_rate:.0%}",
        "time_to_restore": None
        if data.recovery_time_hours_median is None
        else _duration(data.recovery_time_hours_median),
    }
    said = samples(data)
    return {
        code: {
            "value": value,
            "sample": said[code],
            "level": data.levels.get(code),
            "score": data.scores.get(code),
        }
        for code, value in values.items()
    }


def recovery_text(data: Metrics) -> str:
    """Failed deployment recovery time in words, with its sample."""
    failures = data.failed_deployments
    if not data.failures_recovered:
        return (
            "no failure to recover from"
            if not failures
            else f"none of {counted(failures, 'failed deployment')} has recovered yet"
        )
    text = (
        f"{_duration(data.failed_deployment_recovery_hours_median)} (median of "
        f"{counted(data.failures_recovered, 'recovered failure')}"
    )
    if failures > data.failures_recovered:
        text += f"; {failures - data.failures_recovered:,} not recovered yet"
    return text + ")"
