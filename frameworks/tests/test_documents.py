"""Framework documents: export, import, and the refusal of broken documents."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frameworks.documents import DocumentInvalid, dump_document, export_document, parse_document
from frameworks.models import Framework, Question, ScoreGuidance
from frameworks.services import FrameworkExists, framework_import
from frameworks.tree import load_tree

pytestmark = pytest.mark.django_db


def export(framework) -> dict:
    return export_document(load_tree(framework))


def counts():
    return (Framework.objects.count(), Question.objects.count(), ScoreGuidance.objects.count())


@pytest.mark.parametrize("name", ["dora", "calms", "mvp"])
def test_export_then_import_round_trips_exactly(request, name):
    framework = request.getfixturevalue(name)
    document = export(framework)
    text = dump_document(document)
    imported = framework_import(tree=parse_document(text, version="9.0"))
    again = export(imported)
    assert again["framework"].pop("version") == "9.0"
    document["framework"].pop("version")
    assert again == document
    assert not imported.is_published


def test_import_into_a_fresh_site_recreates_the_same_framework(dora, tmp_path):
    path = tmp_path / "dora.json"
    call_command("export_framework", "dora", "1.0", output=str(path), stderr=StringIO())
    original = json.loads(path.read_text())
    Framework.objects.all().delete()
    out = StringIO()
    call_command("import_framework", str(path), "--publish", stdout=out)
    assert (
        "Imported DORA Metrics Framework 1.0: 5 domains, 25 questions; it is published."
        in out.getvalue()
    )
    framework = Framework.objects.get(slug="dora")
    assert framework.is_published
    assert export(framework) == original
    assert counts() == (1, 25, 150)


def keys_named(value, names) -> set:
    if isinstance(value, dict):
        found = names & value.keys()
        for item in value.values():
            found |= keys_named(item, names)
        return found
    if isinstance(value, list):
        return set().union(*(keys_named(item, names) for item in value)) if value else set()
    return set()


def test_the_export_command_writes_to_stdout(dora):
    out = StringIO()
    call_command("export_framework", "dora", "1.0", stdout=out)
    document = json.loads(out.getvalue())
    assert document["format"] == "dora-site-framework" and document["format_version"] == 2
    assert [d["weight"] for d in document["framework"]["domains"]] == [25, 25, 20, 20, 10]
    assert not keys_named(document, {"id", "pk"})  # no database ids


def test_the_export_command_names_an_unknown_framework(db):
    with pytest.raises(CommandError, match="No framework dora version 3.0"):
        call_command("export_framework", "dora", "3.0")


def broken(change):
    def make(document):
        document = copy.deepcopy(document)
        change(document)
        return json.dumps(document)

    return make


def set_path(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def remove_path(path):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


FIRST_QUESTION = ["framework", "domains", 0, "gates", 0, "questions", 0]

REFUSALS = [
    (lambda d: '{"format": "dora-site-framework", ', "document: is not valid JSON"),
    (broken(set_path(["format"], "survey")), 'format: must be "dora-site-framework"'),
    (
        broken(set_path(["format_version"], 3)),
        "format_version: this site reads format versions 1 and 2, not 3",
    ),
    (broken(set_path(["framework", "colour"], "red")), "framework.colour: is not a known field"),
    (broken(remove_path(["framework", "name"])), "framework.name: is missing"),
    (
        broken(set_path(["framework", "estimated_minutes"], "75")),
        "framework.estimated_minutes: must be a whole number",
    ),
    (
        broken(set_path(["framework", "slug"], "no spaces please")),
        "framework.slug: may hold only letters",
    ),
    (
        broken(set_path(["framework", "version"], "v1")),
        "framework.version: must be numbers separated by dots",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "text"], "x" * 301)),
        "framework.domains[0].gates[0].questions[0].text: is 301 characters long; at most 300 allowed",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "guidance", 5, "score"], 7)),
        "framework.domains[0].gates[0].questions[0].guidance[5].score: must be a score from 0 to 5, not 7",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "guidance", 1, "performance_label"], "Superb")),
        "framework.domains[0].gates[0].questions[0].guidance[1].performance_label: must be empty or one of",
    ),
    (
        broken(set_path(["framework", "domains", 1, "position"], 1)),
        "framework.domains[1].position: position 1 is used twice",
    ),
    (broken(set_path(["framework", "domains", 0, "weight"], 15)), "domain weights sum to 90"),
    (
        broken(set_path(["framework", "domains", 0, "weight"], 25.555)),
        "may have at most two decimal places",
    ),
    (
        broken(set_path(["framework", "domains", 0, "weight"], -5)),
        "weight: must be above 0 and at most 100",
    ),
    (
        broken(set_path(["framework", "domains", 4, "gates"], [])),
        "domain 5 'Enabling Practices': has no gate",
    ),
    (
        broken(
            lambda d: d["framework"]["domains"][1]["gates"][0]["questions"][0]["guidance"].pop(3)
        ),
        "question 6 'Lead time for changes': no guidance for score 3",
    ),
    (
        broken(set_path(["framework", "levels", 0, "lower_bound"], 10)),
        "maturity levels must start at 0",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "guidance", 1, "lower_bound"], "1")),
        "questions[0].guidance[1].lower_bound: must be a number or null",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "guidance", 1, "lower_bound"], -1)),
        "questions[0].guidance[1].lower_bound: must be a number from 0 up",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "guidance", 2, "upper_bound"], 5)),
        "question 1 'Deployment frequency': scores 2 and 3: their bounds overlap "
        "(in deployments a week)",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "guidance", 4, "lower_bound"], 10)),
        "score 4: the lower bound must be below the upper one",
    ),
    (
        broken(set_path([*FIRST_QUESTION, "guidance", 0, "lower_bound"], 0)),
        "score 0: bounds need a performance level",
    ),
    (
        broken(
            set_path(
                [
                    "framework",
                    "domains",
                    4,
                    "gates",
                    0,
                    "questions",
                    0,
                    "guidance",
                    1,
                    "upper_bound",
                ],
                3,
            )
        ),
        "only a key metric's headline question carries measured bounds",
    ),
    (lambda d: "[1, 2, 3]", "document: must be a JSON object"),
    (lambda d: b"\xff\xfe{", "document: is not UTF-8 text"),
]


@pytest.mark.parametrize(("make", "message"), REFUSALS, ids=range(len(REFUSALS)))
def test_a_broken_document_is_refused_with_its_location_and_nothing_is_written(dora, make, message):
    raw = make(export(dora))
    document = raw if isinstance(raw, bytes) else raw.encode()
    Framework.objects.filter(pk=dora.pk).update(version="0.9")  # so an import would not clash
    before = counts()
    with pytest.raises(DocumentInvalid) as refused:
        framework_import(tree=parse_document(document))
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    assert counts() == before


def test_every_problem_is_reported_at_once(dora):
    document = export(dora)
    document["framework"]["name"] = ""
    document["framework"]["domains"][2]["gates"][0]["questions"][1]["topic"] = "t" * 81
    with pytest.raises(DocumentInvalid) as refused:
        parse_document(json.dumps(document))
    assert refused.value.problems == [
        "framework.name: must not be empty",
        "framework.domains[2].gates[0].questions[1].topic: is 81 characters long; at most 80 allowed",
    ]


def test_a_document_that_is_too_large_is_refused(db):
    with pytest.raises(DocumentInvalid, match="at most 2,000,000 allowed"):
        parse_document(b" " * 2_000_001)


def test_importing_an_existing_version_is_refused_unless_replacing_an_unused_one(dora):
    document = json.dumps(export(dora))
    with pytest.raises(FrameworkExists, match="already exists"):
        framework_import(tree=parse_document(document))
    replaced = framework_import(tree=parse_document(document), replace=True)
    assert Framework.objects.get().pk == replaced.pk != dora.pk
    assert counts() == (1, 25, 150)


def test_replacing_a_version_that_assessments_use_is_refused(dora, django_user_model):
    from assessments.tests.make import make_assessment, make_team

    make_assessment(team=make_team("T"), framework=dora)
    with pytest.raises(FrameworkExists, match="cannot be replaced: 1 assessment use it"):
        framework_import(tree=parse_document(json.dumps(export(dora))), replace=True)
    assert Framework.objects.get().pk == dora.pk


def test_the_import_command_reports_problems_and_exits_non_zero(dora, tmp_path):
    document = export(dora)
    document["framework"]["domains"][0]["weight"] = 15
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem\\(s\\) in .*bad.json; nothing was imported"):
        call_command("import_framework", str(path), "--as-version", "2.0", stderr=err)
    assert "domain weights sum to 90" in err.getvalue()
    assert Framework.objects.count() == 1


def test_the_import_command_refuses_an_existing_version(dora, tmp_path):
    path = tmp_path / "dora.json"
    path.write_text(json.dumps(export(dora)))
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_framework", str(path))


def test_key_metric_links_round_trip_and_bad_codes_are_refused(dora):
    document = export(dora)
    domains = document["framework"]["domains"]
    assert [d["key_metric"] for d in domains] == [
        "deployment_frequency",
        "lead_time",
        "change_failure_rate",
        "time_to_restore",
        "",
    ]
    practices = [q["key_metrics"] for q in domains[4]["gates"][0]["questions"]]
    assert practices[1] == ["deployment_frequency", "change_failure_rate"]  # CI
    domains[4]["key_metric"] = "lead_time"  # named twice
    domains[4]["gates"][0]["questions"][0]["key_metrics"] = ["speed"]
    with pytest.raises(DocumentInvalid) as refused:
        parse_document(json.dumps(document), version="2.0")
    assert refused.value.problems == [
        "framework.domains[4].key_metric: lead_time is named by two domains",
        "framework.domains[4].gates[0].questions[0].key_metrics: must list distinct "
        "key-metric codes: deployment_frequency, lead_time, change_failure_rate, time_to_restore",
    ]


def test_a_format_1_document_still_imports(dora):
    document = export(dora)
    document["format_version"] = 1
    for domain in document["framework"]["domains"]:
        del domain["key_metric"]
        for gate in domain["gates"]:
            for question in gate["questions"]:
                del question["key_metrics"]
    imported = framework_import(tree=parse_document(json.dumps(document), version="9.0"))
    assert [d.key_metric for d in imported.domains.order_by("position")] == [
        "deployment_frequency",
        "lead_time",
        "change_failure_rate",
        "time_to_restore",
        "",
    ]


def test_measured_bounds_round_trip_and_are_written_only_where_set(dora):
    document = export(dora)
    guidance = document["framework"]["domains"][0]["gates"][0]["questions"][0]["guidance"]
    assert "lower_bound" not in guidance[0]  # score 0: no bounds
    assert guidance[4]["lower_bound"] == 1 and guidance[4]["upper_bound"] == 10
    assert guidance[5]["lower_bound"] == 10 and "upper_bound" not in guidance[5]
    tree = parse_document(json.dumps(document).encode(), version="1.1")
    assert tree.measured_buckets == load_tree(dora).measured_buckets
    assert tree.measured_buckets["deployment_frequency"][2].lower == 12 / 52
