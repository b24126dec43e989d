"""The organisation overview: each team's latest submitted result per framework version,
sorted and paginated in the database.

Rows come from two queries, both scoped by the access rule (selectors.visible_latest and
selectors.teams_without_result):
- sorted by team, one query walks the teams in name order with their latest results joined
  (a team without a result is one row with none);
- sorted by a column of the result (framework, date, overall, level), the latest results
  with a value come first, in that column's order (an index each), then every other row
  (no result, or no value in the column) by team name.
So a page costs the same few queries however many teams there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, FilteredRelation, Q
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Lower

from frameworks.models import Framework
from frameworks.tree import framework_tree

from .models import Team
from .selectors import draft_counts, teams_without_result, visible_latest

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
    metrics: tuple[tuple[str, str], ...]  # (metric name, performance level)


@dataclass(frozen=True)
class OverviewRow:
    team: TeamRow
    latest: LatestResult | None
    drafts: int
    due: bool


# Sortable columns: what each sorts the latest results by (after which, the id).
COLUMNS = {
    "framework": ("framework__name", "framework__version"),
    "date": ("submitted_at",),
    "overall": ("overall_percent",),
    "level": ("maturity_level_number",),
}
SORTS = ("team", *COLUMNS)
SORT_LABELS = {
    "team": "Team",
    "framework": "Framework",
    "date": "Submitted",
    "overall": "Overall",
    "level": "Level",
}

# The fields of a latest result, named from the assessment ("") or from a team ("latest__").
_RESULT_FIELDS = (
    "pk",
    "title",
    "submitted_at",
    "overall_percent",
    "maturity_level",
    "maturity_level_number",
    "framework__name",
    "framework__version",
)


def _result_values(prefix: str) -> dict:
    """The result's fields as `r_<field>`, read from the assessment (prefix "") or from a
    team's joined latest result (prefix "latest__")."""
    values = {f"r_{name}": F(prefix + name) for name in _RESULT_FIELDS}
    values["r_metrics"] = KeyTransform("metrics", prefix + "result")
    return values


def _latest(row: dict) -> LatestResult | None:
    if row["r_pk"] is None:
        return None
    return LatestResult(
        framework=f"{row['r_framework__name']} {row['r_framework__version']}",
        assessment_id=row["r_pk"],
        title=row["r_title"],
        submitted_at=row["r_submitted_at"],
        overall_percent=row["r_overall_percent"],
        maturity_level=row["r_maturity_level"],
        maturity_level_number=row["r_maturity_level_number"],
        metrics=tuple((m["name"], m["performance_level"]) for m in row["r_metrics"] or ()),
    )


class Overview:
    """The overview's rows for one user and filter, in one sort order.

    `count()` and slicing make it a sequence for Django's Paginator; `rows()` iterates every
    row for the CSV download.
    """

    def __init__(self, user, *, framework_id: int | None, sort: str, descending: bool, now):
        self.user = user
        self.framework_id = framework_id
        self.sort = sort if sort in SORTS else "team"
        self.descending = descending
        self.now = now
        self._counts: tuple[int, int] | None = None

    # The two queries ------------------------------------------------------------------

    def _teams_with_results(self, *, only_without_value: bool = False):
        """Teams (the user may read) joined with their latest results: one row per team and
        latest result, or one row for a team without. With `only_without_value`, only rows
        whose result has no value in the sort column, and teams without a result."""
        condition = Q(assessments__is_latest=True)
        if self.framework_id is not None:
            condition &= Q(assessments__framework_id=self.framework_id)
        rows = Team.objects.visible_to(self.user).alias(
            latest=FilteredRelation("assessments", condition=condition)
        )
        if only_without_value:
            column = COLUMNS[self.sort][0]
            rows = rows.filter(
                Q(latest__pk__isnull=True) | Q(**{f"latest__{column}__isnull": True})
            )
        return rows.order_by(
            Lower("name"), "pk", "latest__framework__name", "latest__framework__version"
        ).values("name", "slug", team_pk=F("pk"), **_result_values("latest__"))

    def _results_by_column(self):
        """The latest results with a value in the sort column, in its order."""
        columns = COLUMNS[self.sort]
        order = [*columns, "pk"]
        if self.descending:
            order = [f"-{name}" for name in order]
        return (
            visible_latest(self.user, self.framework_id)
            .filter(**{f"{columns[0]}__isnull": False})
            .order_by(*order)
            .values(
                team_pk=F("team_id"),
                name=F("team__name"),
                slug=F("team__slug"),
                **_result_values(""),
            )
        )

    # A sequence for the Paginator -----------------------------------------------------

    def count(self) -> int:
        if self._counts is None:
            if self.sort == "team":
                self._counts = (0, self._teams_with_results().count())
            else:
                self._counts = (
                    self._results_by_column().count(),
                    self._teams_with_results(only_without_value=True).count(),
                )
        return sum(self._counts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[OverviewRow]:
        start, stop = index.start or 0, index.stop
        if self.sort == "team":
            return self._rows(list(self._teams_with_results()[start:stop]))
        self.count()
        first, _ = self._counts
        rows = []
        if start < first:
            rows += list(self._results_by_column()[start : min(stop, first)])
        if stop > first:
            rest = self._teams_with_results(only_without_value=True)
            rows += list(rest[max(0, start - first) : stop - first])
        return self._rows(rows)

    def _rows(self, rows: list[dict]) -> list[OverviewRow]:
        drafts = draft_counts({row["team_pk"] for row in rows})
        return [self._row(row, drafts) for row in rows]

    def _row(self, row: dict, drafts: dict[int, int]) -> OverviewRow:
        latest = _latest(row)
        return OverviewRow(
            team=TeamRow(row["team_pk"], row["name"], row["slug"]),
            latest=latest,
            drafts=drafts.get(row["team_pk"], 0),
            due=latest is None or self.now - latest.submitted_at > DUE_AFTER,
        )

    def rows(self, chunk: int = 500):
        """Every row, in order, a chunk of queries at a time (for the CSV download)."""
        total = self.count()
        for start in range(0, total, chunk):
            yield from self[start : start + chunk]

    # Summaries -----------------------------------------------------------------------

    def level_counts(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """Per framework, how many teams are at each maturity level (highest first)."""
        counts: dict[str, list] = defaultdict(list)
        rows = (
            visible_latest(self.user, self.framework_id)
            .values(
                "framework__name", "framework__version", "maturity_level", "maturity_level_number"
            )
            .annotate(n=Count("pk"))
            .values_list(
                "framework__name",
                "framework__version",
                "maturity_level",
                "maturity_level_number",
                "n",
            )
        )
        for name, version, level, number, n in rows:
            counts[f"{name} {version}"].append((number or 0, level or "Not scored", n))
        return [
            (framework, [(level, n) for _, level, n in sorted(items, key=lambda i: -i[0])])
            for framework, items in sorted(counts.items())
        ]

    def due_count(self) -> int:
        """Rows whose result is over six months old, and teams without a result."""
        old = (
            visible_latest(self.user, self.framework_id)
            .filter(submitted_at__lt=self.now - DUE_AFTER)
            .count()
        )
        return old + teams_without_result(self.user, self.framework_id).count()

    def metric_names(self) -> list[str]:
        """The key metrics of the frameworks whose results the overview shows."""
        ids = visible_latest(self.user, self.framework_id).values("framework_id").distinct()
        names: list[str] = []
        for framework in Framework.objects.filter(pk__in=ids).order_by("name", "version"):
            for domain in framework_tree(framework).domains:
                if domain.headline_question and domain.name not in names:
                    names.append(domain.name)
        return names
