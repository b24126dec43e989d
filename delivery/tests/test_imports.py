"""The CSV import of delivery data: every kind of error reported with file, row and column,
nothing written on any problem, repeatable imports; and the page that sets the data beside
the team's answers."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from assessments.tests.make import make_user, make_viewer, submitted_assessment
from assessments.tests.test_results import dora_scores
from delivery.imports import ImportRefused
from delivery.imports import import_delivery as _import
from delivery.models import Change, Deployment, Incident, Receipt

pytestmark = pytest.mark.django_db

DEPLOYMENTS = "id,service,environment,finished_at,status,rework\n"
CHANGES = "id,committed_at,deployment_id\n"
INCIDENTS = "id,opened_at,resolved_at,deployment_id\n"


def csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def import_delivery(team, files):
    return _import(team, files, channel="upload", sender="pat").written


def counts():
    return (Deployment.objects.count(), Change.objects.count(), Incident.objects.count())


def test_it_imports_and_a_second_import_updates_in_place(team):
    files = {
        "deployments": csv(DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success,false\n"),
        "changes": csv(CHANGES + "abc123,2026-10-31T09:00:00+01:00,d1\n"),
        "incidents": csv(INCIDENTS + "i1,2026-11-01T11:00:00Z,,d1\n"),
    }
    assert import_delivery(team, files) == {"deployments": 1, "changes": 1, "incidents": 1}
    again = {
        "deployments": csv(DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,failure,true\n"),
        "incidents": csv(INCIDENTS + "i1,2026-11-01T11:00:00Z,2026-11-01T12:30:00Z,d1\n"),
    }
    import_delivery(team, again)
    assert counts() == (1, 1, 1)
    receipts = Receipt.objects.filter(team=team).order_by("pk")
    assert [(r.kind, r.rows, r.channel, r.sender) for r in receipts] == [
        ("deployments", 1, "upload", "pat"),
        ("changes", 1, "upload", "pat"),
        ("incidents", 1, "upload", "pat"),
        ("deployments", 1, "upload", "pat"),
        ("incidents", 1, "upload", "pat"),
    ]
    deployment = Deployment.objects.get()
    assert (deployment.status, deployment.rework) == ("failure", True)
    assert Incident.objects.get().resolved_at == datetime(2026, 11, 1, 12, 30, tzinfo=UTC)
    assert Change.objects.get().committed_at == datetime(2026, 10, 31, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("deployments", "id,service\n", "deployments.csv, row 1: the header must be exactly"),
        ("deployments", "", "deployments.csv: is empty; it needs the header row"),
        (
            "deployments",
            DEPLOYMENTS + ",api,production,2026-11-01T10:00:00Z,success,false\n",
            "deployments.csv, row 2, id: is empty",
        ),
        (
            "deployments",
            DEPLOYMENTS + "d1,api,production,2026-11-01 10:00,success,false\n",
            "deployments.csv, row 2, finished_at: '2026-11-01 10:00' needs a time zone",
        ),
        (
            "deployments",
            DEPLOYMENTS + "d1,api,production,yesterday,success,false\n",
            "deployments.csv, row 2, finished_at: 'yesterday' is no ISO 8601 timestamp",
        ),
        (
            "deployments",
            DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,ok,false\n",
            "deployments.csv, row 2, status: must be success or failure, not 'ok'",
        ),
        (
            "deployments",
            DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success,maybe\n",
            "deployments.csv, row 2, rework: must be true or false",
        ),
        (
            "deployments",
            DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success\n",
            "deployments.csv, row 2: has 5 columns, not 6",
        ),
        (
            "deployments",
            DEPLOYMENTS
            + "d1,api,production,2026-11-01T10:00:00Z,success,false\n"
            + "d1,api,production,2026-11-02T10:00:00Z,success,false\n",
            "deployments.csv, row 3, id: 'd1' appears twice in the file",
        ),
        (
            "incidents",
            INCIDENTS + "i1,2026-11-01T11:00:00Z,2026-11-01T10:00:00Z,\n",
            "incidents.csv, row 2, resolved_at: is before opened_at",
        ),
        ("changes", CHANGES + "x" * 201 + ",2026-11-01T10:00:00Z,d1\n", "is 201 characters long"),
    ],
)
def test_every_kind_of_error_is_reported_and_nothing_is_written(team, name, text, problem):
    good = {"changes": csv(CHANGES + "c1,2026-11-01T09:00:00Z,d1\n")}
    with pytest.raises(ImportRefused) as refused:
        import_delivery(team, {**good, name: csv(text)})
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert counts() == (0, 0, 0)
    assert not Receipt.objects.exists()


def test_bytes_that_are_not_utf8_are_refused(team):
    with pytest.raises(ImportRefused, match="is not UTF-8 text"):
        import_delivery(team, {"changes": io.BytesIO(CHANGES.encode() + b"\xff\xfe,,\n")})


def test_the_command_reports_problems_and_exits_non_zero(team, tmp_path):
    bad = tmp_path / "deployments.csv"
    bad.write_text(DEPLOYMENTS + "d1,api,production,later,success,false\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem\\(s\\); nothing was imported"):
        call_command("import_delivery_data", team.slug, deployments=str(bad), stderr=err)
    assert "row 2, finished_at" in err.getvalue()
    good = tmp_path / "good.csv"
    good.write_text(DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success,false\n")
    out = io.StringIO()
    call_command("import_delivery_data", team.slug, deployments=str(good), stdout=out)
    assert "For Payments: Imported 1 deployment." in out.getvalue()


def recent_history(team, *, weeks=12, failures=0):
    """Three deployments a week for `weeks` weeks up to yesterday, each shipping two
    changes committed 30 hours before; `failures` of them failed."""
    now = timezone.now().replace(microsecond=0) - timedelta(days=1)
    deployments, changes = [DEPLOYMENTS], [CHANGES]
    for n in range(weeks * 3):
        when = now - timedelta(hours=56 * n)
        status = "failure" if n < failures else "success"
        deployments.append(f"d{n},api,production,{when.isoformat()},{status},false\n")
        for c in range(2):
            changes.append(f"c{n}-{c},{(when - timedelta(hours=30)).isoformat()},d{n}\n")
    import_delivery(
        team, {"deployments": csv("".join(deployments)), "changes": csv("".join(changes))}
    )


def test_the_page_sets_what_the_team_answered_beside_what_its_data_says(client, dora, team):
    member = team.members.get()
    # Answered: deployment frequency Elite (5), change failure rate Elite (5).
    submitted_assessment(
        team=team,
        framework=dora,
        user=member,
        scores=dora_scores(d1=[5, 3, 3, 3, 3], d3=[5, 3, 3, 3]),
    )
    recent_history(team, failures=9)  # 3 a week (High); 9 of 36 failed (25%: Medium)
    client.force_login(member)
    page = client.get(reverse("assessments:delivery", args=[team.slug])).content.decode()
    frequency = page.split("Deployment frequency</th>")[1].split("</tr>")[0]
    assert "level-high" in frequency and "level-elite" in frequency
    assert "Answer and data disagree" in frequency
    failure = page.split("Change failure rate</th>")[1].split("</tr>")[0]
    assert "25%" in failure and "level-medium" in failure and "disagree" in failure
    lead = page.split("Lead time for changes</th>")[1].split("</tr>")[0]
    assert "30.0 hours" in lead and "level-high" in lead


def test_only_members_send_data_and_outsiders_see_nothing(client, team):
    viewer = make_viewer("vera")
    client.force_login(viewer)
    url = reverse("assessments:delivery", args=[team.slug])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "d.csv", (DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success,false\n").encode()
    )
    client.post(url, {"deployments": upload})
    assert counts() == (0, 0, 0)
    client.force_login(make_user("olga"))
    assert client.get(url).status_code == 404


def test_a_member_uploads_and_a_bad_file_changes_nothing(client, team):
    client.force_login(team.members.get())
    url = reverse("assessments:delivery", args=[team.slug])
    bad = SimpleUploadedFile(
        "d.csv", (DEPLOYMENTS + "d1,api,production,soon,success,false\n").encode()
    )
    response = client.post(url, {"deployments": bad})
    assert response.status_code == 400
    assert "Nothing was imported." in response.content.decode()
    assert "row 2, finished_at" in response.content.decode()
    good = SimpleUploadedFile(
        "d.csv", (DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success,false\n").encode()
    )
    assert client.post(url, {"deployments": good}).status_code == 302
    assert counts() == (1, 0, 0)


def test_an_id_repeated_far_apart_is_found_though_ids_are_not_held_in_memory(team):
    """Repeats are caught in the database, batch by batch: one 2,500 rows after its first
    appearance (in another batch) is refused with its row, and nothing is written; the
    same ids sent again in a later import are updates, not repeats."""
    rows = [f"c{n},2026-11-01T09:00:00Z,d1\n" for n in range(3000)]
    rows.append("c17,2026-11-01T09:00:00Z,d1\n")  # row 3002
    rows.append("c17,2026-11-01T09:00:00Z,d1\n")  # row 3003: a third time
    with pytest.raises(ImportRefused) as refused:
        import_delivery(team, {"changes": csv(CHANGES + "".join(rows))})
    assert refused.value.problems == [
        "changes.csv, row 3002, id: 'c17' appears twice in the file",
        "changes.csv, row 3003, id: 'c17' appears twice in the file",
    ]
    assert counts() == (0, 0, 0) and not Receipt.objects.exists()
    assert import_delivery(team, {"changes": csv(CHANGES + "".join(rows[:3000]))}) == {
        "changes": 3000
    }
    assert import_delivery(team, {"changes": csv(CHANGES + "".join(rows[:3000]))}) == {
        "changes": 3000
    }
    assert counts() == (0, 3000, 0)


def test_deleting_a_team_deletes_its_delivery_data_and_receipts(team):
    recent_history(team, weeks=1)
    assert Receipt.objects.filter(team=team).exists()
    team.delete()
    assert counts() == (0, 0, 0) and not Receipt.objects.exists()


def test_rows_that_count_otherwise_than_expected_are_imported_and_noted(team):
    AHEAD = f"{timezone.now().year + 2}-01-01"
    deployments = DEPLOYMENTS + (
        "d1,api,Production,2026-11-01T10:00:00Z,success,false\n"
        f"d2,api,production,{AHEAD}T10:00:00Z,success,false\n"
        "d3,api,staging,2026-11-01T10:00:00Z,success,false\n"
        "d4,api,staging,2026-11-02T10:00:00Z,success,false\n"
    )
    incidents = INCIDENTS + "i1,2026-11-01T11:00:00Z,,d9\ni2,2026-11-01T12:00:00Z,,d1\n"
    changes = CHANGES + "c1,2026-10-31T09:00:00Z,d8\n"
    imported = _import(
        team,
        {"deployments": csv(deployments), "changes": csv(changes), "incidents": csv(incidents)},
        channel="upload",
        sender="pat",
    )
    assert imported.summary() == "Imported 4 deployments, 1 change and 2 incidents."
    assert imported.notes == [
        "deployments.csv: 2 deployments in the environment “staging” are kept but counted in "
        "no metric: the team's production environments are “production”, “prod”, “prd”, "
        "“live” (in any case; members change them on the delivery page).",
        f"deployments.csv: 1 row dated in the future (the latest {AHEAD}T10:00:00+00:00) is "
        "kept and counted only in windows that reach that date; check the clock or the time "
        "zone of what wrote them.",
        "changes.csv: 1 change names a deployment this team has not sent (such as “d8”): "
        "they count in lead time once it arrives.",
        "incidents.csv: 1 incident names a deployment this team has not sent (such as “d9”): "
        "they count as incidents but as the failure of no deployment.",
    ]
    assert counts() == (4, 1, 2)
    plain = _import(team, {"incidents": csv(incidents)}, channel="upload", sender="pat")
    assert plain.summary() == "Imported 2 incidents (2 as they were)." and len(plain.notes) == 1
    assert Deployment.objects.get(external_id="d1").production  # “Production” is production


def test_an_incident_opened_before_its_deployment_finished_is_refused(team):
    files = {
        "deployments": csv(DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success,false\n"),
        "incidents": csv(INCIDENTS + "i1,2026-11-01T09:00:00Z,,d1\n"),
    }
    with pytest.raises(ImportRefused) as refused:
        import_delivery(team, files)
    assert refused.value.problems == [
        "incidents.csv, row 2, deployment_id: 'd1' finished at 2026-11-01T10:00:00+00:00, "
        "after this incident opened; it cannot have caused it"
    ]
    assert counts() == (0, 0, 0)


def test_a_later_report_does_not_move_a_change_and_says_so(team):
    first = {
        "deployments": csv(DEPLOYMENTS + "d1,api,production,2026-11-01T10:00:00Z,success,false\n"),
        "changes": csv(CHANGES + "abc,2026-11-01T08:30:00Z,d1\n"),
    }
    import_delivery(team, first)
    again = {
        "deployments": csv(DEPLOYMENTS + "d2,api,production,2026-11-02T10:00:00Z,success,false\n"),
        "changes": csv(CHANGES + "abc,2026-11-01T08:30:00Z,d2\n"),
    }
    imported = _import(team, again, channel="upload", sender="pat")
    assert imported.notes == [
        "changes.csv: 1 change named another deployment than the successful production one "
        "that first shipped it; it stays with that first one (a later report does not move a "
        "change)."
    ]
    change = Change.objects.get()
    assert change.deployment_id == "d1" and change.lead_time.total_seconds() == 1.5 * 3600
