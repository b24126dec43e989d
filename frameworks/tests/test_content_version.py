"""Every piece of code that writes a framework's content gives it a new content version, so
the next page shows the new tree: the admin's saves, inlines and deletes, the import, a new
version, loaddata and shipped_frameworks --apply. (The tree is kept per process under the
version: the test client shares this process's cache, so a write that kept the version
would show the old text.)"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.forms import CheckboxInput
from django.urls import reverse

from assessments.tests.make import make_user
from frameworks.documents import dump_document, export_document, parse_document
from frameworks.models import Framework, Gate, MaturityLevel, Question, ScoreGuidance
from frameworks.services import content_version_renew, framework_import, framework_new_version
from frameworks.tests.make import make_framework
from frameworks.tree import framework_tree, load_tree

pytestmark = pytest.mark.django_db

SHIPPED_DORA = Path(__file__).resolve().parents[2] / "fixtures" / "dora.json"


@pytest.fixture
def fw():
    return make_framework()


@pytest.fixture
def reader(client):
    client.force_login(make_user("reader"))
    return client


def page(client, framework) -> str:
    """The framework's page on the site, drawn from its (cached) tree."""
    url = reverse("frameworks:detail", args=[framework.slug, framework.version])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def admin_post_data(response, **changes) -> dict:
    """What a browser would post back from an admin change form as it was rendered: the
    object's fields and every inline's rows, with `changes` applied."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = "" if value is None else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.initial_forms:
            add(form)
    data.update(changes)
    return data


def admin_change(client, model_name, obj, **changes):
    url = reverse(f"admin:frameworks_{model_name}_change", args=[obj.pk])
    response = client.post(url, admin_post_data(client.get(url), **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_admin_edit_of_the_framework_and_its_inlines_shows_on_the_next_page(
    fw, reader, staff_client
):
    assert "Domain 1" in page(reader, fw)
    admin_change(
        staff_client,
        "framework",
        fw,
        description="Rewritten in the admin.",
        **{"domains-0-name": "Flow of work", "levels-4-name": "Top of the class"},
    )
    shown = page(reader, fw)
    assert "Rewritten in the admin." in shown
    assert "Flow of work" in shown and "Top of the class" in shown


def test_an_admin_edit_of_a_question_and_its_guidance_shows_on_the_next_page(
    fw, reader, staff_client
):
    question = Question.objects.filter(gate__domain__framework=fw).order_by("pk").first()
    assert "Question 1.1?" in page(reader, fw)
    admin_change(
        staff_client,
        "question",
        question,
        text="How often do you ship?",
        **{"guidance-5-description": "Many times a day, on demand."},
    )
    shown = page(reader, fw)
    assert "How often do you ship?" in shown and "Question 1.1?" not in shown
    assert "Many times a day, on demand." in shown


def test_an_admin_edit_of_a_domain_and_its_gates_shows_on_the_next_page(fw, reader, staff_client):
    domain = fw.domains.get(position=1)
    page(reader, fw)
    admin_change(staff_client, "domain", domain, **{"gates-0-description": "Gate, reworded."})
    gate = Gate.objects.get(domain=domain)
    admin_change(staff_client, "gate", gate, description="Gate, reworded again.")
    assert Gate.objects.get(pk=gate.pk).description == "Gate, reworded again."
    assert framework_tree(Framework.objects.get(pk=fw.pk)).gates[0].description == (
        "Gate, reworded again."
    )


def test_an_admin_delete_shows_on_the_next_page(fw, reader, staff_client):
    unpublished = make_framework(slug="draft-framework", published=False)
    question = Question.objects.filter(gate__domain__framework=unpublished).last()
    before = framework_tree(unpublished)
    url = reverse("admin:frameworks_question_delete", args=[question.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    after = framework_tree(Framework.objects.get(pk=unpublished.pk))
    assert len(after.questions) == len(before.questions) - 1


def test_another_frameworks_tree_is_kept_when_one_is_edited(fw, staff_client):
    other = make_framework(slug="other")
    kept = framework_tree(other)
    admin_change(staff_client, "framework", fw, description="Changed.")
    assert framework_tree(Framework.objects.get(pk=other.pk)) is kept


def test_an_import_over_a_version_shows_on_the_next_page(fw, reader):
    page(reader, fw)
    document = export_document(load_tree(fw))
    document["framework"]["description"] = "Imported anew."
    framework_import(tree=parse_document(dump_document(document)), replace=True, publish=True)
    assert "Imported anew." in page(reader, Framework.objects.get(slug=fw.slug))


def test_a_new_version_shows_its_own_content(fw, reader):
    page(reader, fw)
    copy = framework_new_version(framework=fw, version="1.1")
    Framework.objects.filter(pk=copy.pk).update(is_published=True)
    assert "Test Framework 1.1" in page(reader, Framework.objects.get(pk=copy.pk))


def test_loaddata_shows_on_the_next_page_and_renews_only_what_it_wrote(reader, tmp_path):
    call_command("loaddata", "dora", "calms", verbosity=0)
    dora = Framework.objects.get(slug="dora")
    calms_before = Framework.objects.get(slug="calms").content_version
    assert "Deployment frequency" in page(reader, dora)
    rows = json.loads(SHIPPED_DORA.read_text(encoding="utf-8"))
    for row in rows:
        if row["model"] == "frameworks.domain" and row["fields"]["position"] == 1:
            row["fields"]["description"] = "Loaded from a corrected fixture."
    fixture = tmp_path / "dora-corrected.json"
    fixture.write_text(json.dumps(rows))
    call_command("loaddata", str(fixture), verbosity=0)
    assert "Loaded from a corrected fixture." in page(reader, Framework.objects.get(pk=dora.pk))
    assert Framework.objects.get(slug="calms").content_version == calms_before


def test_a_fixture_of_guidance_alone_still_renews_its_framework(reader, tmp_path):
    call_command("loaddata", "dora", verbosity=0)
    dora = Framework.objects.get(slug="dora")
    page(reader, dora)
    rows = json.loads(SHIPPED_DORA.read_text(encoding="utf-8"))
    guidance = [row for row in rows if row["model"] == "frameworks.scoreguidance"][:1]
    guidance[0]["fields"]["description"] = "Only this guidance changed."
    fixture = tmp_path / "one-guidance.json"
    fixture.write_text(json.dumps(guidance))
    call_command("loaddata", str(fixture), verbosity=0)
    assert "Only this guidance changed." in page(reader, Framework.objects.get(pk=dora.pk))
    assert ScoreGuidance.objects.filter(description="Only this guidance changed.").count() == 1


def test_shipped_frameworks_apply_shows_on_the_next_page(reader):
    call_command("loaddata", "dora", verbosity=0)
    dora = Framework.objects.get(slug="dora")
    MaturityLevel.objects.filter(framework=dora, level=5).update(name="Edited here")
    content_version_renew(framework_ids=[dora.pk])  # as the admin's edit does
    assert "Edited here" in page(reader, dora)
    call_command(
        "shipped_frameworks", "--apply", "dora", "--overwrite-local-edits", stdout=StringIO()
    )
    shown = page(reader, Framework.objects.get(pk=dora.pk))
    assert "Edited here" not in shown and "Elite" in shown
