"""The organisation overview: each team's latest submitted result per framework version,
sorted in the database, for Django's Paginator and the CSV download; and the teams that have
none, which are due.

The rows are the latest results the user may read (the access rule: Assessment.visible_to),
one queryset ordered so that the database walks an index (a partial index per sortable
column, over the latest results only) rather than sorting every team's result for each
page: a page reads its results' ids from the index and then those rows alone, so a deep page
of two thousand teams costs what the first page of two hundred does. By a column, a result
without a value counts as the lowest; ties go by id. By team, results go in name order.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Lower

from frameworks import key_metrics
from frameworks.models import Framework
from frameworks.tree import cached_tree, framework_tree
from teams.models import Team

from .improvements import action_counts
from .models import Assessment
from .selectors import visible_latest

DUE_AFTER = timedelta(days=182)  # about six months
WITHOUT_SHOWN = 20  # teams without a result named on the page; the rest are counted


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class LatestResult:
    framework: str  # "DORA Metrics Framework 1.0"
    assessment_id: int
    title: str
    submitted_at: datetime
    overall_percent: float | None
    maturity_level: str
    maturity_level_number: int | None
    delivery_performance: str  # "" for no level (no key metrics, or too few known)
    metrics: tuple[tuple[str, str], ...]  # (metric name, performance level)
    # Key metrics where the answers and the team's data at submission disagree (None: no
    # measured data stored with the result, as for a framework without key metrics).
    disagreements: int | None = None
    # The share of questions its respondents agreed on (None: answered together).
    agreement: float | None = None


@dataclass(frozen=True)
class OverviewRow:
    team: TeamRow
    latest: LatestResult | None  # None: a team without a result (the CSV lists those too)
    drafts: int
    due: bool
    actions_in_progress: int = 0  # the team's improvement actions in progress
    actions_verified: int = 0  # and those whose verdict was confirmed


@dataclass(frozen=True)
class Summary:
    """What the overview says of all its rows, whatever the sort and page: per framework,
    how many teams are at each maturity level (highest first); how many rows are due; and
    the teams without a result (the first WITHOUT_SHOWN by name, and how many in all)."""

    level_counts: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    due_count: int
    without: tuple[TeamRow, ...]
    without_count: int


# Sortable columns: the fields of the latest result each sorts by, then its id; each has a
# partial index over the latest results (models.Assessment).
COLUMNS = {
    "framework": "framework_id",
    "date": "submitted_at",
    "overall": "overall_percent",
    "level": "maturity_level_number",
    "delivery": "delivery_rank",
}
SORTS = ("team", *COLUMNS)
SORT_LABELS = {
    "team": "Team",
    "framework": "Framework",
    "date": "Submitted",
    "overall": "Maturity score",
    "level": "Maturity level",
    "delivery": "Delivery performance",
}
# What a row shows of a latest result.
FIELDS = (
    "pk",
    "team_id",
    "team__name",
    "team__slug",
    "framework_id",
    "title",
    "submitted_at",
    "overall_percent",
    "maturity_level",
    "maturity_level_number",
    "delivery_performance",
    "metric_levels",
    "measured_disagreements",
    "agreement_share",
)


def overview_ids(user, *, framework_id: int | None, sort: str, descending: bool):
    """The ids of the latest results the user may read, in the sort's order: the queryset
    the Paginator pages (an index alone answers it)."""
    latest = visible_latest(user, framework_id).order_by()
    if sort not in COLUMNS:
        name = Lower("team__name")
        first = name.desc() if descending else name.asc()
        return latest.order_by(first, "team_id", "framework_id").values_list("pk", flat=True)
    column = F(COLUMNS[sort])
    if descending:  # (nulls where the index has them: the lowest)
        order = [column.desc(nulls_last=True), F("pk").desc()]
    else:
        order = [column.asc(nulls_first=True), F("pk").asc()]
    return latest.order_by(*order).values_list("pk", flat=True)


def overview_rows(ids: list[int], labels: dict[int, str], now) -> list[OverviewRow]:
    """The rows of these latest results, in the order of `ids`, with their teams' drafts
    and improvement actions (three queries); `labels` names each framework by id."""
    rows = {row["pk"]: row for row in Assessment.objects.filter(pk__in=ids).values(*FIELDS)}
    drafts = dict(
        Assessment.objects.drafts()
        .filter(team_id__in={row["team_id"] for row in rows.values()})
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    team_ids = [row["team_id"] for row in rows.values()]
    actions = action_counts(team_ids)
    result = []
    for pk in ids:
        row = overview_row(rows[pk], labels, drafts.get(rows[pk]["team_id"], 0), now)
        counts = actions.get(row.team.id, {})
        result.append(
            dataclasses.replace(
                row,
                actions_in_progress=counts.get("in_progress", 0),
                actions_verified=counts.get("verified", 0),
            )
        )
    return result


def overview_row(row: dict, labels: dict[int, str], drafts: int, now) -> OverviewRow:
    latest = LatestResult(
        framework=labels[row["framework_id"]],
        assessment_id=row["pk"],
        title=row["title"],
        submitted_at=row["submitted_at"],
        overall_percent=row["overall_percent"],
        maturity_level=row["maturity_level"],
        maturity_level_number=row["maturity_level_number"],
        delivery_performance=row["delivery_performance"],
        metrics=tuple((name, level) for name, level in row["metric_levels"] or ()),
        disagreements=row["measured_disagreements"],
        agreement=row["agreement_share"],
    )
    return OverviewRow(
        team=TeamRow(row["team_id"], row["team__name"], row["team__slug"]),
        latest=latest,
        drafts=drafts,
        due=now - latest.submitted_at > DUE_AFTER,
    )


def framework_labels() -> dict[int, dict]:
    """Every framework by id, with what the overview names it by ("DORA Metrics Framework
    1.0"), whether it is published, and what finds its cached tree (one query of a short
    table)."""
    return {
        row["pk"]: {**row, "label": f"{row['name']} {row['version']}"}
        for row in Framework.objects.order_by("name", "version").values(
            "pk", "name", "version", "is_published", "content_version"
        )
    }


def overview_summary(user, *, framework_id: int | None, frameworks: dict, now) -> Summary:
    """The level counts per framework, the teams without a result, and how many rows are
    due (four queries, the counts from an index over the latest results; level names from
    the frameworks' trees)."""
    latest = visible_latest(user, framework_id)
    maturity: dict[str, Counter] = defaultdict(Counter)
    delivery: dict[str, Counter] = defaultdict(Counter)
    order: dict[str, dict[str, int]] = defaultdict(dict)  # level name -> its rank, per label
    old = 0
    grouped = (
        latest.order_by()
        .values("framework_id", "maturity_level_number", "delivery_performance")
        .annotate(n=Count("pk"), old=Count("pk", filter=Q(submitted_at__lt=now - DUE_AFTER)))
        .values_list("framework_id", "maturity_level_number", "delivery_performance", "n", "old")
    )
    for framework, number, performance, n, stale in grouped:
        info = frameworks[framework]
        tree = cached_tree(info["pk"], info["content_version"], info["is_published"])
        name = {level.level: level.name for level in tree.levels}.get(number, "Not scored")
        maturity[info["label"]][name] += n
        order[info["label"]][name] = number or 0
        if performance:
            delivery[info["label"]][performance] += n
        old += stale
    level_counts = tuple(
        (
            label,
            tuple(sorted(counts.items(), key=lambda item: -order[label][item[0]])),
            tuple(
                (level, delivery[label][level])
                for level in reversed(key_metrics.LEVELS)
                if delivery[label][level]
            ),
        )
        for label, counts in sorted(maturity.items())
    )
    # Each team looks its latest result up in the (team, framework) index: a seek a team.
    teams = Team.objects.visible_to(user).filter(
        ~Exists(latest.order_by().filter(team=OuterRef("pk")))
    )
    without_count = teams.count()
    # Read whether or not there are any, so that the page's queries do not depend on data.
    without = tuple(
        TeamRow(row["pk"], row["name"], row["slug"])
        for row in teams.order_by(Lower("name"), "pk").values("pk", "name", "slug")[:WITHOUT_SHOWN]
    )
    return Summary(
        level_counts=level_counts,
        due_count=old + without_count,
        without=without,
        without_count=without_count,
    )


def teams_without(user, framework_id: int | None):
    """The teams the user may read that have no latest result (of the framework), by
    name, as rows for the CSV."""
    latest = visible_latest(user, framework_id).order_by().values("team_id")
    teams = Team.objects.visible_to(user).exclude(pk__in=latest)
    for row in teams.order_by(Lower("name"), "pk").values("pk", "name", "slug").iterator():
        yield OverviewRow(TeamRow(row["pk"], row["name"], row["slug"]), None, 0, True)


def metric_names(user, framework_id: int | None) -> list[str]:
    """The key metrics of the frameworks whose results the overview shows."""
    ids = visible_latest(user, framework_id).values("framework_id").distinct()
    names: list[str] = []
    for framework in Framework.objects.filter(pk__in=ids).order_by("name", "version"):
        for domain in framework_tree(framework).domains:
            if domain.headline_question and domain.name not in names:
                names.append(domain.name)
    return names
