"""Hostile form input to the answer and start views: never a 500, never a partial save."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Answer, Assessment
from assessments.tests.make import make_team, make_user, page_data, questions_of
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "a\x00b",
    "😀" * 500,
    "\u202eevil",
    "<script>alert(1)</script>",
    "'; DROP TABLE assessments_answer; --",
    "-1",
    "-0",
    "1.5",
    "5.0",
    "1e3",
    "6",
    "99999999999999999999999",
    "NaN",
    "na ",
    "NA",
    "0x5",
    "٣",  # Arabic-Indic three
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]


@pytest.fixture
def setup(db):
    framework = make_framework(weights=(60, 40), questions=(3, 1))
    other = make_framework(slug="other", weights=(100,), questions=(1,))
    user = make_user("fuzz")
    team = make_team("Fuzzers", members=[user])
    foreign = make_team("Strangers", members=[make_user("stranger")])
    assessment = Assessment.objects.create(
        team=team, framework=framework, title="Fuzzed", created_by=user
    )
    foreign_assessment = Assessment.objects.create(team=foreign, framework=other, title="Theirs")
    client = Client()
    client.force_login(user)
    return (
        client,
        assessment,
        foreign_assessment,
        questions_of(framework)[:3],
        questions_of(other)[0],
    )


def rows(assessment):
    return sorted(
        Answer.objects.filter(assessment=assessment).values_list(
            "question_id", "score", "not_applicable", "not_applicable_reason", "notes", "version"
        )
    )


def post_answer(client, assessment, data):
    return client.post(reverse("assessments:answer", args=[assessment.pk, 1]), data)


def assert_all_or_nothing(response, assessment, before, changed_ids):
    """A 400 changed nothing; a 302 saved every changed question."""
    assert response.status_code in (302, 400), response.status_code
    after = rows(assessment)
    if response.status_code == 400:
        assert after == before
    else:
        assert {row[0] for row in after} >= set(changed_ids)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["choice", "reason", "notes", "state"])
def test_hostile_values_in_any_field_never_cause_a_500_or_a_partial_save(setup, field, value):
    client, assessment, _, page, _ = setup
    before = rows(assessment)
    data = page_data(page, **{f"q{page[0].pk}-choice": "3", f"q{page[1].pk}-choice": "2"})
    data[f"q{page[2].pk}-{field}"] = value
    if field == "reason":
        data[f"q{page[2].pk}-choice"] = "na"
    response = post_answer(client, assessment, data)
    assert_all_or_nothing(response, assessment, before, [page[0].pk, page[1].pk])
    if response.status_code == 302:
        saved = {row[0]: row[1] for row in rows(assessment)}
        assert (saved[page[0].pk], saved[page[1].pk]) == (3, 2)


def test_duplicate_fields_are_read_as_one_value(setup):
    client, assessment, _, page, _ = setup
    data = page_data(page)
    body = "&".join(f"{k}={v}" for k, v in data.items())
    body += f"&q{page[0].pk}-choice=1&q{page[0].pk}-choice=4&q{page[0].pk}-choice=zzz"
    response = client.post(
        reverse("assessments:answer", args=[assessment.pk, 1]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400  # the last value, "zzz", is not a score
    assert rows(assessment) == []


def test_ids_of_another_teams_assessment_or_question_change_nothing_anywhere(setup):
    client, assessment, foreign, page, foreign_question = setup
    response = post_answer(
        client, foreign, page_data([foreign_question], **{f"q{foreign_question.pk}-choice": "5"})
    )
    assert response.status_code == 404
    data = page_data(
        page,
        **{
            f"q{foreign_question.pk}-choice": "5",
            f"q{foreign_question.pk}-state": "0:0000000000000000",
        },
    )
    post_answer(client, assessment, data)
    assert not Answer.objects.filter(question=foreign_question).exists()
    assert not Answer.objects.filter(assessment=foreign).exists()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    choice=st.one_of(
        st.sampled_from(["0", "1", "2", "3", "4", "5", "na", ""]), st.text(max_size=8)
    ),
    reason=st.text(max_size=400),
    notes=st.text(max_size=6000),
)
def test_generated_input_never_causes_a_500_or_a_partial_save(setup, choice, reason, notes):
    client, assessment, _, page, _ = setup
    before = rows(assessment)
    answers = {a.question_id: a for a in Answer.objects.filter(assessment=assessment)}
    data = page_data(page, answers, **{f"q{page[1].pk}-choice": "4"})
    data.update(
        {
            f"q{page[0].pk}-choice": choice,
            f"q{page[0].pk}-reason": reason,
            f"q{page[0].pk}-notes": notes,
        }
    )
    response = post_answer(client, assessment, data)
    assert_all_or_nothing(response, assessment, before, [page[1].pk])


START_VALUES = ["", "0", "-1", "1.5", "abc", "9" * 30, "\x00", "😀", "1 OR 1=1"]


@pytest.mark.parametrize("value", START_VALUES)
@pytest.mark.parametrize("field", ["framework", "team", "title"])
def test_hostile_start_values_never_cause_a_500_or_a_stray_assessment(setup, field, value):
    client, assessment, foreign, _, _ = setup
    data = {
        "framework": str(assessment.framework_id),
        "team": str(assessment.team_id),
        "title": "ok",
    }
    data[field] = value
    before = Assessment.objects.count()
    response = client.post(reverse("assessments:start"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Assessment.objects.count() == before
    else:
        assert Assessment.objects.count() == before + 1


def test_a_start_with_another_teams_id_is_refused(setup):
    client, assessment, foreign, _, _ = setup
    response = client.post(
        reverse("assessments:start"),
        {"framework": assessment.framework_id, "team": foreign.team_id},
    )
    assert response.status_code == 200 and "Choose one of your teams." in response.content.decode()
    assert not Assessment.objects.filter(team=foreign.team, title__startswith="Test").exists()
    assert Assessment.objects.count() == 2
