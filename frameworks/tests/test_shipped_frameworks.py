"""Shipped frameworks never overwrite local work: what differs is reported, and loaded only
when asked, over staff's edits only when told so, publication kept."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frameworks.models import Framework, Question

pytestmark = pytest.mark.django_db


def status(*args) -> str:
    out = StringIO()
    call_command("shipped_frameworks", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def edited(dora):
    """DORA with a text correction made in the admin, and taken off publication."""
    question = Question.objects.get(
        gate__domain__framework=dora, gate__domain__position=1, position=1
    )
    Question.objects.filter(pk=question.pk).update(text="How often do we deploy, really?")
    Framework.objects.filter(pk=dora.pk).update(is_published=False)
    return question


def test_it_reports_what_differs_and_writes_nothing(edited):
    text = status()
    assert "DORA Metrics Framework 1.0 (dora.json): differs" in text
    assert "domains[0].gates[0].questions[0].text" in text
    assert "MVP Technical Maturity Framework 1.0 (mvp.json): new" in text
    assert "CALMS" in text and "(calms.json): new" in text
    edited.refresh_from_db()
    assert edited.text == "How often do we deploy, really?"
    assert not Framework.objects.get(slug="dora").is_published
    assert not Framework.objects.filter(slug="mvp").exists()


def test_it_applies_a_new_framework_on_request(edited):
    status("--apply", "mvp")
    assert Framework.objects.get(slug="mvp").is_published
    assert "(mvp.json): up to date" in status()


def test_it_never_loads_over_local_edits_unless_told(edited):
    with pytest.raises(CommandError, match="differs from the shipped one"):
        status("--apply", "dora")
    edited.refresh_from_db()
    assert edited.text == "How often do we deploy, really?"
    status("--apply", "dora", "--overwrite-local-edits")
    edited.refresh_from_db()
    assert edited.text != "How often do we deploy, really?"
    assert not Framework.objects.get(slug="dora").is_published  # staff's choice stays
    assert "(dora.json): up to date" in status()


def test_it_names_frameworks_it_does_not_ship(db):
    with pytest.raises(CommandError, match="Not shipped: nope"):
        status("--apply", "nope")
