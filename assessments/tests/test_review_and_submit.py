"""Review lists what is open; submit is refused until complete, then freezes the answers."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.tests.make import (
    answer,
    answer_all,
    make_assessment,
    page_data,
    questions_of,
    submitted_assessment,
)

pytestmark = pytest.mark.django_db


def review_url(a):
    return reverse("assessments:review", args=[a.pk])


def submit_url(a):
    return reverse("assessments:submit", args=[a.pk])


def test_review_lists_domains_open_questions_and_notes(member_client, draft, framework):
    questions = questions_of(framework)
    answer(draft, questions[0], 3, notes="See runbook https://wiki.example.com/rb")
    answer(draft, questions[2], not_applicable=True, reason="No database")
    text = member_client.get(review_url(draft)).content.decode()
    assert "1 of 2" in text and "1 of 1" in text
    assert reverse("assessments:answer", args=[draft.pk, 1]) + f"#q{questions[1].pk}" in text
    assert "Q2 Topic 1.2" in text
    assert 'href="https://wiki.example.com/rb"' in text
    assert "No database" in text
    assert "Submit the assessment" not in text


def test_submit_is_refused_with_the_list_of_what_is_missing(member_client, draft, framework):
    questions = questions_of(framework)
    answer(draft, questions[0], 3)
    answer(draft, questions[1], notes="notes alone are not an answer")
    response = member_client.post(submit_url(draft), follow=True)
    text = response.content.decode()
    assert "Not submitted: 2 questions still need an answer" in text
    assert "Q2 Topic 1.2" in text and "Q3 Topic 2.1" in text
    draft.refresh_from_db()
    assert draft.is_draft and draft.result is None


def test_submit_freezes_the_assessment_and_records_who_and_when(
    member_client, draft, framework, member
):
    answer_all(draft, [5, None, 3])
    response = member_client.post(submit_url(draft))
    assert response.url == reverse("assessments:results", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.is_submitted
    assert draft.submitted_by == member and draft.submitted_at is not None
    assert draft.result["coverage"] == {"scored": 2, "not_applicable": 1, "total": 3}


def test_answer_posts_after_submit_are_refused_and_change_nothing(member_client, draft, framework):
    answer_all(draft, 4)
    member_client.post(submit_url(draft))
    questions = questions_of(framework)[:2]
    answers = {a.question_id: a for a in Answer.objects.all()}
    response = member_client.post(
        reverse("assessments:answer", args=[draft.pk, 1]),
        page_data(questions, answers, **{f"q{questions[0].pk}-choice": "0"}),
        follow=True,
    )
    assert "its answers can no longer be changed" in response.content.decode()
    assert "Nothing was changed" in response.content.decode()
    assert set(Answer.objects.values_list("score", flat=True)) == {4}


def test_a_submitted_assessment_shows_its_answer_pages_read_only(member_client, draft):
    answer_all(draft, 4)
    member_client.post(submit_url(draft))
    text = member_client.get(reverse("assessments:answer", args=[draft.pk, 1])).content.decode()
    assert "answers are read-only" in text
    assert " disabled" in text
    assert 'value="save"' not in text


def test_submitting_twice_is_refused_the_second_time(member_client, draft, member):
    answer_all(draft, 4)
    member_client.post(submit_url(draft))
    first = Assessment.objects.get().submitted_at
    response = member_client.post(submit_url(draft), follow=True)
    assert "was submitted by mia" in response.content.decode()
    assert Assessment.objects.get().submitted_at == first


def test_submit_refuses_get(member_client, draft):
    assert member_client.get(submit_url(draft)).status_code == 405


def test_a_draft_has_no_result_page_yet(member_client, draft):
    response = member_client.get(reverse("assessments:results", args=[draft.pk]))
    assert response.url == review_url(draft)


def test_the_latest_result_per_team_and_framework_follows_submits_and_deletes(
    team, framework, member
):
    from assessments.services import assessment_delete, latest_rebuild

    first = submitted_assessment(team=team, framework=framework, user=member, scores=[1, 1, 1])
    assert Assessment.objects.get(pk=first.pk).is_latest
    second = submitted_assessment(team=team, framework=framework, user=member, scores=[2, 2, 2])
    assert list(Assessment.objects.latest().values_list("pk", flat=True)) == [second.pk]
    make_assessment(team=team, framework=framework, user=member)  # a draft is never latest
    assert list(Assessment.objects.latest().values_list("pk", flat=True)) == [second.pk]
    Assessment.objects.update(is_latest=False)
    latest_rebuild()
    assert list(Assessment.objects.latest().values_list("pk", flat=True)) == [second.pk]
    assessment_delete(assessment=Assessment.objects.get(pk=second.pk))
    assert list(Assessment.objects.latest().values_list("pk", flat=True)) == [first.pk]
