"""Every write to a framework's content gives it a new content version, whatever makes it;
loading a fixture or a backup renews only the frameworks whose content it changed."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from frameworks.models import Domain, Framework, Gate, MaturityLevel, Question, ScoreGuidance
from frameworks.tests.make import framework_questions, make_framework
from frameworks.tree import framework_tree

pytestmark = pytest.mark.django_db


def version_of(framework):
    return Framework.objects.values_list("content_version", flat=True).get(pk=framework.pk)


@pytest.fixture
def fw():
    return make_framework()


WRITES = {
    "framework save": lambda fw: Framework.objects.get(pk=fw.pk).save(),
    "framework update": lambda fw: Framework.objects.filter(pk=fw.pk).update(name="Renamed"),
    "domain save": lambda fw: Domain.objects.filter(framework=fw).first().save(),
    "domain update": lambda fw: Domain.objects.filter(framework=fw).update(description="x"),
    "gate save": lambda fw: Gate.objects.filter(domain__framework=fw).first().save(),
    "gate update": lambda fw: Gate.objects.filter(domain__framework=fw).update(name="x"),
    "question save": lambda fw: framework_questions(fw)[0].save(),
    "question update": lambda fw: Question.objects.filter(gate__domain__framework=fw).update(
        text="Reworded?"
    ),
    "question delete": lambda fw: framework_questions(fw)[-1].delete(),
    "questions delete": lambda fw: Question.objects.filter(
        pk=framework_questions(fw)[-1].pk
    ).delete(),
    "guidance update": lambda fw: ScoreGuidance.objects.filter(
        question__gate__domain__framework=fw, score=2
    ).update(example="x"),
    "guidance bulk_update": lambda fw: ScoreGuidance.objects.bulk_update(
        [
            ScoreGuidance(pk=g.pk, description="Rewritten")
            for g in ScoreGuidance.objects.filter(question__gate__domain__framework=fw)[:2]
        ],
        ["description"],
    ),
    "guidance save": lambda fw: (
        ScoreGuidance.objects.filter(question__gate__domain__framework=fw).first().save()
    ),
    "level update": lambda fw: MaturityLevel.objects.filter(framework=fw).update(description="x"),
    "level delete": lambda fw: MaturityLevel.objects.filter(framework=fw, level=5).delete(),
    "level bulk_create": lambda fw: MaturityLevel.objects.bulk_create(
        [MaturityLevel(framework=fw, level=6, name="Beyond", lower_bound=95)]
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_content_renews_the_version(fw, write):
    before = version_of(fw)
    WRITES[write](fw)
    assert version_of(fw) != before


def test_a_write_to_one_framework_leaves_the_others_version_alone(fw):
    other = make_framework(slug="other")
    before = version_of(other)
    Question.objects.filter(gate__domain__framework=fw).update(text="Reworded?")
    assert version_of(other) == before


def test_the_cached_tree_follows_a_bulk_update_at_once(fw):
    tree = framework_tree(Framework.objects.get(pk=fw.pk))
    assert tree.questions[0].text == "Question 1.1?"
    Question.objects.filter(pk=tree.questions[0].id).update(text="Reworded?")
    assert framework_tree(Framework.objects.get(pk=fw.pk)).questions[0].text == "Reworded?"


def test_writes_in_a_data_migration_renew_the_version_too(fw):
    """Data migrations use historical models: their managers and instances renew as well."""
    apps = MigrationExecutor(connection).loader.project_state().apps
    HistoricalQuestion = apps.get_model("frameworks", "Question")
    before = version_of(fw)
    HistoricalQuestion.objects.filter(gate__domain__framework_id=fw.pk).update(text="New?")
    middle = version_of(fw)
    assert middle != before
    question = HistoricalQuestion.objects.filter(gate__domain__framework_id=fw.pk).first()
    question.topic = "Renamed topic"
    question.save()
    assert version_of(fw) != middle


def test_loading_the_same_fixture_again_renews_nothing(db):
    call_command("loaddata", "dora", "calms", verbosity=0)
    before = dict(Framework.objects.values_list("slug", "content_version"))
    call_command("loaddata", "dora", "calms", verbosity=0)
    assert dict(Framework.objects.values_list("slug", "content_version")) == before


def test_loading_a_fixture_renews_only_the_frameworks_it_changes(db, tmp_path):
    call_command("loaddata", "dora", "calms", verbosity=0)
    before = dict(Framework.objects.values_list("slug", "content_version"))
    # A text correction made in the admin, which the fixture then puts back.
    question = Question.objects.filter(gate__domain__framework__slug="dora").first()
    Question.objects.filter(pk=question.pk).update(text="Corrected in the admin?")
    edited = Framework.objects.get(slug="dora").content_version
    call_command("loaddata", "dora", verbosity=0)
    after = dict(Framework.objects.values_list("slug", "content_version"))
    assert after["calms"] == before["calms"]
    assert after["dora"] not in (before["dora"], edited)


def test_restoring_a_backup_of_the_same_content_renews_nothing(db, tmp_path):
    call_command("loaddata", "dora", verbosity=0)
    backup = tmp_path / "backup.json"
    call_command("dumpdata", "frameworks", "--natural-foreign", "-o", str(backup), verbosity=0)
    before = dict(Framework.objects.values_list("slug", "content_version"))
    call_command("loaddata", str(backup), verbosity=0)
    assert dict(Framework.objects.values_list("slug", "content_version")) == before
    assert json.loads(backup.read_text())  # a real backup was loaded
