"""Every role on the delivery page and API: reads where the access rule allows, writes only
by members, nothing written otherwise; and wrong methods refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.tests.make import make_user
from assessments.tests.test_roles import editor, staff_only, superuser, viewer  # noqa: F401
from delivery.models import Deployment

pytestmark = pytest.mark.django_db

CSV = b"id,service,environment,finished_at,status,rework\nd1,api,production,2026-11-01T10:00:00Z,success,false\n"
ITEM = {
    "id": "d9",
    "service": "api",
    "environment": "production",
    "finished_at": "2026-11-01T10:00:00Z",
    "status": "success",
}


def attempt(client, team):
    """Read the page and the metrics; send a file and an API report. The status codes."""
    page = reverse("assessments:delivery", args=[team.slug])
    api = reverse("api-deployments", args=[team.slug])
    return (
        client.get(page).status_code,
        client.get(reverse("api-metrics", args=[team.slug])).status_code,
        client.post(page, {"deployments": SimpleUploadedFile("d.csv", CSV)}).status_code,
        client.post(api, ITEM, content_type="application/json").status_code,
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("viewer", (200, 200, 302, 403)),  # reads; the upload is refused with a message
        ("superuser", (200, 200, 302, 403)),
        ("staff_only", (404, 404, 404, 404)),
        ("editor", (404, 404, 404, 404)),
        ("stranger", (404, 404, 404, 404)),
    ],
)
def test_only_members_write_and_the_rule_decides_who_reads(client, request, team, role, expected):
    user = make_user("stranger") if role == "stranger" else request.getfixturevalue(role)
    client.force_login(user)
    assert attempt(client, team) == expected
    assert not Deployment.objects.exists()


def test_a_member_reads_and_writes(client, team):
    client.force_login(team.members.get())
    assert attempt(client, team) == (200, 200, 302, 201)
    assert Deployment.objects.count() == 2


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("put", "assessments:delivery", ["payments"]),
        ("delete", "assessments:delivery", ["payments"]),
        ("get", "api-deployments", ["payments"]),
        ("get", "api-incidents", ["payments"]),
        ("post", "api-metrics", ["payments"]),
        ("post", "assessments:overview_teams", []),
    ],
)
def test_wrong_methods_are_refused(client, team, method, name, args):
    client.force_login(team.members.get())
    response = getattr(client, method)(reverse(name, args=args), content_type="application/json")
    assert response.status_code == 405
    assert not Deployment.objects.exists()


def attempt_rows(client, team, receipt):
    """Read the stored rows; withdraw an arrival (the confirmation, then the POST)."""
    withdraw = reverse("assessments:arrival_withdraw", args=[team.slug, receipt.pk])
    return (
        client.get(reverse("assessments:delivery_rows", args=[team.slug])).status_code,
        client.get(withdraw).status_code,
        client.post(withdraw).status_code,
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", (200, 200, 302)),
        ("viewer", (200, 302, 302)),  # reads; the withdrawal is refused with a message
        ("superuser", (200, 302, 302)),
        ("staff_only", (404, 404, 404)),
        ("editor", (404, 404, 404)),
        ("stranger", (404, 404, 404)),
    ],
)
def test_the_stored_rows_and_withdrawals_follow_the_rule(client, request, team, role, expected):
    from delivery.models import Receipt
    from delivery.tests.test_imports import csv, import_delivery

    import_delivery(team, {"deployments": csv(CSV.decode())})
    receipt = Receipt.objects.get()
    if role == "member":
        user = team.members.get()
    elif role == "stranger":
        user = make_user("stranger")
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    assert attempt_rows(client, team, receipt) == expected
    receipt.refresh_from_db()
    assert Deployment.objects.exists() == (role != "member")
    assert (receipt.withdrawn_at is not None) == (role == "member")


def test_the_new_delivery_pages_refuse_wrong_methods_and_shrug_off_bad_input(client, team):
    from delivery.models import Receipt

    client.force_login(team.members.get())
    rows = reverse("assessments:delivery_rows", args=[team.slug])
    assert client.post(rows).status_code == 405
    template = reverse("assessments:delivery_template", args=["deployments"])
    assert client.post(template).status_code == 405
    for query in (
        "?kind=secrets",
        "?page=abc",
        "?page=99999999999999999999",
        "?kind=changes&page=-1",
    ):
        assert client.get(rows + query).status_code == 200, query
    receipt = Receipt.objects.create(team=team, kind="deployments", channel="api", rows=0)
    withdraw = reverse("assessments:arrival_withdraw", args=[team.slug, receipt.pk])
    assert client.put(withdraw).status_code == 405
    assert (
        client.get(reverse("assessments:arrival_withdraw", args=[team.slug, 10**9])).status_code
        == 404
    )
    client.logout()
    assert client.get(template).status_code == 302  # sign-in first, like every page
