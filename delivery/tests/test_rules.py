"""The measuring rules a team can see and set, table-driven, each stored through the one
writer (services.delivery_store) and measured by the database (selectors.measure):
production environment names, changes shipped by a failed or non-production deployment,
successful deployments in the frequency, failed deployment recovery time, linking incidents
by time, and what an arrival created, changed and left as it was. Week of 1-7 January 2024."""

from datetime import timedelta

import pytest

from delivery.metrics import evidence, recovery_text
from delivery.models import Change as ChangeRow
from delivery.models import Deployment as DeploymentRow
from delivery.models import Incident as IncidentRow
from delivery.selectors import measure as measure_team
from delivery.services import team_rules_apply
from delivery.tests.test_metrics import (
    DORA,
    END,
    START,
    at,
    change,
    deploy,
    incident,
    measure,
    store,
)
from teams.models import Team

pytestmark = pytest.mark.django_db


def new_team(name="Rules", **rules):
    return Team.objects.create(name=name, slug=name.lower(), **rules)


def measured(team):
    return measure_team(team, START, END, DORA)


# --- production: the team's names, in any case ---


@pytest.mark.parametrize(
    ("environment", "names", "counted"),
    [
        ("production", None, True),
        ("Production", None, True),
        ("PROD", None, True),
        ("prd", None, True),
        ("Live", None, True),
        ("staging", None, False),
        ("production-eu", None, False),  # a name, not a prefix
        ("prod", "production", False),  # the team's own list only
        ("eu-west", "production, EU-West", True),
        ("production", " , eu-west ,", False),
    ],
)
def test_production_is_the_teams_list_of_names_in_any_case(environment, names, counted):
    team = new_team(**({"production_environments": names} if names else {}))
    store(
        team, "deployments", [deploy(f"d{n}", at(n + 1), environment=environment) for n in range(3)]
    )
    data = measured(team)
    assert data.deployments == (3 if counted else 0)
    assert data.other_environments == (
        [] if counted else [{"environment": environment, "deployments": 3}]
    )


def test_changing_the_names_applies_to_every_stored_row_at_once():
    team = new_team()
    store(team, "deployments", [deploy("d0", at(2), environment="eu"), deploy("d1", at(3))])
    store(team, "changes", [change("c0", at(2, 10), "d0"), change("c1", at(3, 9), "d1")])
    data = measured(team)
    # c0 names a deployment outside production: the next production success shipped it.
    assert (data.deployments, data.changes_measured, data.lead_time_hours_median) == (1, 2, 14.5)
    assert data.changes_shipped_later == 1
    team_rules_apply(team, production_environments="production, EU", incident_link_hours=None)
    data = measured(team)
    assert (data.deployments, data.changes_measured, data.lead_time_hours_median) == (2, 2, 2.5)
    assert data.other_environments == []
    team_rules_apply(team, production_environments="eu", incident_link_hours=None)
    data = measured(team)
    # c1's deployment is no production one now: it waits for the next success of its service.
    assert (data.deployments, data.changes_measured) == (1, 1)
    assert data.other_environments == [{"environment": "production", "deployments": 1}]


# --- changes shipped by a failed or non-production deployment ---


@pytest.mark.parametrize(
    ("named", "later", "lead_hours"),
    [
        # The change names a failed deployment on day 2; the next success of api ships it.
        (deploy("x", at(2), "failure"), [deploy("ok", at(4))], 50.0),
        # Named by a staging deployment: production followed a day later.
        (deploy("x", at(2), environment="staging"), [deploy("ok", at(3))], 26.0),
        # The first success after it, not a later one; not one of another service.
        (
            deploy("x", at(2), "failure"),
            [deploy("web", at(3), service="web"), deploy("ok", at(4)), deploy("ok2", at(5))],
            50.0,
        ),
        # Nothing followed it: not shipped yet.
        (deploy("x", at(2), "failure"), [deploy("before", at(1))], None),
    ],
)
def test_a_change_named_by_a_failed_or_other_deployment_counts_from_the_next_success(
    named, later, lead_hours
):
    data = measure([named, *later], changes=[change("c", at(2, 10), "x")])
    assert data.lead_time_hours_median == lead_hours
    assert data.changes_shipped_later == (1 if lead_hours else 0)


def test_the_next_success_is_found_whichever_order_the_rows_arrive_in():
    team = new_team()
    store(team, "changes", [change("c", at(2, 10), "x")])
    store(team, "deployments", [deploy("x", at(2), "failure")])
    assert measured(team).changes_measured == 0
    store(team, "deployments", [deploy("late", at(6))])
    assert measured(team).lead_time_hours_median == 98.0
    store(team, "deployments", [deploy("early", at(3))])  # an earlier success arrives late
    assert measured(team).lead_time_hours_median == 26.0
    assert ChangeRow.objects.get(team=team).shipped_by == "early"
    store(team, "deployments", [deploy("early", at(3), "failure")])  # re-reported: it failed
    assert ChangeRow.objects.get(team=team).shipped_by == "late"


# --- the frequency counts successful deployments; the failure rate all of them ---


def test_frequency_counts_successful_deployments_and_failure_rate_all_of_them():
    rows = [deploy(f"d{n}", at(n + 1)) for n in range(7)]
    rows += [deploy(f"f{n}", at(n + 1, 13), "failure") for n in range(3)]
    data = measure(rows)
    assert (data.deployments, data.successful_deployments) == (10, 7)
    assert data.deployment_frequency_per_week == 7.0
    assert data.change_failure_rate == pytest.approx(0.3)
    said = evidence(data)
    assert said["deployment_frequency"]["sample"].startswith(
        "7 successful of 10 production deployments"
    )
    assert said["change_failure_rate"]["sample"] == "3 failed of 10 deployments"


# --- failed deployment recovery time ---


@pytest.mark.parametrize(
    ("deployments", "incidents", "hours", "recovered", "failed"),
    [
        # A failed deployment ends with the next success of its service.
        ([deploy("f", at(2), "failure"), deploy("ok", at(2, 15))], [], 3.0, 1, 1),
        # ... not with one of another service.
        (
            [deploy("f", at(2), "failure"), deploy("w", at(2, 13), service="web")],
            [],
            None,
            0,
            1,
        ),
        # A deployment named by an incident ends when the incident is resolved, even if
        # another deployment came sooner.
        (
            [deploy("d", at(2)), deploy("ok", at(2, 13))],
            [incident("i", at(2, 12, 30), at(2, 18), deployment_id="d")],
            6.0,
            1,
            1,
        ),
        # While an incident naming it is open, it has not recovered.
        (
            [deploy("d", at(2)), deploy("ok", at(2, 13))],
            [
                incident("i", at(2, 12, 30), at(2, 18), deployment_id="d"),
                incident("j", at(2, 14), None, deployment_id="d"),
            ],
            None,
            0,
            1,
        ),
        # Two failures, 2 h and 4 h: the median of the two.
        (
            [
                deploy("f1", at(2), "failure"),
                deploy("ok1", at(2, 14)),
                deploy("f2", at(3), "failure"),
                deploy("ok2", at(3, 16)),
            ],
            [],
            3.0,
            2,
            2,
        ),
    ],
)
def test_failed_deployment_recovery_time(deployments, incidents, hours, recovered, failed):
    data = measure(deployments, incidents=incidents)
    assert data.failed_deployments == failed
    assert data.failed_deployment_recovery_hours_median == hours
    assert data.failures_recovered == recovered
    text = recovery_text(data)
    assert (f"median of {recovered} recovered failure" in text) == bool(recovered)


# --- linking incidents by time ---


@pytest.mark.parametrize(
    ("hours", "opened", "service", "linked"),
    [
        (None, at(2, 13), "", None),  # off by default
        (2, at(2, 13), "api", "d1"),  # its service's last success within 2 hours before
        (2, at(2, 15), "api", None),  # 3 hours after: too late
        (2, at(2, 11, 30), "", "d0"),  # before d1 finished: d0, 1.5 h before
        (24, at(2, 13), "web", "w"),  # its own service's last success
        (24, at(2, 13), "mobile", None),  # a service with none
        (24, at(2, 12, 30), "", "w"),  # naming no service: the last of any
    ],
)
def test_linking_incidents_by_time(hours, opened, service, linked):
    team = new_team(incident_link_hours=hours)
    store(
        team,
        "deployments",
        [
            deploy("d0", at(2, 10)),
            deploy("d1", at(2, 12)),
            deploy("w", at(2, 12, 15), service="web"),
            deploy("f", at(2, 12, 20), "failure"),
        ],
    )
    store(team, "incidents", [incident("i", opened, opened + timedelta(hours=1), service=service)])
    row = IncidentRow.objects.get(team=team)
    assert (row.deployment_id or None) == linked
    assert row.link == ("time" if linked else "")
    data = measured(team)
    assert data.incidents_linked_by_time == (1 if linked else 0)
    assert data.incidents_unlinked == (0 if linked else 1)
    assert data.failed_deployments == 1 + (1 if linked else 0)


def test_the_rule_never_overrides_a_reported_link_and_takes_its_links_back_when_off():
    team = new_team(incident_link_hours=6)
    store(team, "deployments", [deploy("d0", at(2, 10)), deploy("d1", at(2, 12))])
    store(
        team,
        "incidents",
        [
            incident("named", at(2, 13), at(2, 14), deployment_id="d0"),
            incident("found", at(2, 13), at(2, 14)),
        ],
    )
    links = dict(IncidentRow.objects.values_list("external_id", "deployment_id"))
    assert links == {"named": "d0", "found": "d1"}
    assert "1 incident linked by time" in evidence(measured(team))["change_failure_rate"]["sample"]
    # A deployment arriving later that fits better takes the link.
    store(team, "deployments", [deploy("d2", at(2, 12, 30))])
    assert IncidentRow.objects.get(external_id="found").deployment_id == "d2"
    # Sending the incident again as it was changes nothing.
    again = store(team, "incidents", [incident("found", at(2, 13), at(2, 14))])
    assert again.unchanged == {"incidents": 1}
    team_rules_apply(team, production_environments="production", incident_link_hours=None)
    links = dict(IncidentRow.objects.values_list("external_id", "deployment_id"))
    assert links == {"named": "d0", "found": ""}


# --- what an arrival created, changed and left as it was ---


def test_an_arrival_says_what_it_created_changed_and_left_and_which_deployments_moved():
    team = new_team()
    first = store(team, "deployments", [deploy("d0", at(2)), deploy("d1", at(3))])
    assert (first.created, first.updated, first.unchanged) == (
        {"deployments": 2},
        {"deployments": 0},
        {"deployments": 0},
    )
    again = store(
        team,
        "deployments",
        [
            deploy("d0", at(2)),  # as it was
            deploy("d1", at(4)),  # finished a day later
            deploy("d2", at(5)),  # new
        ],
    )
    assert (again.created, again.updated, again.unchanged) == (
        {"deployments": 1},
        {"deployments": 1},
        {"deployments": 1},
    )
    assert again.moved == [("d1", "finished 2024-01-03T12:00:00+00:00 → 2024-01-04T12:00:00+00:00")]
    status = store(team, "deployments", [deploy("d2", at(5), "failure")])
    assert status.updated == {"deployments": 1} and status.moved == []
    service = store(team, "deployments", [deploy("d2", at(5), "failure", service="web")])
    assert service.moved == [("d2", "service “api” → “web”")]
    assert DeploymentRow.objects.filter(team=team).count() == 3
