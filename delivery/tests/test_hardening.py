"""Hostile and unusual delivery data (issue: "no request can break a page for others"):
each request gets a clear 4xx, nothing is stored, and nothing reaches a page as a 500."""

import io

import pytest
from django.urls import reverse

from delivery.imports import ImportRefused, import_delivery
from delivery.models import Deployment, Incident
from delivery.tests.test_api import deployment, post
from teams.api.parsers import MAX_DEPTH

pytestmark = pytest.mark.django_db


def raw_post(client, slug, body: bytes, key):
    return client.post(
        reverse("api-deployments", args=[slug]),
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 900, 1000, 100_000])
def test_json_nested_deeply_is_a_400_at_any_depth(client, team, key, levels):
    response = raw_post(client, team.slug, b"[" * levels + b"]" * levels, key)
    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON nested more than {MAX_DEPTH} levels deep."}


def test_a_body_over_the_limit_is_a_413_in_json(client, team, key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = raw_post(client, team.slug, b"[" + b'"x",' * 5000 + b'"x"]', key)
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert "larger than 10,000 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    "moment",
    [
        "2026-13-01T00:00:00Z",
        "2026-02-30T10:00:00Z",
        "2026-01-01T24:00:00+24:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:00:00-01:00",
        "1969-12-31T23:00:00Z",
    ],
)
def test_impossible_or_far_timestamps_are_a_400_naming_the_item(client, team, key, moment):
    bad = deployment(2)
    bad["finished_at"] = moment
    response = post(client, team.slug, "deployments", [deployment(1), bad], key)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"1"} and set(errors["1"]) == {"finished_at"}
    assert not Deployment.objects.exists()


@pytest.mark.parametrize(
    "query", ["start=9999-12-30&end=9999-12-31", "start=0001-01-01&end=0001-01-02"]
)
def test_metrics_for_dates_out_of_range_are_a_400(client, team, key, query):
    url = reverse("api-metrics", args=[team.slug]) + "?" + query
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400 and "outside the dates accepted" in str(response.json())


HEADER = "id,service,environment,finished_at,status,rework\n"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-01:00"])
def test_csv_rows_out_of_range_are_refused_with_file_row_and_column(team, moment):
    text = HEADER + f"d1,api,production,{moment},success,false\n"
    with pytest.raises(ImportRefused) as refused:
        import_delivery(
            team, {"deployments": io.BytesIO(text.encode())}, channel="upload", sender="pat"
        )
    assert refused.value.problems[0].startswith("deployments.csv, row 2, finished_at: ")
    assert "outside the dates accepted" in refused.value.problems[0]
    assert not Deployment.objects.exists()


def test_nul_in_csv_text_is_refused(team):
    text = "id,opened_at,resolved_at,deployment_id\ni\x001,2026-11-01T10:00:00Z,,\n"
    with pytest.raises(ImportRefused) as refused:
        import_delivery(
            team, {"incidents": io.BytesIO(text.encode())}, channel="upload", sender="pat"
        )
    assert refused.value.problems == [
        "incidents.csv, row 2, id: holds a NUL character, which no text may hold"
    ]
    assert not Incident.objects.exists()


def test_changes_are_bounded_per_deployment_and_per_request(client, team, key):
    one = deployment(1, changes=1001)
    response = post(client, team.slug, "deployments", [one], key)
    assert response.status_code == 400
    assert "no more than 1000" in str(response.json()["errors"]["0"]["changes"])
    many = [deployment(n, changes=600) for n in range(9)]  # 5,400 in all
    response = post(client, team.slug, "deployments", many, key)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "At most 5,000 changes a request, not 5,400: send the deployments in "
        "smaller lists."
    }
    assert not Deployment.objects.exists()


def test_the_schema_and_docs_need_sign_in(client, team, key):
    assert client.get(reverse("api-schema")).status_code == 401
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
    token = client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Token {key}")
    assert token.status_code == 200


def test_answers_to_a_token_are_not_kept_by_any_cache(client, team, key):
    response = client.get(
        reverse("api-metrics", args=[team.slug]), HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_wrong_tokens_are_throttled_per_client_address(client, team, key):
    url = reverse("api-metrics", args=[team.slug])

    def get(token, address="203.0.113.5"):
        return client.get(url, HTTP_AUTHORIZATION=f"Token {token}", REMOTE_ADDR=address)

    codes = [get(f"guess-{n}").status_code for n in range(21)]
    assert codes == [401] * 20 + [429]
    assert get(key).status_code == 429  # the address waits, whatever it sends meanwhile
    assert get(key, address="198.51.100.7").status_code == 200  # others do not
    assert get("guess", address="198.51.100.7").status_code == 401


def test_a_forwarded_for_header_does_not_dodge_the_throttle(client, team):
    url = reverse("api-metrics", args=[team.slug])
    codes = [
        client.get(
            url, HTTP_AUTHORIZATION="Token guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(21)
    ]
    assert codes[-1] == 429  # no proxy of ours is configured: REMOTE_ADDR is the client


def test_an_upload_is_bounded_in_rows_for_its_files_together(team):
    deployments = HEADER + "".join(
        f"d{n},api,production,2026-11-01T10:00:00Z,success,false\n" for n in range(3)
    )
    incidents = "id,opened_at,resolved_at,deployment_id\n" + "".join(
        f"i{n},2026-11-01T11:00:00Z,,\n" for n in range(3)
    )
    with pytest.raises(ImportRefused) as refused:
        import_delivery(
            team,
            {
                "deployments": io.BytesIO(deployments.encode()),
                "incidents": io.BytesIO(incidents.encode()),
            },
            channel="upload",
            sender="pat",
            max_rows=5,
        )
    assert refused.value.problems == [
        "incidents.csv: brings the upload past 5 rows, the most one upload takes; import it "
        "with manage.py import_delivery_data, or send it through the API in batches"
    ]
    assert not Deployment.objects.exists()


def test_an_upload_past_the_size_limit_is_refused_before_it_is_read(client, team):
    from assessments.views.delivery import MAX_UPLOAD_BYTES

    client.force_login(team.members.get())
    big = io.BytesIO(HEADER.encode() + b"x" * (MAX_UPLOAD_BYTES + 1))
    big.name = "deployments.csv"
    response = client.post(reverse("assessments:delivery", args=[team.slug]), {"deployments": big})
    assert response.status_code == 413
    assert "the most one upload takes" in response.content.decode()
    assert not Deployment.objects.exists()


def test_each_template_file_imports_as_it_is(client, team):
    client.force_login(team.members.get())
    files = {}
    for kind in ("deployments", "changes", "incidents"):
        response = client.get(reverse("assessments:delivery_template", args=[kind]))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        files[kind] = io.BytesIO(response.content)
    imported = import_delivery(team, files, channel="upload", sender="pat")
    assert imported.written == {"deployments": 1, "changes": 1, "incidents": 1}
    assert imported.notes == []
    assert client.get("/delivery/templates/secrets.csv").status_code == 404
