"""What a team answers set beside what its data says: frozen into the result at submission,
shown on the results page and in the JSON and CSV downloads; and the buckets as data."""

import csv as csv_module
import io

import pytest
from django.urls import reverse

from assessments.evidence import measuring_framework
from assessments.tests.make import submitted_assessment
from assessments.tests.test_results import dora_scores
from delivery.tests.test_imports import recent_history
from frameworks.models import ScoreGuidance
from frameworks.services import content_version_renew

pytestmark = pytest.mark.django_db


def submit(team, dora, **scores):
    return submitted_assessment(
        team=team, framework=dora, user=team.members.get(), scores=dora_scores(**scores)
    )


def test_submission_freezes_the_data_beside_the_answers(client, dora, team):
    recent_history(team, failures=9)  # 3 a week (High); 9 of 36 failed (25%: Medium)
    # Answered: deployment frequency Elite (5), change failure rate Medium (3).
    assessment = submit(team, dora, d1=[5, 3, 3, 3, 3], d3=[3, 3, 3, 3])
    measured = assessment.result["measured"]
    assert measured["deployments"] == 36 and measured["failed_deployments"] == 9
    rows = {row["key_metric"]: row for row in measured["metrics"]}
    # Counted from the first deployment, about 83 days back (the day depends on the hour).
    # (27 successful deployments, each on a day of its own.)
    assert rows["deployment_frequency"]["sample"] in {
        f"27 successful of 36 production deployments on 27 days (2.{tenths} deployment days "
        f"a week) over {days} days "
        "(since the first)"
        for days, tenths in ((83, 3), (84, 2))
    }
    assert rows["deployment_frequency"] | {"value": None, "sample": None} == {
        "key_metric": "deployment_frequency",
        "name": "Deployment frequency",
        "answered": "Elite",
        "measured": "High",
        "value": None,
        "sample": None,
        "differs": True,
    }
    assert rows["change_failure_rate"]["answered"] == "Medium"
    assert rows["change_failure_rate"]["measured"] == "Medium"
    assert not rows["change_failure_rate"]["differs"]
    assert rows["lead_time"]["measured"] == "High"  # 30 hours
    assert rows["time_to_restore"]["measured"] is None  # no incident
    assert measured["disagreements"] == sum(row["differs"] for row in rows.values())

    client.force_login(team.members.get())
    page = client.get(reverse("assessments:results", args=[assessment.pk])).content.decode()
    frequency = page.split("Deployment Frequency <span")[1].split("</div></div></div>")[0]
    assert "Your data:" in frequency and "Answer and data disagree" in frequency
    assert reverse("assessments:delivery", args=[team.slug]) in page
    assert measured["rules_version"] == 2 and "counted by the rules of version 2" in page
    assert reverse("assessments:delivery_measured", args=[team.slug]) in page
    # The delivery performance of the data (the lowest of High, Medium, High) beside the
    # answered one, and which of them the history uses.
    answered = assessment.result["delivery_performance"]["level"]
    assert f"<strong>Answered {answered}, measured Medium</strong>" in page
    assert "The team's history and the overview use the answered level." in page

    data = client.get(reverse("assessments:results_json", args=[assessment.pk])).json()
    assert data["format_version"] == 3 and data["measured"] == measured

    text = client.get(reverse("assessments:results_csv", args=[assessment.pk])).content
    table = list(csv_module.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    marked = [row for row in table if row["measured level"]]
    assert [(r["question code"], r["measured level"]) for r in marked] == [
        ("Q1", "High"),
        (marked[1]["question code"], "High"),
        (marked[2]["question code"], "Medium"),
        (marked[3]["question code"], "too little data"),
    ]
    assert marked[0]["answer and data disagree"] == "yes"
    assert marked[2]["answer and data disagree"] == "no"

    # New data later does not change what the result says: it was frozen at submission.
    recent_history(team, weeks=12, failures=36)
    assessment.refresh_from_db()
    assert assessment.result["measured"] == measured


def test_a_framework_without_key_metrics_stores_no_measured_block(client, team):
    from django.core.management import call_command

    from frameworks.models import Framework

    call_command("loaddata", "calms", verbosity=0)
    calms = Framework.objects.get(slug="calms")
    recent_history(team)
    assessment = submitted_assessment(
        team=team,
        framework=calms,
        user=team.members.get(),
        scores=3,
    )
    assert assessment.result["measured"] is None
    client.force_login(team.members.get())
    data = client.get(reverse("assessments:results_json", args=[assessment.pk])).json()
    assert data["measured"] is None


def test_levels_follow_the_bounds_stored_on_the_guidance(client, dora, team):
    recent_history(team)  # 3 deployments a week: score 4, High
    member = team.members.get()
    client.force_login(member)
    url = reverse("api-metrics", args=[team.slug])
    assert client.get(url).json()["levels"]["deployment_frequency"] == "High"
    # A curator moves the High bucket to start at 4 a week: 3 a week is Medium now, for the
    # data as for the answers, which share the buckets.
    headline = ScoreGuidance.objects.filter(
        question__gate__domain__framework=dora, question__gate__domain__position=1
    ).exclude(lower_bound=None, upper_bound=None)
    headline.filter(score=4).update(lower_bound=4)
    headline.filter(score=3).update(upper_bound=4)
    content_version_renew(framework_ids=[dora.pk])  # as the admin's save does
    dora.refresh_from_db()
    assert measuring_framework() == dora
    body = client.get(url).json()
    assert body["levels"]["deployment_frequency"] == "Medium"
    assert body["scores"]["deployment_frequency"] == 3
