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
