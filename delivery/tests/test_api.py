"""The delivery API: team tokens (right team, wrong team, revoked, missing), sessions under the
one access rule, atomic lists, idempotence, bad input, throttling, the metrics and the
schema."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.tests.make import make_team, make_user, make_viewer
from delivery.models import Change, Deployment, Incident
from teams.models import TeamToken

pytestmark = pytest.mark.django_db


def deployment(n=1, *, when=None, status="success", changes=1):
    when = when or timezone.now() - timedelta(days=1)
    return {
        "id": f"d{n}",
        "service": "api",
        "environment": "production",
        "finished_at": when.isoformat(),
        "status": status,
        "rework": False,
        "changes": [
            {"id": f"c{n}-{c}", "committed_at": (when - timedelta(hours=30)).isoformat()}
            for c in range(changes)
        ],
    }


def post(client, slug, kind, data, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    return client.post(
        reverse(f"api-{kind}", args=[slug]), data, content_type="application/json", **headers
    )


def test_a_teams_ci_reports_deployments_and_sending_again_updates(client, team, key):
    response = post(
        client, team.slug, "deployments", [deployment(1), deployment(2, changes=2)], key
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "deployments": 2,
        "changes": 3,
        "created": {"deployments": 2, "changes": 3},
        "updated": {"deployments": 0, "changes": 0},
        "unchanged": {"deployments": 0, "changes": 0},
        "changes_kept_with_earlier_deployment": 0,
        "deployments_moved": [],
        "not_production": {},
    }
    again = deployment(1, status="failure")
    assert post(client, team.slug, "deployments", again, key).status_code == 201
    assert (Deployment.objects.count(), Change.objects.count()) == (2, 3)
    assert Deployment.objects.get(external_id="d1").status == "failure"
    token = TeamToken.objects.get()
    assert token.last_used_at is not None and token.digest != key and token.prefix == key[:8]


def test_one_bad_item_writes_nothing_and_each_items_errors_are_listed(client, team, key):
    bad = deployment(2)
    bad["finished_at"] = "2026-11-01T10:00:00"  # no time zone
    worse = deployment(3)
    worse["status"] = "fine"
    response = post(client, team.slug, "deployments", [deployment(1), bad, worse], key)
    assert response.status_code == 400
    errors = response.json()["errors"]  # by the failing items' positions in the list
    assert set(errors) == {"1", "2"} and "time zone" in str(errors["1"]["finished_at"])
    assert "status" in errors["2"]
    assert Deployment.objects.count() == 0 and Change.objects.count() == 0


def test_an_id_sent_twice_is_named_beside_the_other_items_errors(client, team, key):
    bad = deployment(2)
    bad["status"] = "fine"
    again = deployment(1)
    response = post(client, team.slug, "deployments", [deployment(1), bad, again], key)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"1", "2"} and "status" in errors["1"]
    assert errors["2"] == {"id": ["“d1” is sent twice in this request (item 0 has it too)."]}
    assert Deployment.objects.count() == 0


def test_a_token_reaches_only_its_own_team(client, team, key):
    other = make_team("Search", members=[make_user("sam")])
    assert post(client, other.slug, "deployments", deployment(), key).status_code == 403
    assert (
        client.get(
            reverse("api-metrics", args=[other.slug]), HTTP_AUTHORIZATION=f"Token {key}"
        ).status_code
        == 403
    )
    assert Deployment.objects.count() == 0


def test_a_revoked_or_unknown_or_missing_token_is_refused(client, team, key):
    assert post(client, team.slug, "deployments", deployment(), "not-a-token").status_code == 401
    TeamToken.objects.update(revoked_at=timezone.now())
    assert post(client, team.slug, "deployments", deployment(), key).status_code == 401
    assert post(client, team.slug, "deployments", deployment()).status_code in (401, 403)
    assert Deployment.objects.count() == 0


def test_sessions_follow_the_access_rule(client, team):
    viewer = make_viewer("vera")
    client.force_login(viewer)
    assert client.get(reverse("api-metrics", args=[team.slug])).status_code == 200
    assert post(client, team.slug, "deployments", deployment()).status_code == 403
    client.force_login(make_user("olga"))
    assert client.get(reverse("api-metrics", args=[team.slug])).status_code == 404
    client.force_login(team.members.get())
    assert post(client, team.slug, "deployments", deployment()).status_code == 201


def test_incidents_and_the_metrics_they_make(client, team, key, dora):
    now = timezone.now()
    items = [deployment(n, when=now - timedelta(days=n), changes=1) for n in range(1, 11)]
    post(client, team.slug, "deployments", items, key)
    incident = {
        "id": "i1",
        "opened_at": (now - timedelta(days=1, hours=21)).isoformat(),
        "resolved_at": (now - timedelta(days=1, hours=19)).isoformat(),
        "deployment_id": "d2",
    }
    assert post(client, team.slug, "incidents", incident, key).status_code == 201
    backwards = {**incident, "id": "i2", "resolved_at": (now - timedelta(days=3)).isoformat()}
    assert post(client, team.slug, "incidents", backwards, key).status_code == 400
    assert Incident.objects.count() == 1
    data = client.get(
        reverse("api-metrics", args=[team.slug]), HTTP_AUTHORIZATION=f"Token {key}"
    ).json()
    assert data["team"] == "payments" and data["deployments"] == 10
    assert data["failed_deployments"] == 1 and data["change_failure_rate"] == 0.1
    assert data["lead_time_hours_median"] == 30.0 and data["changes_measured"] == 10
    assert data["recovery_time_hours_median"] == 2.0 and data["incidents_resolved"] == 1
    # Ten deployments since the first, ten days ago: over those 11 days, not the 91 of the
    # window (the days before the team's first deployment were not reported).
    assert data["measured_days"] == 11 and data["measured_from"] < data["end"]
    assert data["deployment_frequency_per_week"] == pytest.approx(10 * 7 / 11)
    assert data["levels"] == {
        "deployment_frequency": "High",
        "lead_time": "High",
        "change_failure_rate": "High",
        "time_to_restore": "High",
    }
    assert data["scores"] == {
        "deployment_frequency": 4,
        "lead_time": 4,
        "change_failure_rate": 4,
        "time_to_restore": 4,
    }
    assert data["levels_from"] == "DORA Metrics Framework 1.0"
    dora.is_published = False
    dora.save()
    unranked = client.get(
        reverse("api-metrics", args=[team.slug]), HTTP_AUTHORIZATION=f"Token {key}"
    ).json()
    assert unranked["levels_from"] is None and set(unranked["levels"].values()) == {None}
    assert unranked["deployments"] == 10
    bad = client.get(
        reverse("api-metrics", args=[team.slug]) + "?start=yesterday",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()


def test_a_list_of_more_than_a_thousand_is_refused(client, team, key):
    items = [deployment(n, changes=0) for n in range(1001)]
    response = post(client, team.slug, "deployments", items, key)
    assert response.status_code == 400 and "At most 1000" in response.content.decode()


def test_requests_are_throttled_per_token(client, team, key, monkeypatch):
    from teams.api.throttles import TeamTokenThrottle

    monkeypatch.setattr(TeamTokenThrottle, "THROTTLE_RATES", {"delivery": "3/minute"})
    other_key = TeamToken.issue(team=team, name="Other CI")[1]
    url = reverse("api-metrics", args=[team.slug])
    codes = [client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {other_key}").status_code == 200


def test_the_command_makes_a_token_shown_once(team):
    out = StringIO()
    call_command("create_team_token", team.slug, "GitHub Actions", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = TeamToken.objects.get(name="GitHub Actions")
    assert token.digest == TeamToken.digest_of(key) and key not in token.digest


def test_the_schema_and_the_docs_are_served_without_a_cdn(client, team):
    client.force_login(team.members.get())
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200 and b"/api/v1/teams/{slug}/deployments/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_a_change_named_by_two_deployments_of_one_request_writes_nothing(client, team, key):
    first, second = deployment(1, changes=1), deployment(2, changes=1)
    second["changes"] = first["changes"]
    response = post(client, team.slug, "deployments", [first, second], key)
    assert response.status_code == 400
    change = first["changes"][0]["id"]
    assert response.json()["errors"] == {
        "1": {"changes": [f"“{change}” is sent twice in this request."]}
    }
    assert not Deployment.objects.exists() and not Change.objects.exists()


def test_the_metrics_are_counted_afresh_in_the_same_queries_however_much_data(
    client, team, key, django_assert_num_queries
):
    url = reverse("api-metrics", args=[team.slug])
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    incident = {"id": "i1", "opened_at": "2026-01-01T00:00:00Z"}
    incident["resolved_at"] = (timezone.now() - timedelta(days=1)).isoformat()
    post(client, team.slug, "incidents", incident, key)
    for total in (3, 30):
        batch = [deployment(n) for n in range(1, total + 1)]
        post(client, team.slug, "deployments", batch, key)
        # The token, its last use, the team's latest DORA result and the framework whose
        # buckets give levels; the deployments' counts, those an incident names; the
        # changes' count and middle; the incidents' count and middle; the team's first
        # deployment. Nothing is kept between requests: the rows just sent count at once.
        with django_assert_num_queries(14):
            assert client.get(url, **headers).json()["deployments"] == total


def test_a_change_twice_in_one_deployment_is_named(client, team, key):
    item = deployment(1, changes=2)
    item["changes"].append(dict(item["changes"][0]))
    response = post(client, team.slug, "deployments", [item], key)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "0": {"changes": ["Change ids sent twice in this deployment: “c1-0”."]}
    }
    assert not Deployment.objects.exists()


def test_a_change_keeps_the_deployment_that_first_shipped_it(client, team, key):
    shipped = timezone.now() - timedelta(days=2)
    first = deployment(1, when=shipped)
    first["changes"] = [{"id": "abc", "committed_at": (shipped - timedelta(hours=1.5)).isoformat()}]
    assert post(client, team.slug, "deployments", first, key).status_code == 201
    # A rollback a day later lists the same commit (as a re-run CI job would).
    rollback = deployment(2, when=shipped + timedelta(days=1))
    rollback["changes"] = first["changes"]
    response = post(client, team.slug, "deployments", rollback, key)
    assert response.status_code == 201
    assert response.json()["changes_kept_with_earlier_deployment"] == 1
    change = Change.objects.get(external_id="abc")
    assert change.deployment_id == "d1" and change.lead_time == timedelta(hours=1.5)


def test_an_incident_cannot_name_a_deployment_that_finished_after_it_opened(client, team, key):
    finished = timezone.now() - timedelta(days=1)
    assert (
        post(client, team.slug, "deployments", deployment(1, when=finished), key).status_code == 201
    )
    incidents = [
        {
            "id": "i1",
            "opened_at": (finished + timedelta(hours=1)).isoformat(),
            "deployment_id": "d1",
        },
        {
            "id": "i2",
            "opened_at": (finished - timedelta(hours=1)).isoformat(),
            "deployment_id": "d1",
        },
    ]
    response = post(client, team.slug, "incidents", incidents, key)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1"]
    assert "after this incident opened" in response.json()["errors"]["1"]["deployment_id"][0]
    assert not Incident.objects.exists()


def test_the_metrics_and_the_delivery_page_use_the_same_buckets(client, team, key, dora):
    """With a second published DORA version whose frequency bounds differ, the API and the
    delivery page both rank the team's data with the version of its latest DORA result."""
    from assessments.tests.make import submitted_assessment
    from frameworks.models import ScoreGuidance
    from frameworks.services import content_version_renew, framework_new_version

    newer = framework_new_version(framework=dora, version="1.1")
    # In 1.1, Elite starts at 2 deployments a week (1.0: 10).
    ScoreGuidance.objects.filter(
        question__gate__domain__framework=newer,
        question__gate__domain__key_metric="deployment_frequency",
        performance_label="Elite",
    ).update(lower_bound=2)
    ScoreGuidance.objects.filter(
        question__gate__domain__framework=newer,
        question__gate__domain__key_metric="deployment_frequency",
        performance_label="High",
        lower_bound__gte=1,
    ).update(upper_bound=2)
    newer.is_published = True
    newer.save()
    content_version_renew(framework_ids=[newer.pk])
    submitted_assessment(team=team, framework=dora, user=team.members.get(), scores=3)
    now = timezone.now()
    items = [deployment(n, when=now - timedelta(days=2 * n), changes=0) for n in range(1, 8)]
    post(client, team.slug, "deployments", items, key)  # 7 over 15 days: 3.3 a week
    data = client.get(
        reverse("api-metrics", args=[team.slug]), HTTP_AUTHORIZATION=f"Token {key}"
    ).json()
    assert data["levels_from"] == "DORA Metrics Framework 1.0"
    assert data["levels"]["deployment_frequency"] == "High"  # 1.0's buckets, not 1.1's Elite
    client.force_login(team.members.get())
    page = client.get(reverse("assessments:delivery", args=[team.slug])).content.decode()
    frequency = page.split('scope="row">Deployment frequency')[1].split("</tr>")[0]
    assert "level-high" in frequency and "level-elite" not in frequency
