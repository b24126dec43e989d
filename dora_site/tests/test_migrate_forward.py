"""A site's database as it stood before teams moved into their own app (and before the
page-part cache went) migrates forward with every row kept: teams, members, assessments,
answers, tokens, delivery data and the organisation viewer's permission. Run on SQLite and,
in CI, on PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Every app's last migration before this change.
BEFORE = [
    ("frameworks", "0005_measured_bounds"),
    ("assessments", "0009_delivery_performance"),
    ("delivery", "0003_receipts"),
    ("teams", None),
]
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def fill(apps) -> dict:
    """One of everything, written with the models as they were."""
    User = apps.get_model("auth", "User")
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("assessments", "Team")
    Membership = apps.get_model("assessments", "Membership")
    Framework = apps.get_model("frameworks", "Framework")
    Domain = apps.get_model("frameworks", "Domain")
    Gate = apps.get_model("frameworks", "Gate")
    Question = apps.get_model("frameworks", "Question")
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    TeamToken = apps.get_model("delivery", "TeamToken")
    Receipt = apps.get_model("delivery", "Receipt")
    Deployment = apps.get_model("delivery", "Deployment")
    Change = apps.get_model("delivery", "Change")
    Incident = apps.get_model("delivery", "Incident")

    ada = User.objects.create(username="ada")
    viewer = User.objects.create(username="vic")
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="view_all_teams")
    )
    team = Team.objects.create(name="Payments", slug="payments")
    Membership.objects.create(team=team, user=ada)
    framework = Framework.objects.create(slug="f", version="1.0", name="F", is_published=True)
    domain = Domain.objects.create(framework=framework, position=1, name="D", weight=100)
    gate = Gate.objects.create(domain=domain, position=1, name="G")
    question = Question.objects.create(gate=gate, position=1, topic="T", text="Q?")
    draft = Assessment.objects.create(team=team, framework=framework, title="Draft", created_by=ada)
    Answer.objects.create(
        assessment=draft, question=question, score=4, notes="kept", updated_by=ada, updated_at=WHEN
    )
    done = Assessment.objects.create(
        team=team,
        framework=framework,
        title="Done",
        status="submitted",
        submitted_at=WHEN,
        submitted_by=ada,
        result={
            "overall_percent": 80.0,
            "metrics": [
                {"name": "Lead time", "key_metric": "lead_time", "performance_level": "High"}
            ],
            "measured": {"disagreements": 1},
        },
        overall_percent=80.0,
        is_latest=True,
    )
    TeamToken.objects.create(team=team, name="CI", prefix="abcdefgh", digest="d" * 64)
    receipt = Receipt.objects.create(
        team=team, kind="deployments", channel="api", rows=1, sender="CI"
    )
    Deployment.objects.create(
        team=team,
        external_id="d1",
        service="pay",
        environment="Production",  # counted once names match in any case
        finished_at=WHEN,
        status="success",
        receipt=receipt,
    )
    Change.objects.create(
        team=team, external_id="c1", committed_at=WHEN - timedelta(hours=2), deployment_id="d1"
    )
    Incident.objects.create(team=team, external_id="i1", opened_at=WHEN, deployment_id="d1")
    return {"team": team.pk, "draft": draft.pk, "done": done.pk}


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_migrates_forward_with_every_row_kept():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        ids = fill(executor.loader.project_state([n for n in BEFORE if n[1]]).apps)
    finally:  # whatever happens, the tests after this one find today's schema
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        call_command("migrate", verbosity=0)  # as a deploy runs it: post_migrate included

    from django.contrib.auth import get_user_model

    from assessments.models import Answer, Assessment
    from delivery.models import Change, Deployment, Incident, Receipt
    from teams.models import Membership, Team, TeamToken

    team = Team.objects.get(pk=ids["team"])
    assert team.slug == "payments"
    assert [m.user.username for m in Membership.objects.filter(team=team)] == ["ada"]
    assert list(team.members.values_list("username", flat=True)) == ["ada"]
    assert Assessment.objects.get(pk=ids["draft"]).team == team
    done = Assessment.objects.get(pk=ids["done"])
    assert done.is_latest and done.result["overall_percent"] == 80.0
    # The overview's columns are filled in from the stored document.
    assert (done.metric_levels, done.measured_disagreements) == ([["Lead time", "High"]], 1)
    answer = Answer.objects.get(assessment_id=ids["draft"])
    assert (answer.score, answer.notes, answer.updated_by.username) == (4, "kept", "ada")
    assert TeamToken.objects.get(team=team).digest == "d" * 64
    assert Receipt.objects.get(team=team).rows == 1
    assert Deployment.objects.get(team=team).external_id == "d1"
    # The measuring rules of today applied to the rows kept: production in any case, the
    # change shipped by it, the incident's link marked as reported.
    assert Deployment.objects.get(team=team).production
    change = Change.objects.get(team=team)
    assert (change.deployment_id, change.shipped_by, change.lead_time) == (
        "d1",
        "d1",
        timedelta(hours=2),
    )
    incident = Incident.objects.get(team=team)
    assert (incident.deployment_id, incident.link) == ("d1", "reported")
    # The organisation viewer still reads every team; the member still changes theirs.
    users = get_user_model().objects
    assert users.get(username="vic").has_perm("teams.view_all_teams")
    assert list(Team.objects.visible_to(users.get(username="vic"))) == [team]
    assert list(Team.objects.changeable_by(users.get(username="ada"))) == [team]
    assert Assessment.objects.with_answered_count().get(pk=ids["draft"]).answered_count == 1
