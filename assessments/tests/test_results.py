"""The stored result, the results page and its exports."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.tests.make import (
    answer,
    make_assessment,
    make_team,
    make_user,
    questions_of,
    submitted_assessment,
)
from frameworks import tree
from frameworks.models import Domain, Question
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora_team():
    user = make_user("dana")
    return make_team("Platform", members=[user]), user


@pytest.fixture
def dora_client(client, dora_team):
    client.force_login(dora_team[1])
    return client


def dora_scores(**by_domain):
    """25 DORA scores by domain position (1-5), 3 unless given; a list overrides per question."""
    sizes = (5, 5, 4, 5, 6)
    scores = []
    for position, size in enumerate(sizes, start=1):
        value = by_domain.get(f"d{position}", 3)
        scores.extend(value if isinstance(value, list) else [value] * size)
    return scores


@pytest.mark.parametrize(
    ("scores", "overall", "level"),
    [
        (dora_scores(d1=5, d2=5, d3=5, d4=5, d5=5), 100.0, "Elite"),
        (dora_scores(d1=4, d2=4, d3=4, d4=4, d5=4), 80.0, "Elite"),
        (dora_scores(), 60.0, "High"),
        (dora_scores(d1=5, d2=1, d3=1, d4=1, d5=1), 40.0, "Medium"),
    ],
)
def test_submitting_dora_stores_the_weighted_score_and_level(
    dora, dora_team, scores, overall, level
):
    team, user = dora_team
    assessment = submitted_assessment(team=team, framework=dora, user=user, scores=scores)
    assert assessment.overall_percent == overall
    assert assessment.maturity_level == level
    assert assessment.result["maturity_level"]["name"] == level


def test_the_stored_result_names_each_key_metrics_performance_level(dora, dora_team):
    team, user = dora_team
    scores = dora_scores(
        d1=[5, 1, 1, 1, 1], d2=[4, 3, 3, 3, 3], d3=[0, 3, 3, 3], d4=[None, 3, 3, 3, 3]
    )
    assessment = submitted_assessment(team=team, framework=dora, user=user, scores=scores)
    assert [(m["name"], m["performance_level"]) for m in assessment.result["metrics"]] == [
        ("Deployment Frequency", "Elite"),
        ("Lead Time for Changes", "High"),
        ("Change Failure Rate", "Unknown"),
        ("Mean Time to Restore", "Unknown"),
    ]
    assert assessment.result["coverage"] == {"scored": 24, "not_applicable": 1, "total": 25}


def test_later_framework_edits_do_not_change_a_submitted_result(dora, dora_team):
    team, user = dora_team
    assessment = submitted_assessment(
        team=team, framework=dora, user=user, scores=dora_scores(d1=5)
    )
    before = (assessment.overall_percent, assessment.result)
    Domain.objects.filter(framework=dora, position=1).update(weight=5)
    Domain.objects.filter(framework=dora, position=5).update(weight=30)
    Question.objects.filter(gate__domain__framework=dora).update(text="Reworded")
    assessment.refresh_from_db()
    assert (assessment.overall_percent, assessment.result) == before


def test_the_results_page_shows_score_level_domains_metrics_and_recommendations(
    dora_client, dora, dora_team
):
    team, user = dora_team
    scores = dora_scores(d1=5, d2=4, d3=3, d4=2, d5=[1, 1, 1, 1, 1, None])
    assessment = submitted_assessment(team=team, framework=dora, user=user, scores=scores)
    answer(
        assessment,
        questions_of(dora)[0],
        5,
        notes="Grafana board https://grafana.example.com/x",
        user=user,
    )
    response = dora_client.get(reverse("assessments:results", args=[assessment.pk]))
    text = response.content.decode()
    # DF 100, LT 80, CFR 60, MTTR 40, EP 20 -> 25 + 20 + 12 + 8 + 2 = 67
    assert "67.0%" in text
    assert "High" in text and assessment.result["maturity_level"]["description"] in text
    assert "Scored on 24 of 25 questions" in text and "1 not applicable" in text
    for name in (
        "Deployment Frequency",
        "Lead Time for Changes",
        "Change Failure Rate",
        "Mean Time to Restore",
    ):
        assert name in text
    assert "<svg" in text and '<title id="domain-chart-title">Domain percentages</title>' in text
    assert "Deployment Frequency: 100.0%; Lead Time for Changes: 80.0%" in text  # text alternative
    assert "What to improve first" in text
    assert "Show all 19 improvements" in text
    assert 'href="https://grafana.example.com/x"' in text
    assert (
        "Overall = (25 × 100.0 + 25 × 80.0 + 20 × 60.0 + 20 × 40.0 + 10 × 20.0) / 100 = 67.0%"
        in text
    )
    assert "67.0% is at least 60% (High) and below 80% (Elite), so the level is High." in text


def test_with_no_constraint_the_largest_gap_comes_first_with_its_next_step(
    dora_client, dora, dora_team
):
    team, user = dora_team
    # Everything 5 (every key metric Elite: nothing limits) except one DF question at 2
    # and one EP question at 1: the gap ranks before the gain
    # (DF gain 25/100 x 20/5 = 1.0 point; EP gain 10/100 x 20/6 = 0.33).
    scores = dora_scores(d1=[5, 2, 5, 5, 5], d2=5, d3=5, d4=5, d5=[1, 5, 5, 5, 5, 5])
    assessment = submitted_assessment(team=team, framework=dora, user=user, scores=scores)
    response = dora_client.get(reverse("assessments:results", args=[assessment.pk]))
    recs = response.context["recommendations"]
    assert [
        (r["question"].number, r["current_score"], round(r["gain_percent"], 4)) for r in recs
    ] == [
        (20, 1, 0.3333),
        (2, 2, 1.0),
    ]
    assert [r["reason"] for r in recs] == ["4 levels below the top", "3 levels below the top"]
    trunk = questions_of(dora)[19]
    assert recs[0]["next"].description == trunk.guidance.get(score=2).description
    assert trunk.guidance.get(score=2).description in response.content.decode()


def test_the_results_page_costs_a_constant_number_of_queries(
    dora_client, dora, dora_team, django_assert_num_queries
):
    team, user = dora_team
    assessment = submitted_assessment(team=team, framework=dora, user=user, scores=dora_scores())
    url = reverse("assessments:results", args=[assessment.pk])
    tree.clear_cache()
    # session, user, assessment with its result and team, the user's teams (the access
    # rule), its answers' notes and who gave them, the team's previous result of the
    # framework ("since last time") and the actions done since; the first time also the
    # framework's tree (five queries)
    with django_assert_num_queries(12):
        first = dora_client.get(url)
    # again: the tree is kept, nothing else is
    with django_assert_num_queries(7):
        second = dora_client.get(url)

    # the same page (but for the per-request CSRF tokens of the sign-out and what-if forms)
    def without_tokens(response):
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)

    assert without_tokens(first) == without_tokens(second)


def test_the_results_page_and_exports_are_404_for_other_teams(client, dora, dora_team):
    team, user = dora_team
    assessment = submitted_assessment(team=team, framework=dora, user=user, scores=dora_scores())
    client.force_login(make_user("eve"))
    for name in ("results", "results_json", "results_csv"):
        assert client.get(reverse(f"assessments:{name}", args=[assessment.pk])).status_code == 404


def test_exports_require_sign_in_and_refuse_post(client, dora, dora_team):
    team, user = dora_team
    assessment = submitted_assessment(team=team, framework=dora, user=user, scores=dora_scores())
    for name in ("results_json", "results_csv"):
        url = reverse(f"assessments:{name}", args=[assessment.pk])
        assert client.get(url).status_code == 302
        client.force_login(user)
        assert client.post(url).status_code == 405
        client.logout()


def test_a_draft_has_no_exports(dora_client, dora, dora_team):
    team, user = dora_team
    draft = make_assessment(team=team, framework=dora, user=user)
    assert dora_client.get(reverse("assessments:results_json", args=[draft.pk])).status_code == 404
    assert dora_client.get(reverse("assessments:results_csv", args=[draft.pk])).status_code == 404


def test_the_json_export_matches_the_stored_result(dora_client, dora, dora_team):
    team, user = dora_team
    scores = dora_scores(d1=[5, 4, None, 2, 1])
    assessment = submitted_assessment(
        team=team, framework=dora, user=user, scores=scores, title="Q4 review"
    )
    answer(
        assessment,
        questions_of(dora)[2],
        not_applicable=True,
        reason="Vendor deploys",
        notes="see ticket 12",
    )
    response = dora_client.get(reverse("assessments:results_json", args=[assessment.pk]))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    stored = Assessment.objects.get(pk=assessment.pk).result
    assert data["framework"] == {"name": "DORA Metrics Framework", "version": "1.0"}
    assert (data["team"], data["title"], data["submitted_by"]) == ("Platform", "Q4 review", "dana")
    assert data["overall_percent"] == stored["overall_percent"]
    level = stored["maturity_level"]
    assert data["maturity_level"] == {
        "name": level["name"],
        "position": level["level"],
        "lower_bound": level["lower_bound"],
    }
    assert data["coverage"] == {"scored": 24, "not_applicable": 1, "total": 25}
    assert data["domains"] == [
        {"name": d["name"], "weight": d["weight"], "percent": d["percent"]}
        for d in stored["domains"]
    ]
    assert data["metrics"][0] == {
        "name": "Deployment Frequency",
        "key_metric": "deployment_frequency",
        "performance_level": "Elite",
    }
    assert len(data["answers"]) == 25
    third = data["answers"][2]
    assert third["score"] is None and third["not_applicable_reason"] == "Vendor deploys"
    assert third["notes"] == "see ticket 12"
    assert [r["gain_percent"] for r in data["recommendations"]] == [
        r["gain_percent"] for r in stored["recommendations"]
    ]
    assert isinstance(data["overall_percent"], float)


def test_the_csv_export_is_tidy_and_survives_commas_newlines_and_unicode(
    dora_client, dora, dora_team
):
    team, user = dora_team
    assessment = submitted_assessment(
        team=team, framework=dora, user=user, scores=dora_scores(), title="Équipe, Q4"
    )
    answer(
        assessment, questions_of(dora)[0], 3, notes='Line one, with comma\nLine "two" ✓', user=user
    )
    answer(assessment, questions_of(dora)[1], 3, notes='=HYPERLINK("x")', user=user)
    response = dora_client.get(reverse("assessments:results_csv", args=[assessment.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["team", "assessment title", "submitted at"]
    assert len(rows) == 26
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["assessment title"] == "Équipe, Q4"
    assert first["notes"] == 'Line one, with comma\nLine "two" ✓'
    assert float(first["overall percent"]) == assessment.overall_percent
    assert first["maturity level"] == "High"
    assert (first["domain"], first["domain weight"], float(first["domain percent"])) == (
        "Deployment Frequency",
        "25.0",
        60.0,
    )
    assert (first["score"], first["not applicable"]) == ("3", "no")
    assert dict(zip(rows[0], rows[2], strict=True))["notes"] == '\'=HYPERLINK("x")'


def test_a_framework_with_other_levels_shows_its_own_level(client):
    framework = make_framework(
        weights=(50, 50), questions=(1, 1), levels=((1, "Starting", 0), (2, "Scaling", 55))
    )
    user = make_user("cal")
    team = make_team("Culture", members=[user])
    assessment = submitted_assessment(team=team, framework=framework, user=user, scores=[3, 3])
    client.force_login(user)
    text = client.get(reverse("assessments:results", args=[assessment.pk])).content.decode()
    assert assessment.maturity_level == "Scaling"
    assert "60.0%" in text and "Scaling" in text
    assert "The four key metrics" not in text
