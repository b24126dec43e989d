"""Two results that never contradict themselves: delivery performance from the four key
metrics, practice maturity from the weighted score, and recommendations that start at the
constraint. Table tests pin every rule."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from assessments import scoring
from assessments.models import Answer, Assessment
from assessments.results import calculation, level_gap_note
from assessments.tests.make import (
    make_team,
    make_user,
    make_viewer,
    questions_of,
    submitted_assessment,
)
from assessments.tests.test_results import dora_scores
from frameworks.models import Framework
from frameworks.templating import percent

pytestmark = pytest.mark.django_db

DF, LT, CFR, TTR = "deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore"


@pytest.mark.parametrize(
    ("levels", "level", "limiting", "throughput", "stability"),
    [
        (
            {DF: "High", LT: "High", CFR: "High", TTR: "High"},
            "High",
            (DF, LT, CFR, TTR),
            "High",
            "High",
        ),
        ({DF: "Elite", LT: "Elite", CFR: "Low", TTR: "Elite"}, "Low", (CFR,), "Elite", "Low"),
        (
            {DF: "Elite", LT: "Medium", CFR: "High", TTR: "Medium"},
            "Medium",
            (LT, TTR),
            "Medium",
            "Medium",
        ),
        # three known are enough; the unknown one neither limits nor counts
        (
            {DF: "High", LT: "Unknown", CFR: "Medium", TTR: "Elite"},
            "Medium",
            (CFR,),
            "High",
            "Medium",
        ),
        # two known are not
        ({DF: "High", LT: "Unknown", CFR: "Unknown", TTR: "Elite"}, None, (DF,), "High", "Elite"),
        (
            {DF: "Unknown", LT: "Unknown", CFR: "Unknown", TTR: "Unknown"},
            None,
            (),
            "Unknown",
            "Unknown",
        ),
        # a framework that asks about only some key metrics
        ({CFR: "Low", TTR: "High"}, None, (CFR,), "Unknown", "Low"),
    ],
)
def test_delivery_performance_is_the_level_every_known_key_metric_reaches(
    levels, level, limiting, throughput, stability
):
    delivery = scoring.delivery_performance(levels)
    assert (delivery.level, delivery.limiting) == (level, limiting)
    assert (delivery.throughput, delivery.stability) == (throughput, stability)
    assert delivery.known == sum(v != "Unknown" for v in levels.values())


@pytest.fixture
def team_and_member(db):
    member = make_user("dana")
    return make_team("Platform", members=[member]), member


def submit(dora, team_and_member, scores):
    team, member = team_and_member
    return submitted_assessment(team=team, framework=dora, user=member, scores=scores)


def test_four_everywhere_is_elite_practice_and_high_delivery(client, dora, team_and_member):
    done = submit(dora, team_and_member, [4] * 25)
    result = done.result
    assert result["overall_percent"] == 80.0
    assert result["maturity_level"]["name"] == "Elite"
    delivery = result["delivery_performance"]
    assert delivery["level"] == "High"
    assert delivery["limiting_names"] == [
        "Deployment frequency",
        "Lead time for changes",
        "Change failure rate",
        "Time to restore service",
    ]
    assert (done.delivery_performance, done.delivery_rank) == ("High", 3)
    # The columns lists show, written with the result: each key metric's level, and no
    # disagreements to count (the team sends no data).
    assert done.metric_levels == [[m["name"], "High"] for m in result["metrics"]]
    assert len(done.metric_levels) == 4
    assert done.measured_disagreements is None
    client.force_login(team_and_member[1])
    page = client.get(reverse("assessments:results", args=[done.pk])).content.decode()
    assert "Practice maturity" in page and "Delivery performance" in page
    assert "level-elite" in page and "level-high" in page
    assert "practices score well above" not in page  # one level apart


def test_weak_key_metrics_and_strong_practices_read_as_low_delivery(client, dora, team_and_member):
    headline_first = [1, 5, 5, 5, 5]
    scores = dora_scores(
        d1=headline_first, d2=headline_first, d3=[1, 5, 5, 5], d4=headline_first, d5=5
    )
    done = submit(dora, team_and_member, scores)
    assert round(done.result["overall_percent"], 1) == 84.8
    assert done.maturity_level == "Elite"
    assert done.result["delivery_performance"]["level"] == "Low"
    client.force_login(team_and_member[1])
    page = client.get(reverse("assessments:results", args=[done.pk])).content.decode()
    # The maturity description speaks of practices, never of a metric the answers deny.
    assert "under an hour" not in page
    assert "practices score well above" in page


def test_a_result_with_too_few_known_key_metrics_says_so(client, dora, team_and_member):
    scores = dora_scores(d1=[0, 3, 3, 3, 3], d2=[0, 3, 3, 3, 3])
    done = submit(dora, team_and_member, scores)
    assert done.result["delivery_performance"]["level"] is None
    assert (done.delivery_performance, done.delivery_rank) == ("", None)
    client.force_login(team_and_member[1])
    page = client.get(reverse("assessments:results", args=[done.pk])).content.decode()
    assert "Not enough answers" in page
    assert "Only 2 of the four key metrics are known" in page


@pytest.mark.parametrize(
    ("maturity", "delivery", "says"),
    [
        ("Elite", "Medium", "well above"),
        ("Elite", "High", ""),  # one level apart: nothing to explain
        ("High", "Low", "well above"),
        ("Initial", "Medium", "well ahead"),
        ("Low", "Elite", "well ahead"),
        ("Elite", "Elite", ""),
        ("High", "Medium", ""),
        ("Medium", None, ""),
        ("Practised", "Low", ""),  # levels not named like DORA's are not compared
    ],
)
def test_the_page_explains_a_gap_of_two_levels_or_more(maturity, delivery, says):
    note = level_gap_note(maturity, delivery)
    assert (says in note) if says else note == ""


# Recommendations ---------------------------------------------------------------------


def ranked(dora, team_and_member, scores):
    done = submit(dora, team_and_member, scores)
    numbers = {q.pk: n for n, q in enumerate(questions_of(dora), start=1)}
    return [
        (numbers[r["question_id"]], r["current_score"], r["reason"])
        for r in done.result["recommendations"]
    ]


def test_recommendations_start_at_the_limiting_key_metric(dora, team_and_member):
    # Deployment frequency at 4 (High), change failure rate at 1 (Low), the rest at 3.
    scores = dora_scores(d1=[4, 3, 3, 3, 3], d3=[1, 3, 3, 3])
    rows = ranked(dora, team_and_member, scores)
    low = "Change failure rate is your lowest key metric (Low)"
    drives = "Drives Change failure rate, your lowest key metric (Low)"
    assert rows[:6] == [
        (11, 1, low),  # the metric itself, the largest gap first
        (12, 3, low),  # its domain, by gain (1.0 points each), in reading order
        (13, 3, low),
        (14, 3, low),
        (21, 3, drives),  # continuous integration (0.33 points)
        (22, 3, drives),  # test automation
    ]
    # Then the rest: the lowest score first, then the gain, then reading order.
    assert rows[6:9] == [
        (2, 3, "2 levels below the top"),
        (3, 3, "2 levels below the top"),
        (4, 3, "2 levels below the top"),
    ]
    assert rows[-1] == (1, 4, "1 level below the top")  # deployment frequency at 4
    assert not any(n == 11 for n, *_ in rows[1:])


def test_a_tie_between_limiting_metrics_ranks_both(dora, team_and_member):
    scores = dora_scores(d2=[1, 3, 3, 3, 3], d4=[1, 3, 3, 3, 3])
    rows = ranked(dora, team_and_member, scores)
    assert [n for n, *_ in rows[:2]] == [6, 15]  # both headlines at 1, in reading order
    assert rows[0][2] == "Lead time for changes is one of your lowest key metrics (Low)"
    trunk = next(r for r in rows if r[0] == 20)
    assert trunk[2] == "Drives Lead time for changes, one of your lowest key metrics (Low)"


def test_calms_ranks_by_the_teams_latest_dora_constraint(db, dora, team_and_member):
    call_command("loaddata", "calms", verbosity=0)
    calms = Framework.objects.get(slug="calms")
    submit(dora, team_and_member, dora_scores(d2=[1, 3, 3, 3, 3]))  # lead time limits
    team, member = team_and_member
    done = submitted_assessment(team=team, framework=calms, user=member, scores=[3] * 28)
    top = done.result["recommendations"][0]
    assert top["reason"] == "Drives Lead time for changes, your lowest key metric (Low)"
    assert done.result["delivery_performance"] is None


# Numbers that never cross a bound --------------------------------------------------------


@pytest.mark.parametrize("bound", [20, 40, 60, 80])
def test_a_score_just_below_a_bound_never_shows_as_the_bound(bound):
    assert percent(bound - 0.02) == f"{bound - 1}.9%"
    assert percent(bound) == f"{bound}.0%"
    document = {
        "scores": {},
        "domains": [],
        "overall_percent": bound - 0.02,
        "maturity_level": {"name": "Below", "lower_bound": bound - 20},
        "levels": [
            {"name": "Below", "lower_bound": bound - 20},
            {"name": "At", "lower_bound": bound},
        ],
    }
    line = calculation(document)["level"]
    assert line.startswith(f"{bound - 1}.9% is at least {bound - 20}%")
    assert f"and below {bound}% (At)" in line


# Downloads ---------------------------------------------------------------------------------


def test_the_json_download_identifies_everything(client, dora, team_and_member):
    done = submit(dora, team_and_member, dora_scores(d3=[1, 3, None, 3]))
    client.force_login(team_and_member[1])
    data = json.loads(client.get(reverse("assessments:results_json", args=[done.pk])).content)
    assert data["format_version"] == 3
    assert data["maturity_level"] == {"name": "Medium", "position": 3, "lower_bound": 40.0}
    assert data["delivery_performance"]["level"] == "Low"
    assert data["delivery_performance"]["limiting_metrics"] == ["Change failure rate"]
    answer = data["answers"][12]
    assert (answer["code"], answer["topic"], answer["not_applicable"]) == (
        "Q13",
        "Production incidents after deployments",
        True,
    )
    assert data["recommendations"][0]["code"] == "Q11"
    assert data["recommendations"][0]["reason"].startswith("Change failure rate is")
    assert data["metrics"][2]["key_metric"] == "change_failure_rate"


def test_the_csv_download_identifies_everything(client, dora, team_and_member):
    done = submit(dora, team_and_member, dora_scores())
    client.force_login(team_and_member[1])
    text = client.get(reverse("assessments:results_csv", args=[done.pk])).content.decode()
    header, first = text.lstrip("\ufeff").splitlines()[:2]
    for column in (
        "maturity level position",
        "maturity level lower bound",
        "delivery performance",
        "limiting key metrics",
        "question code",
        "question topic",
    ):
        assert column in header
    assert ",Q1,Deployment frequency," in first
    assert ",High,4,60.0,Medium," in first  # 60.0% reaches High; every key metric Medium


# What if -----------------------------------------------------------------------------------


def test_what_if_shows_new_results_and_saves_nothing(client, dora, team_and_member):
    done = submit(dora, team_and_member, dora_scores(d3=[1, 3, 3, 3]))
    before = (Assessment.objects.get(pk=done.pk).result, list(Answer.objects.values_list()))
    cfr = questions_of(dora)[10]
    client.force_login(team_and_member[1])
    url = reverse("assessments:what_if", args=[done.pk])
    page = client.post(url, {f"q{cfr.pk}": "5"}).content.decode()
    assert "What if: nothing is saved" in page
    assert "1 change: Q11 Change failure rate" in page
    assert "Deployment frequency is one of your lowest key metrics (Medium)" in page
    assert "Change failure rate is your lowest" not in page
    assert (Assessment.objects.get(pk=done.pk).result, list(Answer.objects.values_list())) == before
    # with script: the body alone
    body = client.post(url, {f"q{cfr.pk}": "5"}, HTTP_X_REQUESTED_WITH="fetch")
    assert "<html" not in body.content.decode() and "What if" in body.content.decode()


def test_what_if_refuses_a_value_that_is_no_score(client, dora, team_and_member):
    done = submit(dora, team_and_member, dora_scores())
    first = questions_of(dora)[0]
    client.force_login(team_and_member[1])
    url = reverse("assessments:what_if", args=[done.pk])
    response = client.post(url, {f"q{first.pk}": "7"})
    assert response.status_code == 302
    assert "Q1: choose a score from 0 to 5" in str(list(get_messages(response.wsgi_request))[0])
    fetched = client.post(url, {f"q{first.pk}": "²"}, HTTP_X_REQUESTED_WITH="fetch")
    assert fetched.status_code == 400 and "Q1" in fetched.content.decode()


def test_what_if_is_for_those_who_may_read_the_result(client, dora, team_and_member):
    done = submit(dora, team_and_member, dora_scores())
    url = reverse("assessments:what_if", args=[done.pk])
    client.force_login(make_user("outsider"))
    assert client.post(url, {}).status_code == 404
    client.force_login(make_viewer("vera"))
    assert client.post(url, {}).status_code == 200
    assert client.get(url).status_code == 302


# The overview and the team page ------------------------------------------------------------


def test_the_overview_shows_and_sorts_by_delivery_performance(client, dora):
    viewer = make_viewer("vera")
    for name, cfr in (("Low team", 1), ("Elite team", 5), ("Medium team", 3)):
        member = make_user(name.split()[0].lower())
        submitted_assessment(
            team=make_team(name, members=[member]),
            framework=dora,
            user=member,
            scores=dora_scores(d1=[5] * 5, d2=[5] * 5, d3=[cfr, 3, 3, 3], d4=[5] * 5),
        )
    client.force_login(viewer)
    page = client.get(reverse("assessments:overview"), {"sort": "delivery", "dir": "desc"})
    rows = page.context["page"].object_list
    assert [r.latest.delivery_performance for r in rows] == ["Elite", "Medium", "Low"]
    assert "Delivery performance" in page.content.decode()
    csv = b"".join(client.get(reverse("assessments:overview_csv")).streaming_content).decode()
    assert "delivery performance" in csv.splitlines()[0] and ",Elite," in csv


@pytest.mark.django_db(transaction=True)
def test_results_stored_before_get_their_delivery_performance_from_what_they_stored():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("loaddata", "dora", verbosity=0)
    executor = MigrationExecutor(connection)
    before = [("assessments", "0008_organisation_viewer")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Team, Assessment_, Framework_ = (
        old.get_model("assessments", "Team"),
        old.get_model("assessments", "Assessment"),
        old.get_model("frameworks", "Framework"),
    )
    dora = Framework_.objects.get(slug="dora")
    domains = list(dora.domains.order_by("position").values_list("pk", flat=True))
    metrics = [
        {
            "domain_id": pk,
            "name": f"Metric {i}",
            "question_id": 1,
            "score": 3,
            "performance_level": level,
            "next_level": None,
            "next_score": None,
        }
        for i, (pk, level) in enumerate(
            zip(domains[:4], ["Elite", "High", "Low", "Medium"], strict=True)
        )
    ]
    document = {
        "schema": 1,
        "overall_percent": 50.0,
        "maturity_level": None,
        "metrics": metrics,
        "recommendations": [{"question_id": 1}],
        "scores": {},
    }
    team = Team.objects.create(name="Old", slug="old")
    stored = Assessment_.objects.create(
        team=team,
        framework=dora,
        title="Old",
        status="submitted",
        submitted_at="2025-01-01T00:00:00Z",
        result=document,
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0)
    upgraded = Assessment.objects.get(pk=stored.pk)
    assert (upgraded.delivery_performance, upgraded.delivery_rank) == ("Low", 1)
    delivery = upgraded.result["delivery_performance"]
    assert (delivery["limiting"], delivery["throughput"], delivery["stability"]) == (
        ["change_failure_rate"],
        "High",
        "Low",
    )
    assert upgraded.result["recommendations"] == [
        {"question_id": 1, "reason": "", "constraint": False}
    ]


def test_what_if_refuses_other_methods(client, dora, team_and_member):
    done = submit(dora, team_and_member, dora_scores())
    client.force_login(team_and_member[1])
    url = reverse("assessments:what_if", args=[done.pk])
    assert client.put(url).status_code == 405 and client.delete(url).status_code == 405
