"""The organisation overview: each team's latest submitted result per framework version,
sorted and paginated in the database.

Both orders cost the same few queries however many teams there are, and both start from
the access rule (selectors.visible_latest, selectors.teams_without_result, Team.visible_to):
- sorted by team, a page is a page of teams in name order (an index on the lower-cased
  name), each with its latest results, or one empty row when it has none;
- sorted by a column of the result (framework, date, overall, level), the latest results
  come first in that column's order (an index each, over the latest results only; a result
  without a value counts as the lowest), then the teams without a result by name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Lower

from frameworks.models import Framework
from frameworks.tree import framework_tree
from teams.models import Team

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
    how many teams are at each maturity level (highest first); how many rows are due; and
    the counts that pagination needs."""

    level_counts: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    due_count: int
    results: int  # latest results
    teams: int
    # (framework id, how many latest results), in the order of the frameworks' names
    frameworks: tuple[tuple[int, int], ...]
    # how many latest results have no overall score (and so no level)
    unscored: int
    # how many latest results have no delivery performance
    undelivered: int
    # the teams without a result, in name order
    without_ids: tuple[int, ...]

    @property
    def without(self) -> int:
        return len(self.without_ids)


# Sortable columns: the field of the latest results each sorts by (after which, the id);
# a result without a value (no score: every answer not applicable) counts as the lowest.
COLUMNS = {
    "framework": "framework",  # by the frameworks' names and versions
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
_RESULT_FIELDS = (
    "pk",
    "team_id",
    "title",
    "submitted_at",
    "overall_percent",
    "maturity_level",
    "maturity_level_number",
    "delivery_performance",
    "framework__name",
    "framework__version",
)


def _latest(row: dict) -> LatestResult:
    return LatestResult(
        framework=f"{row['framework__name']} {row['framework__version']}",
        assessment_id=row["pk"],
        title=row["title"],
        submitted_at=row["submitted_at"],
        overall_percent=row["overall_percent"],
        maturity_level=row["maturity_level"],
        maturity_level_number=row["maturity_level_number"],
        delivery_performance=row["delivery_performance"],
        metrics=tuple((m["name"], m["performance_level"]) for m in row["metrics"] or ()),
        disagreements=row["disagreements"],
    )


class Overview:
    """The overview's rows for one user and filter, in one sort order.

    `count()` and slicing make it a sequence for Django's Paginator (sorted by team, it
    counts and slices teams, each with all its rows); `rows()` iterates every row for the
    CSV download.
    """

    def __init__(
        self,
        user,
        *,
        framework_id: int | None,
        sort: str,
        descending: bool,
        now,
        page_number: int = 1,
    ):
        self.user = user
        self.framework_id = framework_id
        self.sort = sort if sort in SORTS else "team"
        self.descending = descending
        self.now = now
        self.page_number = page_number
        self._summary: Summary | None = None

    # The queries ----------------------------------------------------------------------

    def _results(self):
        """The latest results the user may read, as rows."""
        return visible_latest(self.user, self.framework_id).values(
            *_RESULT_FIELDS,
            "team__name",
            "team__slug",
            metrics=KeyTransform("metrics", "result"),
            disagreements=KeyTransform("disagreements", KeyTransform("measured", "result")),
        )

    def _teams(self):
        """The teams the user may read, in name order (sorted by team)."""
        return Team.objects.visible_to(self.user).order_by(Lower("name"), "pk")

    def count(self) -> int:
        summary = self.summary()
        return summary.teams if self.sort == "team" else summary.results + summary.without

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[OverviewRow]:
        start, stop = index.start or 0, index.stop
        if self.sort == "team":
            # The page's team ids first, from the name index alone, then those teams.
            ids = list(self._teams().values_list("pk", flat=True)[start:stop])
            named = {
                t["pk"]: t for t in Team.objects.filter(pk__in=ids).values("pk", "name", "slug")
            }
            teams = [named[pk] for pk in ids]
            results = self._results().filter(team_id__in=[t["pk"] for t in teams])
            by_team = defaultdict(list)
            for row in results.order_by("framework__name", "framework__version", "pk"):
                by_team[row["team_id"]].append(_latest(row))
            pairs = [(team, result) for team in teams for result in by_team[team["pk"]] or [None]]
            return self._rows(pairs)
        first = self.summary().results
        pairs = []
        if start < first:
            # The page's ids first, from an index alone (a deep page skips many entries),
            # then only those rows in full.
            ids = self._result_ids(start, min(stop, first))
            rows = {row["pk"]: row for row in self._results().filter(pk__in=ids).order_by()}
            for pk in ids:
                row = rows[pk]
                team = {"pk": row["team_id"], "name": row["team__name"], "slug": row["team__slug"]}
                pairs.append((team, _latest(row)))
        if stop > first:
            ids = self.summary().without_ids[max(0, start - first) : stop - first]
            named = {
                t["pk"]: t for t in Team.objects.filter(pk__in=ids).values("pk", "name", "slug")
            }
            pairs += [(named[pk], None) for pk in ids]
        return self._rows(pairs)

    def _segments(self) -> list[tuple]:
        """The latest results in the sort order as consecutive segments (a queryset in its
        order, how many rows it holds), each read from an index: by framework, each
        framework's results in turn by id, the frameworks in the order of their names; by
        another column, the results without a value by id, then those with one by value and
        id. The summary knows every segment's size."""
        latest = visible_latest(self.user, self.framework_id)
        summary = self.summary()
        down = "-" if self.descending else ""
        if self.sort == "framework":
            segments = [
                (latest.filter(framework_id=framework_id).order_by(f"{down}pk"), count)
                for framework_id, count in summary.frameworks
            ]
        else:
            column = COLUMNS[self.sort]
            empty = {
                "submitted_at": 0,
                "delivery_rank": summary.undelivered,
            }.get(column, summary.unscored)
            segments = [
                (latest.filter(**{f"{column}__isnull": True}).order_by(f"{down}pk"), empty),
                (
                    latest.filter(**{f"{column}__isnull": False}).order_by(
                        f"{down}{column}", f"{down}pk"
                    ),
                    summary.results - empty,
                ),
            ]
        return list(reversed(segments)) if self.descending else segments

    def _result_ids(self, start: int, stop: int) -> list[int]:
        """The ids of the latest results from `start` to `stop` in the sort order."""
        ids, at = [], 0
        for rows, count in self._segments():
            if count and at < stop and start < at + count:
                ids += rows.values_list("pk", flat=True)[max(0, start - at) : stop - at]
            at += count
        return ids

    def _rows(self, pairs: list[tuple[dict, LatestResult | None]]) -> list[OverviewRow]:
        drafts = draft_counts({team["pk"] for team, _ in pairs})
        return [
            OverviewRow(
                team=TeamRow(team["pk"], team["name"], team["slug"]),
                latest=latest,
                drafts=drafts.get(team["pk"], 0),
                due=latest is None or self.now - latest.submitted_at > DUE_AFTER,
            )
            for team, latest in pairs
        ]

    def rows(self, chunk: int = 500):
        """Every row, in order, a chunk of queries at a time (for the CSV download)."""
        total = self.count()
        for start in range(0, total, chunk):
            yield from self[start : start + chunk]

    # The summary ------------------------------------------------------------------------

    def summary(self) -> Summary:
        """The summary of every row (read once; the view may keep it under the access
        token with `use_summary`)."""
        if self._summary is None:
            self._summary = self._read_summary()
        return self._summary

    def use_summary(self, summary: Summary) -> None:
        self._summary = summary

    def _read_summary(self) -> Summary:
        rows = (
            visible_latest(self.user, self.framework_id)
            .order_by()
            .values(
                "framework_id", "framework__name", "framework__version", "maturity_level_number"
            )
            .annotate(
                n=Count("pk"),
                old=Count("pk", filter=Q(submitted_at__lt=self.now - DUE_AFTER)),
                unscored=Count("pk", filter=Q(overall_percent__isnull=True)),
                undelivered=Count("pk", filter=Q(delivery_rank__isnull=True)),
            )
            .values_list(
                "framework_id",
                "framework__name",
                "framework__version",
                "maturity_level",
                "maturity_level_number",
                "n",
                "old",
                "unscored",
                "undelivered",
            )
        )
        counts: dict[str, list] = defaultdict(list)
        per_framework: dict[tuple, int] = defaultdict(int)
        old_results = unscored = undelivered = 0
        for framework_id, name, version, level, number, n, old, no_score, no_level in rows:
            counts[f"{name} {version}"].append((number or 0, level or "Not scored", n))
            per_framework[(name, version, framework_id)] += n
            old_results += old
            unscored += no_score
            undelivered += no_level
        without_ids = tuple(
            teams_without_result(self.user, self.framework_id)
            .order_by(Lower("name"), "pk")
            .values_list("pk", flat=True)
        )
        level_counts = tuple(
            (framework, tuple((level, n) for _, level, n in sorted(items, key=lambda i: -i[0])))
            for framework, items in sorted(counts.items())
        )
        return Summary(
            level_counts=level_counts,
            due_count=old_results + len(without_ids),
            results=sum(per_framework.values()),
            teams=Team.objects.visible_to(self.user).count(),
            frameworks=tuple((key[2], n) for key, n in sorted(per_framework.items())),
            unscored=unscored,
            undelivered=undelivered,
            without_ids=without_ids,
        )

    def metric_names(self) -> list[str]:
        """The key metrics of the frameworks whose results the overview shows."""
        ids = visible_latest(self.user, self.framework_id).values("framework_id").distinct()
        names: list[str] = []
        for framework in Framework.objects.filter(pk__in=ids).order_by("name", "version"):
            for domain in framework_tree(framework).domains:
                if domain.headline_question and domain.name not in names:
                    names.append(domain.name)
        return names


def body(
    rows: list[OverviewRow],
    level_counts: list,
    due_count: int,
    sort: str,
    direction: str,
    framework_id: str,
    frameworks: list[tuple[int, str]],
    page_links,
) -> dict:
    """The overview page's body (templates/assessments/overview_body.html)."""
    return {
        "rows": rows,
        "level_counts": level_counts,
        "due_count": due_count,
        "sort": sort,
        "sort_columns": [(key, SORT_LABELS[key]) for key in SORTS],
        "direction": direction,
        "framework_id": framework_id,
        "frameworks": frameworks,
        "links": page_links,
    }
