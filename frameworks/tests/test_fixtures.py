"""The shipped fixtures, loaddata with natural keys, and the refusal of bad fixtures."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError

from frameworks.models import Domain, Framework, Gate, MaturityLevel, Question, ScoreGuidance

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SHIPPED = sorted(FIXTURES.glob("*.json"))

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Framework, Domain, Gate, Question, ScoreGuidance, MaturityLevel)
    }


def dora_document():
    return json.loads((FIXTURES / "dora.json").read_text(encoding="utf-8"))


def write(tmp_path, rows, name="broken.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows), encoding="utf-8")
    return str(path)


def test_the_dora_fixture_loads_into_an_empty_database_with_its_whole_structure(dora):
    assert counts() == {
        "Framework": 1,
        "Domain": 5,
        "Gate": 5,
        "Question": 25,
        "ScoreGuidance": 150,
        "MaturityLevel": 5,
    }
    domains = list(dora.domains.order_by("position"))
    assert [d.name for d in domains] == [
        "Deployment Frequency",
        "Lead Time for Changes",
        "Change Failure Rate",
        "Mean Time to Restore",
        "Enabling Practices",
    ]
    assert [d.weight for d in domains] == [Decimal(w) for w in (25, 25, 20, 20, 10)]
    assert [d.gates.get().questions.count() for d in domains] == [5, 5, 4, 5, 6]
    assert [d.gates.get().name for d in domains] == [
        "Deployment Frequency Assessment",
        "Lead Time Assessment",
        "Change Failure Rate Assessment",
        "Mean Time to Restore Assessment",
        "Enabling Practices Assessment",
    ]
    assert list(dora.levels.order_by("-level").values_list("name", "lower_bound")) == [
        ("Elite", Decimal(80)),
        ("High", Decimal(60)),
        ("Medium", Decimal(40)),
        ("Low", Decimal(20)),
        ("Initial", Decimal(0)),
    ]
    assert (dora.name, dora.version, dora.estimated_minutes, dora.is_published) == (
        "DORA Metrics Framework",
        "1.0",
        75,
        True,
    )


def test_the_key_metric_questions_carry_dora_performance_labels(dora):
    for position in (1, 2, 3, 4):
        headline = Question.objects.get(
            gate__domain__framework=dora, gate__domain__position=position, position=1
        )
        labels = dict(headline.guidance.values_list("score", "performance_label"))
        assert labels == {0: "", 1: "Low", 2: "Low", 3: "Medium", 4: "High", 5: "Elite"}
    unlabelled = ScoreGuidance.objects.exclude(question__position=1).exclude(performance_label="")
    assert not unlabelled.exists()


def test_every_dora_question_has_a_description_and_example_for_every_score(dora):
    assert not ScoreGuidance.objects.filter(description="").exists()
    assert not ScoreGuidance.objects.filter(example="").exists()
    assert not Question.objects.filter(why_it_matters="").exists()


def test_loading_the_fixture_again_updates_rows_in_place(dora):
    before = counts()
    question = Question.objects.get(gate__domain__position=1, position=1)
    original_text = question.text
    Question.objects.filter(pk=question.pk).update(text="Edited by hand")
    call_command("loaddata", "dora", verbosity=0)
    assert counts() == before
    question.refresh_from_db()
    assert question.text == original_text
    assert Framework.objects.get().pk == dora.pk


def test_loaddata_finds_fixtures_by_name_from_any_folder(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("loaddata", "dora", verbosity=0)
    assert Framework.objects.filter(slug="dora").exists()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_validate_frameworks_passes_on_every_shipped_fixture(db, path, capsys):
    call_command("loaddata", str(path), verbosity=0)
    call_command("validate_frameworks")
    assert "no problems" in capsys.readouterr().out


def broken_copy(change):
    """A draft copy of the DORA fixture with one thing broken by `change(rows)`."""
    rows = dora_document()
    rows[0]["fields"]["is_published"] = False
    change(rows)
    return rows


def weights_sum_to_90(rows):
    first = next(r for r in rows if r["model"] == "frameworks.domain")
    first["fields"]["weight"] = "15.00"


def question_without_score_3(rows):
    rows.remove(
        next(
            r
            for r in rows
            if r["model"] == "frameworks.scoreguidance"
            and r["fields"]["question"] == ["dora", "1.0", 2, 1, 3]
            and r["fields"]["score"] == 3
        )
    )


def domain_without_gate(rows):
    for row in [r for r in rows if r["fields"].get("domain") == ["dora", "1.0", 5]]:
        rows.remove(row)
    for row in [r for r in rows if r["fields"].get("gate", [None] * 3)[:3] == ["dora", "1.0", 5]]:
        rows.remove(row)
    for row in [
        r for r in rows if r["fields"].get("question", [None] * 3)[:3] == ["dora", "1.0", 5]
    ]:
        rows.remove(row)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (weights_sum_to_90, "DORA Metrics Framework 1.0: domain weights sum to 90"),
        (
            question_without_score_3,
            "DORA Metrics Framework 1.0: domain 2 'Lead Time for Changes': question 8 ",
        ),
        (
            domain_without_gate,
            "DORA Metrics Framework 1.0: domain 5 'Enabling Practices': has no gate",
        ),
    ],
    ids=["weights-90", "no-guidance-for-3", "domain-without-gate"],
)
def test_validate_frameworks_fails_naming_the_problem(db, tmp_path, capsys, change, expected):
    call_command("loaddata", write(tmp_path, broken_copy(change)), verbosity=0)
    with pytest.raises(CommandError, match="problem"):
        call_command("validate_frameworks")
    errors = capsys.readouterr().err
    assert expected in errors
    if change is question_without_score_3:
        assert "no guidance for score 3" in errors


def test_a_fixture_that_would_publish_a_broken_framework_is_refused_whole(dora, tmp_path):
    before = counts()
    rows = broken_copy(weights_sum_to_90)
    rows[0]["fields"]["is_published"] = True
    rows[0]["fields"]["name"] = "Renamed"
    with pytest.raises(CommandError, match="domain weights sum to 90"):
        call_command("loaddata", write(tmp_path, rows), verbosity=0)
    assert counts() == before
    assert Framework.objects.get().name == "DORA Metrics Framework"
    assert sorted(Domain.objects.values_list("weight", flat=True)) == [10, 20, 20, 25, 25]


def renamed_framework_row():
    row = dora_document()[0]
    row["fields"]["name"] = "Renamed by a broken fixture"
    return row


def test_a_fixture_with_bad_json_fails_and_changes_nothing(dora, tmp_path):
    before = counts()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([renamed_framework_row()])[:-5], encoding="utf-8")
    with pytest.raises(DeserializationError):
        call_command("loaddata", str(path), verbosity=0)
    assert counts() == before
    assert Framework.objects.get().name == "DORA Metrics Framework"


def test_a_fixture_with_an_unknown_field_fails_and_changes_nothing(dora, tmp_path):
    before = counts()
    bad = {
        "model": "frameworks.domain",
        "fields": {
            "framework": ["dora", "1.0"],
            "position": 9,
            "name": "X",
            "weight": "1",
            "colour": "red",
        },
    }
    with pytest.raises(DeserializationError, match="colour"):
        call_command("loaddata", write(tmp_path, [renamed_framework_row(), bad]), verbosity=0)
    assert counts() == before
    assert Framework.objects.get().name == "DORA Metrics Framework"


def test_a_fixture_with_score_7_fails_and_changes_nothing(dora, tmp_path):
    before = counts()
    bad = {
        "model": "frameworks.scoreguidance",
        "fields": {
            "question": ["dora", "1.0", 1, 1, 1],
            "score": 7,
            "description": "Beyond the scale",
            "example": "",
            "performance_label": "",
        },
    }
    with pytest.raises(IntegrityError):
        call_command("loaddata", write(tmp_path, [renamed_framework_row(), bad]), verbosity=0)
    assert counts() == before
    assert Framework.objects.get().name == "DORA Metrics Framework"


def test_the_mvp_framework_has_100_questions_in_gates_of_one_sitting(db):
    import re

    from frameworks.tree import load_tree

    call_command("loaddata", "mvp", verbosity=0)
    framework = Framework.objects.get(slug="mvp", version="1.0")
    tree = load_tree(framework)
    assert (tree.name, framework.is_published) == ("MVP Technical Maturity Framework", True)
    assert len(tree.questions) == 100
    assert [(d.name, int(d.weight)) for d in tree.domains] == [
        ("Architecture and Design", 20),
        ("Code Quality and Development Practice", 15),
        ("Testing and Quality Assurance", 20),
        ("Infrastructure, Operations and Reliability", 25),
        ("Security and Compliance", 20),
    ]
    assert len(tree.gates) >= 10 and all(len(g.questions) <= 10 for g in tree.gates)
    assert [lv.name for lv in tree.levels] == [
        "Foundational",
        "Developing",
        "Established",
        "Advanced",
        "Leading",
    ]
    seen = set()
    for question in tree.questions:
        assert question.why_it_matters and len(question.guidance) == 6
        for item in question.guidance:
            assert item.description and item.example, question.topic
            for text in (item.description, item.example):
                shape = re.sub(r"\d+", "#", text.strip().lower())
                assert shape not in seen, text  # no two rows differ only by a number
                seen.add(shape)
    linked = [q for q in tree.questions if q.key_metrics]
    assert linked and all(not d.key_metric for d in tree.domains)
