"""CALMS next to DORA, and the lock on framework versions that assessments use."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessments.tests.make import (
    make_team,
    make_user,
    page_data,
    questions_of,
    submitted_assessment,
)
from frameworks.documents import export_document
from frameworks.models import Domain, Framework, Question, ScoreGuidance
from frameworks.tree import load_tree

pytestmark = pytest.mark.django_db


def test_calms_loads_next_to_dora_with_its_own_shape(dora, calms):
    assert Framework.objects.count() == 2
    assert (calms.name, calms.version, calms.is_published) == (
        "CALMS DevOps Framework",
        "1.0",
        True,
    )
    domains = list(calms.domains.order_by("position"))
    assert [d.name for d in domains] == ["Culture", "Automation", "Lean", "Measurement", "Sharing"]
    assert sum(d.weight for d in domains) == 100
    assert all(d.gates.count() == 1 for d in domains)
    assert Question.objects.filter(gate__domain__framework=calms).count() == 28
    assert ScoreGuidance.objects.filter(question__gate__domain__framework=calms).count() == 168
    assert not ScoreGuidance.objects.filter(
        question__gate__domain__framework=calms, example=""
    ).exists()
    assert calms.levels.count() == 5 and calms.levels.get(lower_bound=0)
    assert "weight" in calms.description.lower() or "equal" in calms.description.lower()
    call_command("validate_frameworks", "calms")


def test_calms_can_be_taken_and_submitted_end_to_end_with_its_own_levels(client, calms):
    user = make_user("cleo")
    team = make_team("Org", members=[user])
    client.force_login(user)
    client.post(reverse("assessments:start"), {"framework": calms.pk, "team": team.pk})
    assessment = team.assessments.get()
    tree = load_tree(calms)
    for step, gate in enumerate(tree.gates, start=1):
        questions = [Question.objects.get(pk=q.id) for q in gate.questions]
        data = page_data(questions, go="next", **{f"q{q.pk}-choice": "3" for q in questions})
        response = client.post(reverse("assessments:answer", args=[assessment.pk, step]), data)
        assert response.status_code == 302
    assert response.url == reverse("assessments:review", args=[assessment.pk])
    response = client.post(reverse("assessments:submit", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    level = calms.levels.get(lower_bound=60)
    assert assessment.overall_percent == 60.0
    assert assessment.maturity_level == level.name
    text = response.content.decode()
    assert level.name in text and level.description in text
    assert "Scored on 28 of 28 questions" in text
    assert "The four key metrics" not in text


@pytest.fixture
def used_dora(dora):
    user = make_user("dana")
    team = make_team("Platform", members=[user])
    submitted_assessment(team=team, framework=dora, user=user, scores=[3] * 25)
    return dora


def domain_post(domain, **changes):
    data = {
        "name": domain.name,
        "description": domain.description,
        "gates-TOTAL_FORMS": 1,
        "gates-INITIAL_FORMS": 1,
        "gates-MIN_NUM_FORMS": 0,
        "gates-MAX_NUM_FORMS": 1000,
    }
    gate = domain.gates.get()
    data.update(
        {
            "gates-0-id": gate.pk,
            "gates-0-domain": domain.pk,
            "gates-0-name": gate.name,
            "gates-0-description": "Reworded",
        }
    )
    data.update(changes)
    return data


def test_a_used_framework_keeps_its_weights_but_takes_text_corrections(staff_client, used_dora):
    domain = used_dora.domains.get(position=1)
    url = reverse("admin:frameworks_domain_change", args=[domain.pk])
    page = staff_client.get(url).content.decode()
    assert "has submitted assessments, so its structure, weights and scores are locked" in page
    assert reverse("admin:frameworks_framework_new_version", args=[used_dora.pk]) in page
    response = staff_client.post(url, domain_post(domain, name="Deploy frequency", weight="50"))
    assert response.status_code == 302
    domain.refresh_from_db()
    assert (domain.name, domain.weight) == ("Deploy frequency", Decimal(25))
    assert domain.gates.get().description == "Reworded"


def test_a_used_frameworks_content_cannot_be_deleted(staff_client, used_dora):
    domain = used_dora.domains.get(position=1)
    question = Question.objects.filter(gate__domain=domain).first()
    for url in (
        reverse("admin:frameworks_domain_delete", args=[domain.pk]),
        reverse("admin:frameworks_gate_delete", args=[domain.gates.get().pk]),
        reverse("admin:frameworks_question_delete", args=[question.pk]),
    ):
        assert staff_client.post(url, {"post": "yes"}).status_code == 403, url
    page = staff_client.get(
        reverse("admin:frameworks_question_change", args=[question.pk])
    ).content.decode()
    assert 'name="guidance-0-DELETE"' not in page
    assert 'name="guidance-0-description"' in page  # text stays editable
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_unused_framework_stays_fully_editable(staff_client, dora):
    domain = dora.domains.get(position=1)
    page = staff_client.get(
        reverse("admin:frameworks_domain_change", args=[domain.pk])
    ).content.decode()
    assert "are locked" not in page
    assert 'name="weight"' in page


def test_create_new_version_copies_a_used_framework_as_a_draft(staff_client, used_dora):
    url = reverse("admin:frameworks_framework_new_version", args=[used_dora.pk])
    assert 'value="1.1"' in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"version": "1.1"})
    copy = Framework.objects.get(slug="dora", version="1.1")
    assert response.url == reverse("admin:frameworks_framework_change", args=[copy.pk])
    assert not copy.is_published
    original, copied = export_document(load_tree(used_dora)), export_document(load_tree(copy))
    copied["framework"]["version"] = "1.0"
    assert copied == original
    again = staff_client.post(url, {"version": "1.1"})
    assert "exists already" in again.content.decode()


def test_loaddata_refuses_to_change_the_weights_of_a_used_framework(used_dora, tmp_path):
    from django.conf import settings

    rows = json.loads((settings.BASE_DIR / "fixtures" / "dora.json").read_text())
    for row in rows:
        if row["model"] == "frameworks.domain" and row["fields"]["position"] in (1, 5):
            row["fields"]["weight"] = "10.00" if row["fields"]["position"] == 1 else "25.00"
    path = tmp_path / "reweighted.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(CommandError, match="which submitted assessments use"):
        call_command("loaddata", str(path), verbosity=0)
    assert used_dora.domains.get(position=1).weight == 25
    call_command("loaddata", "dora", verbosity=0)  # the unchanged fixture still loads


def test_staff_import_a_framework_in_the_admin(staff_client, dora):
    document = export_document(load_tree(dora))
    upload = SimpleUploadedFile("dora.json", json.dumps(document).encode(), "application/json")
    response = staff_client.post(
        reverse("admin:frameworks_framework_import"),
        {"document": upload, "version": "2.0", "publish": "on"},
    )
    created = Framework.objects.get(version="2.0")
    assert response.url == reverse("admin:frameworks_framework_change", args=[created.pk])
    assert created.is_published


def test_the_admin_import_lists_every_problem_and_writes_nothing(staff_client, dora):
    document = export_document(load_tree(dora))
    document["framework"]["domains"][0]["weight"] = 15
    document["framework"]["levels"][0]["name"] = ""
    upload = SimpleUploadedFile("dora.json", json.dumps(document).encode(), "application/json")
    response = staff_client.post(
        reverse("admin:frameworks_framework_import"), {"document": upload, "version": "2.0"}
    )
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "framework.levels[0].name: must not be empty" in text
    assert Framework.objects.count() == 1


def test_the_admin_import_refuses_an_existing_version(staff_client, dora):
    upload = SimpleUploadedFile("dora.json", json.dumps(export_document(load_tree(dora))).encode())
    response = staff_client.post(reverse("admin:frameworks_framework_import"), {"document": upload})
    assert "already exists" in response.content.decode()


def test_staff_export_a_framework_from_the_admin(staff_client, dora):
    response = staff_client.get(reverse("admin:frameworks_framework_export", args=[dora.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="dora-1.0.json"'
    assert json.loads(response.content) == export_document(load_tree(dora))
    action = staff_client.post(
        reverse("admin:frameworks_framework_changelist"),
        {"action": "export", "_selected_action": [dora.pk]},
    )
    assert json.loads(action.content)["framework"]["slug"] == "dora"


def test_import_export_and_new_version_are_refused_to_non_staff(client, dora):
    client.force_login(make_user("nobody"))
    for url in (
        reverse("admin:frameworks_framework_import"),
        reverse("admin:frameworks_framework_export", args=[dora.pk]),
        reverse("admin:frameworks_framework_new_version", args=[dora.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
    assert Domain.objects.filter(framework=dora).count() == 5
    assert questions_of(dora)


def test_a_used_frameworks_own_page_explains_the_lock(staff_client, used_dora):
    page = staff_client.get(reverse("admin:frameworks_framework_change", args=[used_dora.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "DORA Metrics Framework 1.0 has submitted assessments" in text
    assert 'name="domains-0-weight"' not in text and 'name="domains-0-name"' in text
    assert 'name="slug"' not in text
