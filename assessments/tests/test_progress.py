"""Progress over time: team pages, comparisons and the organisation overview."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.tests.make import (
    answer,
    make_assessment,
    make_team,
    make_user,
    questions_of,
    submitted_assessment,
)
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(days):
    return NOW - timedelta(days=days)


@pytest.fixture
def fw():
    """Two domains 60/40, questions 2 and 1 (ids in order q1, q2 | q3)."""
    return make_framework(weights=(60, 40), questions=(2, 1))


@pytest.fixture
def people():
    return make_user("mia"), make_user("olga")


@pytest.fixture
def teams(people):
    mia, olga = people
    return make_team("Apollo", members=[mia]), make_team("Zephyr", members=[olga])


@pytest.fixture
def history(fw, teams, people):
    """Apollo's three assessments with hand-computed results:
    Jan: 1,1 | 1 -> D1 20, D2 20 -> 20.0 (Low)
    Apr: 3,2 | 4 -> D1 50, D2 80 -> 0.6x50 + 0.4x80 = 62.0 (High)
    Jul: 3,N/A | 5 -> D1 60, D2 100 -> 0.6x60 + 0.4x100 = 76.0 (High)
    """
    apollo, _ = teams
    mia, _ = people
    return [
        submitted_assessment(
            team=apollo, framework=fw, user=mia, scores=[1, 1, 1], title="Jan", when=ago(200)
        ),
        submitted_assessment(
            team=apollo, framework=fw, user=mia, scores=[3, 2, 4], title="Apr", when=ago(110)
        ),
        submitted_assessment(
            team=apollo, framework=fw, user=mia, scores=[3, None, 5], title="Jul", when=ago(20)
        ),
    ]


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def client_for(client, user):
    client.force_login(user)
    return client


def test_the_team_page_lists_submitted_assessments_newest_first_with_the_trend(
    client, history, people
):
    response = client_for(client, people[0]).get(
        reverse("assessments:team_detail", args=["apollo"])
    )
    assert response.status_code == 200
    assert [a["title"] for a in response.context["page"].object_list] == ["Jul", "Apr", "Jan"]
    assert [row["pk"] for row in response.context["recent"]] == [a.pk for a in history]
    series = {name: values for name, _, values in response.context["series"]}
    assert series["Overall"] == [20.0, 62.0, 76.0]
    assert series["Domain 1"] == [20.0, 50.0, 60.0]
    assert series["Domain 2"] == [20.0, 80.0, 100.0]
    text = response.content.decode()
    assert "Overall: " in text and "76.0%" in text
    assert "<svg" in text and "Overall and domain scores over time" in text


def test_the_team_page_shows_drafts_as_in_progress_and_not_in_the_trend(
    client, history, people, teams, fw
):
    make_assessment(team=teams[0], framework=fw, user=people[0], title="Oct draft")
    response = client_for(client, people[0]).get(
        reverse("assessments:team_detail", args=["apollo"])
    )
    assert "Oct draft" in response.content.decode()
    assert len(response.context["recent"]) == 3


def test_the_team_page_shows_dora_metric_levels_over_time(client, dora):
    user = make_user("dana")
    team = make_team("Platform", members=[user])
    for days, score in ((60, 1), (30, 3), (1, 5)):
        submitted_assessment(
            team=team, framework=dora, user=user, scores=[score] * 25, when=ago(days)
        )
    response = client_for(client, user).get(reverse("assessments:team_detail", args=["platform"]))
    rows = {row["name"]: row["levels"] for row in response.context["metric_history"]}
    assert rows == {
        "Deployment Frequency": ["Low", "Medium", "Elite"],
        "Lead Time for Changes": ["Low", "Medium", "Elite"],
        "Change Failure Rate": ["Low", "Medium", "Elite"],
        "Mean Time to Restore": ["Low", "Medium", "Elite"],
    }


def test_a_team_page_is_404_for_non_members_and_fine_for_staff(client, history, people, staff_user):
    assert (
        client_for(client, people[1])
        .get(reverse("assessments:team_detail", args=["apollo"]))
        .status_code
        == 404
    )
    assert (
        client_for(client, staff_user)
        .get(reverse("assessments:team_detail", args=["apollo"]))
        .status_code
        == 200
    )


def test_the_team_list_shows_only_the_users_teams(client, teams, people):
    text = client_for(client, people[0]).get(reverse("assessments:team_list")).content.decode()
    assert "Apollo" in text and "Zephyr" not in text


@pytest.mark.parametrize("count", [3, 30])
def test_the_team_page_costs_the_same_queries_however_many_assessments(
    client, fw, teams, people, count, django_assert_num_queries
):
    for n in range(count):
        submitted_assessment(
            team=teams[0], framework=fw, user=people[0], scores=[n % 6, 2, 3], when=ago(n + 1)
        )
        make_assessment(team=teams[0], framework=fw, user=people[0], title=f"draft {n}")
    client_for(client, people[0])
    url = reverse("assessments:team_detail", args=["apollo"])
    # session, user, team, the user's teams (the access rule), its latest results and
    # drafts (one query), members, the history's count and first page (which holds the
    # chart's rows too)
    # (+1: the published frameworks, to tell which is due next)
    # (+1: when each kind of delivery data last arrived; it has none, so nothing more)
    # (+1: its improvement actions)
    with django_assert_num_queries(11):
        client.get(url)


def test_the_team_page_shows_a_new_submission_and_a_renamed_team_at_once(
    client, history, people, teams, fw
):
    url = reverse("assessments:team_detail", args=["apollo"])
    client_for(client, people[0]).get(url)
    submitted_assessment(team=teams[0], framework=fw, user=people[0], scores=[5, 5, 5], title="Oct")
    assert "Oct" in client.get(url).content.decode()
    teams[0].name = "Apollo Prime"
    teams[0].save()
    assert "Apollo Prime" in client.get(url).content.decode()


def compare_url(a, b, name="compare"):
    return reverse(f"assessments:{name}") + f"?a={a.pk}&b={b.pk}"


def test_the_comparison_shows_changes_with_the_biggest_moves_first(client, history, people):
    jan, apr, jul = history
    response = client_for(client, people[0]).get(compare_url(jul, apr))  # order does not matter
    comparison = response.context["comparison"]
    assert (response.context["older"], response.context["newer"]) == (apr, jul)
    assert (comparison.overall_before, comparison.overall_after) == (62.0, 76.0)
    assert comparison.overall_change == pytest.approx(14.0)
    assert [(d.name, d.before, d.after, d.change) for d in comparison.domains] == [
        ("Domain 1", 50.0, 60.0, 10.0),
        ("Domain 2", 80.0, 100.0, 20.0),
    ]
    # q3 moved 4 -> 5 (+1); q1 stayed 3; q2 went 2 -> N/A (no change computable)
    assert [(q.number, q.change) for q in comparison.questions] == [(3, 1), (1, 0), (2, None)]
    assert comparison.questions[2].after.not_applicable
    text = response.content.decode()
    assert "+14 points" in text and "+20 points" in text


def test_the_comparison_shows_both_notes_per_question(client, history, people, fw):
    jan, apr, jul = history
    q1 = questions_of(fw)[0]
    answer(apr, q1, 3, notes="before: weekly deploys")
    answer(jul, q1, 3, notes="after: daily deploys")
    text = client_for(client, people[0]).get(compare_url(apr, jul)).content.decode()
    assert "before: weekly deploys" in text and "after: daily deploys" in text


def test_the_comparison_defaults_to_the_latest_two(client, history, people):
    response = client_for(client, people[0]).get(reverse("assessments:compare"))
    assert [a.title for a in (response.context["older"], response.context["newer"])] == [
        "Apr",
        "Jul",
    ]


def test_the_comparison_json_has_both_results_and_the_deltas(client, history, people):
    jan, apr, jul = history
    data = json.loads(
        client_for(client, people[0]).get(compare_url(jan, jul, "compare_json")).content
    )
    assert data["older"]["title"] == "Jan" and data["newer"]["title"] == "Jul"
    assert data["older"]["result"] == jan.result and data["newer"]["result"] == jul.result
    assert data["overall_change"] == pytest.approx(56.0)
    assert [q["change"] for q in data["questions"]] == [4, 2, None]


def test_comparing_different_frameworks_is_refused(client, history, people, teams):
    other = make_framework(slug="other", name="Other", weights=(100,), questions=(1,))
    theirs = submitted_assessment(team=teams[0], framework=other, user=people[0], scores=[2])
    response = client_for(client, people[0]).get(compare_url(history[0], theirs))
    assert response.status_code == 400
    assert "use different frameworks" in response.content.decode()
    assert response.context["comparison"] is None
    data = client.get(compare_url(history[0], theirs, "compare_json"))
    assert data.status_code == 400 and "different frameworks" in data.json()["error"]


def test_comparing_different_major_versions_is_refused_but_minor_versions_compare(
    client, history, people, teams
):
    v2 = make_framework(version="2.0", weights=(60, 40), questions=(2, 1))
    v11 = make_framework(version="1.1", weights=(60, 40), questions=(2, 1))
    in_v2 = submitted_assessment(team=teams[0], framework=v2, user=people[0], scores=[2, 2, 2])
    in_v11 = submitted_assessment(team=teams[0], framework=v11, user=people[0], scores=[5, 5, 5])
    client_for(client, people[0])
    refused = client.get(compare_url(history[0], in_v2))
    assert "different major versions" in refused.content.decode()
    allowed = client.get(compare_url(history[0], in_v11))
    assert [q.change for q in allowed.context["comparison"].questions] == [4, 4, 4]


def test_comparing_an_assessment_with_itself_is_refused(client, history, people):
    response = client_for(client, people[0]).get(compare_url(history[0], history[0]))
    assert "two different assessments" in response.content.decode()


def test_comparing_another_teams_or_a_draft_assessment_is_404(client, history, people, teams, fw):
    theirs = submitted_assessment(team=teams[1], framework=fw, user=people[1], scores=[1, 1, 1])
    draft = make_assessment(team=teams[0], framework=fw, user=people[0])
    client_for(client, people[0])
    for name in ("compare", "compare_json"):
        assert client.get(compare_url(history[0], theirs, name)).status_code == 404
        assert client.get(compare_url(history[0], draft, name)).status_code == 404
        assert client.get(reverse(f"assessments:{name}") + "?a=x&b=1").status_code == 404


def test_the_compare_options_never_list_other_teams(client, history, people, teams, fw):
    submitted_assessment(
        team=teams[1], framework=fw, user=people[1], scores=[1, 1, 1], title="Secret"
    )
    response = client_for(client, people[0]).get(reverse("assessments:compare"))
    assert "Secret" not in response.content.decode()


@pytest.mark.parametrize("count", [4, 40])
def test_the_comparison_costs_the_same_queries_however_many_assessments(
    client, fw, teams, people, count, django_assert_num_queries
):
    made = [
        submitted_assessment(
            team=teams[0], framework=fw, user=people[0], scores=[1, 2, 3], when=ago(n + 1)
        )
        for n in range(count)
    ]
    client_for(client, people[0])
    client.get(compare_url(made[0], made[1]))  # warm the framework cache
    # session, user, the user's teams (the access rule), assessment a, assessment b,
    # answers of both, options
    # (+1 everywhere: whether the user sees every team, the organisation viewer's
    # permission, read once per request)
    with django_assert_num_queries(8):
        client.get(compare_url(made[0], made[1]))


def test_the_overview_lists_each_teams_latest_result_and_marks_due_teams(
    client, history, people, teams, fw, staff_user
):
    zephyr_old = submitted_assessment(
        team=teams[1], framework=fw, user=people[1], scores=[5, 5, 5], when=ago(400)
    )
    make_team("Idle")
    response = client_for(client, staff_user).get(reverse("assessments:overview"))
    rows = list(response.context["page"].object_list)
    assert [(r.team.name, r.latest.title, r.due) for r in rows] == [
        ("Apollo", "Jul", False),
        ("Zephyr", zephyr_old.title, True),
    ]
    # A team without a result is listed beside the table, as due.
    summary = response.context["summary"]
    assert [team.name for team in summary.without] == ["Idle"]
    assert summary.without_count == 1
    assert ">Idle</a>" in response.content.decode().split("without a submitted assessment")[1]
    assert response.context["level_counts"] == (
        ("Test Framework 1.0", (("Elite", 1), ("High", 1)), ()),  # no key metrics: no delivery
    )
    assert response.context["due_count"] == 2


def test_the_overview_sorts_by_overall_and_date(client, history, people, teams, fw, staff_user):
    submitted_assessment(
        team=teams[1], framework=fw, user=people[1], scores=[5, 5, 5], when=ago(400)
    )
    client_for(client, staff_user)
    by_overall = client.get(reverse("assessments:overview") + "?sort=overall&dir=desc")
    assert [r.team.name for r in by_overall.context["page"].object_list] == ["Zephyr", "Apollo"]
    by_date = client.get(reverse("assessments:overview") + "?sort=date")
    assert [r.team.name for r in by_date.context["page"].object_list] == ["Zephyr", "Apollo"]


def test_members_see_only_their_teams_in_the_overview_and_its_csv(
    client, history, people, teams, fw
):
    submitted_assessment(
        team=teams[1], framework=fw, user=people[1], scores=[5, 5, 5], title="Zephyr's"
    )
    client_for(client, people[0])
    text = client.get(reverse("assessments:overview")).content.decode()
    assert "Apollo" in text and "Zephyr" not in text
    body = streamed(client.get(reverse("assessments:overview_csv")))
    assert "Apollo" in body and "Zephyr" not in body


def test_the_overview_csv_has_the_same_rows(client, history, people, teams, staff_user):
    response = client_for(client, staff_user).get(reverse("assessments:overview_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(streamed(response).lstrip("\ufeff"))))
    assert [
        (r["team"], r["assessment title"], r["overall percent"], r["maturity level"], r["due"])
        for r in rows
    ] == [
        ("Apollo", "Jul", "76.0", "High", "no"),
        ("Zephyr", "", "", "", "yes"),
    ]


@pytest.mark.parametrize("count", [3, 36])
def test_the_overview_costs_the_same_queries_however_many_teams(
    client, fw, staff_user, count, django_assert_num_queries
):
    for n in range(count):
        team = make_team(f"Team {n:02}")
        for days in (10, 40):
            submitted_assessment(
                team=team, framework=fw, user=staff_user, scores=[n % 6, 3, 4], when=ago(days)
            )
        make_assessment(team=team, framework=fw, user=staff_user)
    client_for(client, staff_user)
    # session, user (a superuser: no permission queries); the paginator's count and the
    # page's ids (from an index), those rows, their teams' drafts; the frameworks (to name
    # the rows' and to filter by); the summary: the level counts (with the old results
    # among them), the teams without a result and their count; the rows' teams' actions
    for sort in ("team", "overall", "framework"):
        for _ in range(2):  # nothing is kept: every view reads the same
            with django_assert_num_queries(11):
                client.get(reverse("assessments:overview") + f"?sort={sort}")
    # session, user, the frameworks for the metric columns (their trees are kept already)
    # and for the rows' names; every result's id in order, in one query read a chunk at a
    # time, and per chunk of up to 500 those rows and their drafts; the teams without a
    # result; per chunk also the teams' improvement actions
    with django_assert_num_queries(9):
        b"".join(client.get(reverse("assessments:overview_csv")).streaming_content)


def test_the_progress_pages_require_sign_in_and_refuse_post(client, history):
    urls = [
        reverse("assessments:team_list"),
        reverse("assessments:team_detail", args=["apollo"]),
        reverse("assessments:compare"),
        reverse("assessments:compare_json"),
        reverse("assessments:overview"),
        reverse("assessments:overview_csv"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(make_user("someone"))
    for url in urls:
        assert client.post(url).status_code == 405, url


@pytest.mark.parametrize("count", [2, 24])
def test_the_team_list_costs_the_same_queries_however_many_teams(
    client, fw, staff_user, count, django_assert_num_queries
):
    for n in range(count):
        team = make_team(f"Team {n:02}", members=[make_user(f"member{n:02}")])
        submitted_assessment(team=team, framework=fw, user=staff_user, scores=[1, 2, 3])
    client_for(client, staff_user)
    # session, user, the count for the paginator, the page of teams with their counts
    with django_assert_num_queries(4):
        response = client.get(reverse("assessments:team_list"))
    assert len(response.context["page"].object_list) == count
