"""The overview sorts and pages in the database: every sort, both directions, any page
boundary of Django's Paginator, give the same rows as sorting them all in Python would."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from assessments.overview import (
    DUE_AFTER,
    framework_labels,
    overview_ids,
    overview_rows,
    overview_summary,
)
from assessments.tests.make import make_team, make_user, make_viewer, submitted_assessment
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def org():
    """Two frameworks (Beta's name sorts after Alpha's), teams with results in one or
    both, and two teams without any."""
    alpha = make_framework(slug="alpha", name="Alpha")
    beta = make_framework(slug="beta", name="Beta")
    viewer = make_viewer("viewer")
    author = make_user("author")
    plan = [  # team, framework, scores, days ago
        ("delta", alpha, [1, 1, 1], 10),
        ("Bravo", alpha, [5, 5, 5], 200),
        ("charlie", beta, [3, 3, 3], 30),
        ("Bravo", beta, [2, 4, 4], 40),
        ("echo", alpha, [None, None, None], 5),  # every answer not applicable: no score
        ("Alpha Team", beta, [4, 4, 4], 300),
        ("foxtrot", alpha, [3, 2, 1], 50),
    ]
    teams = {}
    for name, framework, scores, days in plan:
        team = teams.get(name) or make_team(name, members=[author])
        teams[name] = team
        submitted_assessment(
            team=team,
            framework=framework,
            user=author,
            scores=scores,
            when=NOW - timedelta(days=days),
            title=f"{name} {framework.name}",
        )
    make_team("zulu")
    make_team("Golf")
    return viewer


def labels():
    return {pk: framework["label"] for pk, framework in framework_labels().items()}


def expected(rows, sort, descending):
    """The rows sorted in Python as the overview promises: by the column (a result without
    a value the lowest, frameworks by id), ties by the result's id, both in the sort's
    direction."""
    ids = {name: pk for pk, name in labels().items()}
    key = {
        "framework": lambda r: (ids[r.latest.framework],),
        "date": lambda r: (r.latest.submitted_at,),
        "overall": lambda r: (r.latest.overall_percent is not None, r.latest.overall_percent or 0),
        "level": lambda r: (
            r.latest.maturity_level_number is not None,
            r.latest.maturity_level_number or 0,
        ),
    }[sort]
    ordered = sorted(rows, key=lambda r: (*key(r), r.latest.assessment_id), reverse=descending)
    return [(r.team.name, r.latest.title) for r in ordered]


def shown(rows):
    return [(r.team.name, r.latest.title) for r in rows]


def paged(user, size, **chosen):
    pages = Paginator(overview_ids(user, **chosen), size)
    names = labels()
    rows = [
        row
        for number in pages.page_range
        for row in overview_rows(list(pages.page(number).object_list), names, NOW)
    ]
    return pages.count, rows


@pytest.mark.parametrize("sort", ["framework", "date", "overall", "level"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 20])
def test_pages_by_a_column_join_up_to_the_whole_sorted_list(org, sort, descending, size):
    total, rows = paged(org, size, framework_id=None, sort=sort, descending=descending)
    assert total == 7  # seven latest results (Bravo has two)
    assert shown(rows) == expected(rows, sort, descending)


@pytest.mark.parametrize("size", [1, 2, 3, 20])
def test_pages_by_team_go_in_name_order(org, size):
    total, rows = paged(org, size, framework_id=None, sort="team", descending=False)
    assert total == 7
    assert [r.team.name for r in rows] == [
        "Alpha Team",
        "Bravo",
        "Bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
    ]
    assert [r.latest.framework for r in rows if r.team.name == "Bravo"] == [
        "Alpha 1.0",
        "Beta 1.0",
    ]
    _, backwards = paged(org, size, framework_id=None, sort="team", descending=True)
    assert [r.team.name for r in backwards][:3] == ["foxtrot", "echo", "delta"]


def test_the_summary_counts_levels_due_rows_and_names_the_teams_without_a_result(org):
    summary = overview_summary(org, framework_id=None, frameworks=framework_labels(), now=NOW)
    old = 2  # Bravo's Alpha (200 days) and Alpha Team's Beta (300 days)
    assert all(days > DUE_AFTER.days for days in (200, 300))
    assert summary.due_count == old + 2  # and the two teams without a result
    assert [team.name for team in summary.without] == ["Golf", "zulu"]
    assert summary.without_count == 2
    maturity = {label: counts for label, counts, _ in summary.level_counts}
    assert maturity["Alpha 1.0"][0] == ("Elite", 1)


def test_a_framework_filter_pages_its_own_results(org):
    from frameworks.models import Framework

    beta = Framework.objects.get(slug="beta")
    _, rows = paged(org, 20, framework_id=beta.pk, sort="overall", descending=True)
    assert [r.latest.title for r in rows] == [
        "Alpha Team Beta",
        "Bravo Beta",
        "charlie Beta",
    ]
    # the teams without a Beta result are the summary's
    summary = overview_summary(org, framework_id=beta.pk, frameworks=framework_labels(), now=NOW)
    assert [team.name for team in summary.without] == [
        "delta",
        "echo",
        "foxtrot",
        "Golf",
        "zulu",
    ]
