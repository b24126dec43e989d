"""The pure rules behind comparisons and the overview (no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from assessments.comparison import NotComparable, check_comparable
from assessments.overview import (
    LatestResult,
    OverviewRow,
    TeamRow,
    level_counts,
    overview_rows,
    sort_rows,
)
from frameworks.tree import FrameworkTree

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def tree(slug, version):
    return FrameworkTree(None, slug, version, slug.upper(), "", 10, True, (), ())


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (("dora", "1.0"), ("calms", "1.0"), "different frameworks"),
        (("dora", "1.0"), ("dora", "2.0"), "different major versions"),
        (("dora", "1.0"), ("dora", "1.3"), None),
        (("dora", "2.1.4"), ("dora", "2"), None),
    ],
)
def test_only_one_framework_of_one_major_version_compares(a, b, message):
    if message is None:
        check_comparable(tree(*a), tree(*b))
    else:
        with pytest.raises(NotComparable, match=message):
            check_comparable(tree(*a), tree(*b))


def latest(team_id, days, overall, level, number, framework="F 1.0"):
    return LatestResult(
        team_id,
        framework,
        team_id * 10,
        f"T{team_id}",
        NOW - timedelta(days=days),
        overall,
        level,
        number,
        (),
    )


def test_due_means_no_result_or_one_older_than_six_months():
    teams = [TeamRow(1, "A", "a"), TeamRow(2, "B", "b"), TeamRow(3, "C", "c")]
    rows = overview_rows(
        teams, [latest(1, 181, 50, "Medium", 3), latest(2, 183, 50, "Medium", 3)], {3: 2}, NOW
    )
    assert [(r.team.name, r.due, r.drafts) for r in rows] == [
        ("A", False, 0),
        ("B", True, 0),
        ("C", True, 2),
    ]


def test_sorting_keeps_teams_without_results_last_in_both_directions():
    teams = [TeamRow(1, "A", "a"), TeamRow(2, "B", "b"), TeamRow(3, "C", "c")]
    rows = overview_rows(
        teams, [latest(1, 5, 40.0, "Medium", 3), latest(3, 9, 90.0, "Elite", 5)], {}, NOW
    )
    assert [r.team.name for r in sort_rows(rows, "overall")] == ["A", "C", "B"]
    assert [r.team.name for r in sort_rows(rows, "overall", reverse=True)] == ["C", "A", "B"]
    assert [r.team.name for r in sort_rows(rows, "date")] == ["C", "A", "B"]
    assert [r.team.name for r in sort_rows(rows, "nonsense")] == ["A", "B", "C"]


def test_level_counts_per_framework_highest_level_first():
    rows = [
        OverviewRow(TeamRow(i, f"T{i}", "t"), latest(i, 1, 0, level, number, fw), 0, False)
        for i, (level, number, fw) in enumerate(
            [("High", 4, "D"), ("Elite", 5, "D"), ("High", 4, "D"), ("Scaling", 4, "C")], start=1
        )
    ]
    assert level_counts(rows) == [("C", [("Scaling", 1)]), ("D", [("Elite", 1), ("High", 2)])]
