"""The organisation overview: each team's latest submitted result per framework.

Pure functions over plain rows; the view fetches them in a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

DUE_AFTER = timedelta(days=182)  # about six months


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class LatestResult:
    team_id: int
    framework: str  # "DORA Metrics Framework 1.0"
    assessment_id: int
    title: str
    submitted_at: datetime
    overall_percent: float | None
    maturity_level: str
    maturity_level_number: int | None
    metrics: tuple[tuple[str, str], ...]  # (metric name, performance level)


@dataclass(frozen=True)
class OverviewRow:
    team: TeamRow
    latest: LatestResult | None
    drafts: int
    due: bool


def overview_rows(
    teams: list[TeamRow], latest: list[LatestResult], drafts: dict[int, int], now: datetime
) -> list[OverviewRow]:
    """One row per team and framework it has a submitted result for; one empty row for a
    team that has none. A row is due when its result is more than six months old."""
    by_team: dict[int, list[LatestResult]] = {}
    for result in latest:
        by_team.setdefault(result.team_id, []).append(result)
    rows = []
    for team in teams:
        results = by_team.get(team.id) or [None]
        for result in results:
            rows.append(
                OverviewRow(
                    team=team,
                    latest=result,
                    drafts=drafts.get(team.id, 0),
                    due=result is None or now - result.submitted_at > DUE_AFTER,
                )
            )
    return rows


# What each sortable column sorts by, read from a row's latest result.
_COLUMNS = {
    "framework": lambda latest: latest.framework,
    "date": lambda latest: latest.submitted_at,
    "overall": lambda latest: latest.overall_percent,
    "level": lambda latest: latest.maturity_level_number,
}


def _key(sort: str):
    def team(row):
        return (row.team.name.lower(), row.latest.framework if row.latest else "")

    column = _COLUMNS.get(sort)
    if column is None:
        return team

    def key(row):
        value = column(row.latest) if row.latest else None
        # Rows without a value sort last; their placeholder is only compared with another.
        return (value is None, 0 if value is None else value, team(row))

    return key


SORTS = ("team", *_COLUMNS)


def sort_rows(rows: list[OverviewRow], sort: str, reverse: bool = False) -> list[OverviewRow]:
    """Sort by a column of SORTS in ascending order of its values, or descending with
    `reverse` (unknown names sort by team). Teams without a result stay at the end."""
    ordered = sorted(rows, key=_key(sort if sort in SORTS else "team"))
    if reverse:
        with_result = [row for row in ordered if row.latest is not None]
        without = [row for row in ordered if row.latest is None]
        ordered = list(reversed(with_result)) + without
    return ordered


def level_counts(rows: list[OverviewRow]) -> list[tuple[str, list[tuple[str, int]]]]:
    """Per framework, how many teams are at each maturity level (highest level first)."""
    counts: dict[str, Counter] = {}
    order: dict[str, dict[str, int]] = {}
    for row in rows:
        if row.latest is None:
            continue
        name = row.latest.maturity_level or "Not scored"
        counts.setdefault(row.latest.framework, Counter())[name] += 1
        order.setdefault(row.latest.framework, {})[name] = row.latest.maturity_level_number or 0
    return [
        (
            framework,
            sorted(counter.items(), key=lambda item: -order[framework][item[0]]),
        )
        for framework, counter in sorted(counts.items())
    ]


def metric_names(rows: list[OverviewRow]) -> list[str]:
    """The key metrics that appear in the rows, in the order their frameworks list them."""
    names: list[str] = []
    for row in rows:
        for name, _ in row.latest.metrics if row.latest else ():
            if name not in names:
                names.append(name)
    return names
