"""The demo logins and example history that bin/run prints and creates."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessments.models import Assessment

pytestmark = pytest.mark.django_db


def local() -> dict:
    """demo_setup's own database is SQLite; the PostgreSQL run of the suite says --force."""
    return {} if connection.vendor == "sqlite" else {"force": True}


def test_it_creates_both_logins_and_an_example_history_once(dora, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_setup", stdout=out, **local())
    assert "demo / dora-demo" in out.getvalue() and "staff / dora-demo" in out.getvalue()
    users = get_user_model().objects
    assert users.get(username="demo").check_password("dora-demo")
    assert users.get(username="demo").teams.get().name == "Demo Team"
    assert users.get(username="staff").check_password("dora-demo")
    assert users.get(username="staff").is_staff
    demo_team = users.get(username="demo").teams.get()
    submitted = Assessment.objects.submitted().filter(team=demo_team).order_by("submitted_at")
    assert [a.maturity_level for a in submitted] == ["Low", "Medium", "Medium"]
    assert (
        submitted[0].overall_percent < submitted[1].overall_percent < submitted[2].overall_percent
    )
    assert Assessment.objects.filter(status="draft").count() == 1
    # The organisation's other teams, with histories of their own, for the overview.
    from teams.models import Team

    assert sorted(Team.objects.values_list("name", flat=True)) == [
        "Demo Team",
        "Mobile",
        "Payments",
        "Search",
    ]
    by_team = {
        name: Assessment.objects.submitted().filter(team__name=name).count()
        for name in ("Payments", "Search", "Mobile")
    }
    assert by_team == {"Payments": 4, "Search": 2, "Mobile": 0}
    # One of Payments' answered each on their own by four members, then together.
    each = Assessment.objects.get(team__name="Payments", mode="each")
    assert each.result["agreement"]["respondents"] == 4 and each.agreement_share is not None
    assert not users.get(username="demo-payments").has_usable_password()
    assert "the organisation has 4 teams" in out.getvalue()
    # Half a year of delivery data, measured High for frequency over the last 91 days.
    from django.utils import timezone

    from delivery.metrics import default_window
    from delivery.models import Deployment, Receipt
    from delivery.selectors import buckets_of, measure

    team = users.get(username="demo").teams.get()
    rows = Deployment.objects.filter(team=team).count()
    assert rows > 40 and Receipt.objects.filter(team=team).count() == 3
    data = measure(team, *default_window(timezone.now().date()), buckets_of(dora))
    assert data.levels["deployment_frequency"] == "High" and data.incidents_resolved >= 1
    # Two improvement actions from the latest result's first recommendations.
    actions = list(team.actions.order_by("pk"))
    assert [a.status for a in actions] == ["in_progress", "planned"]
    assert all(a.source.is_latest and a.baseline["scores"] for a in actions)
    call_command("demo_setup", password="another-one", stdout=StringIO(), **local())
    assert team.actions.count() == 2
    assert Assessment.objects.count() == 4 + 6  # nothing made twice
    assert Deployment.objects.filter(team=team).count() == rows
    assert users.get(username="demo").check_password("another-one")


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=1"):
        call_command("demo_setup", stdout=StringIO())


def test_it_refuses_a_database_that_is_not_its_own(dora, settings):
    from assessments.tests.make import make_user

    settings.DEBUG = True
    make_user("alice")
    expected = (
        "this database holds 1 other user"
        if connection.vendor == "sqlite"
        else f"this is a {connection.vendor} database"
    )
    with pytest.raises(CommandError, match=expected):
        call_command("demo_setup", stdout=StringIO())
    assert not get_user_model().objects.filter(username__in=["demo", "staff"]).exists()
    call_command("demo_setup", force=True, stdout=StringIO())
    assert get_user_model().objects.filter(username="staff", is_superuser=True).exists()
