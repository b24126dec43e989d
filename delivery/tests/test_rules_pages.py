"""The pages of the measuring rules: a member sets the team's production names and linking
by time on the delivery page (applied to the stored rows at once; bad input changes
nothing); "How was this measured?" gives every rule with the team's own counts, to anyone
who may read the team and nobody else; the CI's read of the latest deployment; CSV files
with the optional columns."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.tests.make import make_user
from assessments.tests.test_roles import editor, staff_only, superuser, viewer  # noqa: F401
from delivery.imports import import_delivery
from delivery.models import Change, Deployment, Incident
from delivery.services import delivery_store

pytestmark = pytest.mark.django_db


def recent(team):
    """A week of data: three deployments (one to "Prod", one to "qa", one failed), changes,
    an incident naming none."""
    now = timezone.now().replace(microsecond=0) - timedelta(days=1)
    rows = {
        "deployments": [
            (
                0,
                {
                    "external_id": "a",
                    "service": "api",
                    "environment": "Prod",
                    "finished_at": now - timedelta(days=3),
                    "status": "success",
                    "rework": False,
                },
            ),
            (
                1,
                {
                    "external_id": "b",
                    "service": "api",
                    "environment": "qa",
                    "finished_at": now - timedelta(days=2),
                    "status": "success",
                    "rework": False,
                },
            ),
            (
                2,
                {
                    "external_id": "c",
                    "service": "api",
                    "environment": "production",
                    "finished_at": now - timedelta(days=1),
                    "status": "failure",
                    "rework": False,
                },
            ),
        ],
        "changes": [
            (
                0,
                {"external_id": "x", "committed_at": now - timedelta(days=4), "deployment_id": "a"},
            ),
            (
                1,
                {
                    "external_id": "y",
                    "committed_at": now - timedelta(days=2, hours=1),
                    "deployment_id": "b",
                },
            ),
        ],
        "incidents": [
            (
                0,
                {
                    "external_id": "i",
                    "opened_at": now - timedelta(days=3) + timedelta(hours=1),
                    "resolved_at": now - timedelta(days=3) + timedelta(hours=3),
                    "deployment_id": "",
                    "service": "api",
                },
            ),
        ],
    }
    delivery_store(team, rows, channel="api", sender="test")


def rules(client, team, **data):
    return client.post(reverse("assessments:delivery_rules", args=[team.slug]), data)


def test_a_member_sets_the_rules_and_they_apply_to_the_stored_data_at_once(client, team):
    recent(team)
    client.force_login(team.members.get())
    page = client.get(reverse("assessments:delivery", args=[team.slug])).content.decode()
    assert "Not counted: 1 in “qa”" in page and 'id="rules"' in page
    response = rules(
        client, team, production_environments="production, Prod, QA", incident_link_hours="6"
    )
    assert response.status_code == 302 and response["Location"].endswith("#rules")
    team.refresh_from_db()
    assert (team.production_environments, team.incident_link_hours) == ("production, Prod, QA", 6)
    assert Deployment.objects.get(external_id="b").production
    assert Incident.objects.get().deployment_id == "a"  # linked by time, 1 hour after "a"
    page = client.get(response["Location"]).content.decode()
    assert "Saved, and applied to all of Payments" in page and "Not counted" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"production_environments": " , ,"}, "production_environments", "at least one"),
        ({"production_environments": "x" * 301}, "production_environments", "at most 300"),
        ({"production_environments": "p" * 101}, "production_environments", "longer than 100"),
        ({"production_environments": "a\x00b"}, "production_environments", "Null characters"),
        (
            {"production_environments": "production", "incident_link_hours": "0"},
            "incident_link_hours",
            "greater than or equal to 1",
        ),
        (
            {"production_environments": "production", "incident_link_hours": "169"},
            "incident_link_hours",
            "less than or equal to 168",
        ),
        (
            {"production_environments": "production", "incident_link_hours": "soon"},
            "incident_link_hours",
            "whole number",
        ),
    ],
)
def test_bad_rules_are_refused_with_the_field_named_and_change_nothing(
    client, team, data, field, message
):
    recent(team)
    client.force_login(team.members.get())
    response = rules(client, team, **data)
    assert response.status_code == 400
    assert message in str(response.context["rules_form"].errors[field])
    team.refresh_from_db()
    assert (team.production_environments, team.incident_link_hours) == (
        "production, prod, prd, live",
        None,
    )
    assert not Deployment.objects.get(external_id="b").production


@pytest.mark.parametrize(
    ("role", "page", "change"),
    [
        ("viewer", 200, 302),  # reads; the change is refused with a message
        ("superuser", 200, 302),
        ("staff_only", 404, 404),
        ("editor", 404, 404),
        ("stranger", 404, 404),
    ],
)
def test_who_reads_the_rules_and_who_changes_them(client, request, team, role, page, change):
    user = make_user("stranger") if role == "stranger" else request.getfixturevalue(role)
    client.force_login(user)
    measured = reverse("assessments:delivery_measured", args=[team.slug])
    assert client.get(measured).status_code == page
    assert rules(client, team, production_environments="qa").status_code == change
    team.refresh_from_db()
    assert team.production_environments == "production, prod, prd, live"


def test_wrong_methods_are_refused(client, team):
    client.force_login(team.members.get())
    measured = reverse("assessments:delivery_measured", args=[team.slug])
    assert client.post(measured).status_code == 405
    url = reverse("assessments:delivery_rules", args=[team.slug])
    assert client.get(url).status_code == 302  # to the form on the delivery page
    assert client.put(url).status_code == 405


def test_how_it_was_measured_gives_each_rule_with_the_teams_counts(
    client, team, django_assert_num_queries
):
    recent(team)
    client.force_login(team.members.get())
    url = reverse("assessments:delivery_measured", args=[team.slug])
    page = client.get(url).content.decode()
    for anchor in ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore"):
        assert f'id="{anchor}"' in page
    assert "2</strong> production deployments, 1 of them successful" in page
    assert "1 in “qa”" in page
    # y named "b" (in qa): production had no success of api after it, so it waits.
    assert "median of 1 change" in page
    assert "1 resolved incident names no deployment" in page
    assert "not turned on linking by time" in page
    assert "none of 1 failed deployment has recovered yet" in page

    def success(n):
        return (
            n,
            {
                "external_id": f"z{n}",
                "service": "api",
                "environment": "production",
                "finished_at": timezone.now() - timedelta(minutes=n + 1),
                "status": "success",
                "rework": False,
            },
        )

    delivery_store(team, {"deployments": [success(0)]}, channel="api", sender="test")
    with django_assert_num_queries(17):
        client.get(url)
    more = [success(n) for n in range(1, 200)]
    delivery_store(team, {"deployments": more}, channel="api", sender="test")
    with django_assert_num_queries(17):  # the same however much data
        client.get(url)


def test_the_ci_reads_the_latest_successful_production_deployment_of_a_service(client, team, key):
    recent(team)
    url = reverse("api-deployment-latest", args=[team.slug])
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    latest = client.get(url, {"service": "api"}, **auth)
    assert latest.status_code == 200 and latest.json()["id"] == "a"  # "c" failed, "b" is qa
    assert client.get(url, {"service": "web"}, **auth).status_code == 404
    assert client.get(url, **auth).status_code == 400
    assert client.get(url, {"service": "s" * 201}, **auth).status_code == 400
    assert client.get(url, {"service": "api"}).status_code == 401


def test_csv_files_may_add_the_optional_columns(team):
    deployments = (
        b"id,service,environment,finished_at,status,rework,commit\n"
        b"d1,api,production,2026-11-01T10:00:00Z,success,false,3f2a9c1d\n"
    )
    incidents = (
        b"id,opened_at,resolved_at,deployment_id,service\n"
        b"i1,2026-11-01T11:00:00Z,2026-11-01T12:00:00Z,,api\n"
    )
    import_delivery(
        team,
        {"deployments": io.BytesIO(deployments), "incidents": io.BytesIO(incidents)},
        channel="upload",
        sender="pat",
    )
    assert Deployment.objects.get().commit == "3f2a9c1d"
    assert Incident.objects.get().service == "api"
    assert not Change.objects.exists()


def test_production_names_longer_than_their_column_once_written_are_refused(client, team):
    client.force_login(team.members.get())
    names = ",".join(f"p{n}" for n in range(100))[:300]  # 300 typed; more once written "a, b"
    response = rules(client, team, production_environments=names)
    assert response.status_code == 400
    assert "at most 300" in str(response.context["rules_form"].errors["production_environments"])
    team.refresh_from_db()
    assert team.production_environments == "production, prod, prd, live"


def test_a_file_without_the_optional_columns_keeps_what_was_sent_before(client, team, key):
    url = reverse("api-deployments", args=[team.slug])
    item = {
        "id": "d1",
        "service": "api",
        "environment": "production",
        "finished_at": "2026-11-01T10:00:00Z",
        "status": "success",
        "commit": "abc123",
    }
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.post(url, item, content_type="application/json", **auth).status_code == 201
    again = {k: v for k, v in item.items() if k != "commit"}
    answer = client.post(url, again, content_type="application/json", **auth).json()
    assert answer["unchanged"] == {"deployments": 1, "changes": 0}
    import_delivery(
        team,
        {
            "deployments": io.BytesIO(
                b"id,service,environment,finished_at,status,rework\n"
                b"d1,api,production,2026-11-01T10:00:00Z,success,false\n"
            )
        },
        channel="upload",
        sender="pat",
    )
    assert Deployment.objects.get().commit == "abc123"
    incidents = reverse("api-incidents", args=[team.slug])
    sent = {"id": "i1", "opened_at": "2026-11-01T11:00:00Z", "service": "api"}
    client.post(incidents, sent, content_type="application/json", **auth)
    client.post(
        incidents,
        {"id": "i1", "opened_at": "2026-11-01T11:00:00Z"},
        content_type="application/json",
        **auth,
    )
    assert Incident.objects.get().service == "api"
