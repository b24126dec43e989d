"""The organisation overview: each team's latest submitted result per framework version, as
one queryset sorted in the database, for Django's Paginator and the CSV download.

A row is a team joined to one of its latest results (a team with results in several
frameworks has a row for each), or a team with no result: one row with none. Everything
starts from the access rule (Team.visible_to, Assessment.visible_to). Sorted by a column of
the result (framework, date, maturity score and level, delivery performance), the rows with
a result come first in that column's order, a result without a value counting as the lowest,
then the teams without a result; ties go by team name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower

from frameworks.models import Framework
from frameworks.tree import framework_tree
from teams.models import Team

from .models import Assessment
from .selectors import visible_latest

DUE_AFTER = timedelta(days=182)  # about six months


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


@dataclass(frozen=True)
class OverviewRow:
    team: TeamRow
    latest: LatestResult | None
    drafts: int
    due: bool


@dataclass(frozen=True)
class Summary:
    """What the overview says of all its rows, whatever the sort and page: per framework,
    how many teams are at each maturity level (highest first), and how many rows are due."""

    level_counts: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    due_count: int


# Sortable columns: the fields of the latest result each sorts by.
COLUMNS = {
    "framework": ("framework_name", "framework_version"),
    "date": ("latest__submitted_at",),
    "overall": ("latest__overall_percent",),
    "level": ("latest__maturity_level_number",),
    "delivery": ("latest__delivery_rank",),
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


def overview_rows(user, *, framework_id: int | None, sort: str, descending: bool):
    """Every row of the overview the user may read, in order: one queryset of values."""
    condition = Q(assessments__is_latest=True)
    if framework_id is not None:
        condition &= Q(assessments__framework_id=framework_id)
    rows = (
        Team.objects.visible_to(user)
        .annotate(latest=FilteredRelation("assessments", condition=condition))
        .values(
            "pk",
            "name",
            "slug",
            "latest__pk",
            "latest__framework_id",
            "latest__title",
            "latest__submitted_at",
            "latest__overall_percent",
            "latest__maturity_level",
            "latest__maturity_level_number",
            "latest__delivery_performance",
            "latest__metric_levels",
            "latest__measured_disagreements",
        )
    )
    if sort == "framework":
        # By subquery: Django joins the framework before the filtered relation when its
        # condition names a framework, which the database refuses.
        framework = Framework.objects.filter(pk=OuterRef("latest__framework_id"))
        rows = rows.annotate(
            framework_name=Subquery(framework.values("name")),
            framework_version=Subquery(framework.values("version")),
        )
    if sort not in COLUMNS:
        name = Lower("name").desc() if descending else Lower("name").asc()
        return rows.order_by(name, "pk", "latest__framework_id")
    columns = [
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_first=True)
        for field in COLUMNS[sort]
    ]
    # Teams without a result after every result, whichever the direction; ties by name.
    without = Case(When(latest__pk__isnull=True, then=Value(1)), default=Value(0))
    return rows.order_by(without, *columns, Lower("name"), "pk", "latest__pk")


def overview_page(rows: list[dict], labels: dict[int, str], now) -> list[OverviewRow]:
    """Rows of overview_rows as the page and the CSV show them, with their teams' drafts
    (one query: counted for these rows only, never for every row the sort reads);
    `labels` names each framework by id."""
    drafts = dict(
        Assessment.objects.drafts()
        .filter(team_id__in={row["pk"] for row in rows})
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    return [overview_row(row, labels, drafts.get(row["pk"], 0), now) for row in rows]


def overview_row(row: dict, labels: dict[int, str], drafts: int, now) -> OverviewRow:
    latest = None
    if row["latest__pk"] is not None:
        latest = LatestResult(
            framework=labels[row["latest__framework_id"]],
            assessment_id=row["latest__pk"],
            title=row["latest__title"],
            submitted_at=row["latest__submitted_at"],
            overall_percent=row["latest__overall_percent"],
            maturity_level=row["latest__maturity_level"],
            maturity_level_number=row["latest__maturity_level_number"],
            delivery_performance=row["latest__delivery_performance"],
            metrics=tuple((name, level) for name, level in row["latest__metric_levels"] or ()),
            disagreements=row["latest__measured_disagreements"],
        )
    return OverviewRow(
        team=TeamRow(row["pk"], row["name"], row["slug"]),
        latest=latest,
        drafts=drafts,
        due=latest is None or now - latest.submitted_at > DUE_AFTER,
    )


def framework_labels() -> dict[int, tuple[str, bool]]:
    """Every framework's name and version ("DORA Metrics Framework 1.0") and whether it is
    published, by id: for the rows to name theirs and the filter to offer (one query of a
    short table)."""
    return {
        pk: (f"{name} {version}", published)
        for pk, name, version, published in Framework.objects.order_by(
            "name", "version"
        ).values_list("pk", "name", "version", "is_published")
    }


def overview_summary(user, *, framework_id: int | None, rows: int, now) -> Summary:
    """The level counts per framework and how many rows are due, of `rows` rows in all (one
    query: the rows without a result are those the counts leave)."""
    counts: dict[str, list] = defaultdict(list)
    results = old = 0
    for name, version, level, number, n, stale in (
        visible_latest(user, framework_id)
        .order_by()
        .values("framework__name", "framework__version", "maturity_level_number")
        .annotate(n=Count("pk"), old=Count("pk", filter=Q(submitted_at__lt=now - DUE_AFTER)))
        .values_list(
            "framework__name",
            "framework__version",
            "maturity_level",
            "maturity_level_number",
            "n",
            "old",
        )
    ):
        counts[f"{name} {version}"].append((number or 0, level or "Not scored", n))
        results += n
        old += stale
    level_counts = tuple(
        (framework, tuple((level, n) for _, level, n in sorted(items, key=lambda i: -i[0])))
        for framework, items in sorted(counts.items())
    )
    return Summary(level_counts=level_counts, due_count=old + rows - results)


def metric_names(user, framework_id: int | None) -> list[str]:
    """The key metrics of the frameworks whose results the overview shows."""
    ids = visible_latest(user, framework_id).values("framework_id").distinct()
    names: list[str] = []
    for framework in Framework.objects.filter(pk__in=ids).order_by("name", "version"):
        for domain in framework_tree(framework).domains:
            if domain.headline_question and domain.name not in names:
                names.append(domain.name)
    return names
