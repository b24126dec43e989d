"""Answer pages: one per gate, every score with its guidance, saving only what changed."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.tests.make import answer, page_data, questions_of
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db


def url(assessment, step=1):
    return reverse("assessments:answer", args=[assessment.pk, step])


@pytest.fixture
def page1(framework):
    return questions_of(framework)[:2]


def test_the_page_shows_each_question_with_all_six_guidance_texts_and_not_applicable(
    member_client, draft, page1
):
    response = member_client.get(url(draft))
    text = response.content.decode()
    assert response.status_code == 200
    for q in page1:
        assert "<legend" in text and q.text in text
        assert f"Why {q.topic[6:]} matters." in text
        for score in range(6):
            assert f'id="q{q.pk}-s{score}"' in text
            assert f"Level {score} of {q.topic[6:]}" in text
            assert f"Example {score} of {q.topic[6:]}" in text
        assert f'id="q{q.pk}-na"' in text
        assert f'for="q{q.pk}-notes"' in text
    assert "0 means unknown or not in place and counts as zero" in text
    assert "Step 1 of 2: Domain 1" in text


def test_the_page_shows_progress_steps_and_time_left(member_client, draft, framework):
    answer(draft, questions_of(framework)[2], 4)
    response = member_client.get(url(draft))
    progress = response.context["progress"]
    assert (progress["answered"], progress["total"]) == (1, 3)
    assert progress["minutes_left"] == 20  # 30 minutes x 2 of 3 unanswered
    assert [(s["label"], s["complete"]) for s in progress["steps"]] == [
        ("Domain 1", False),
        ("Domain 2", True),
    ]
    assert "1 of 3" in response.content.decode()


def test_save_writes_the_pages_answers_and_records_who(member_client, draft, page1, member):
    data = page_data(
        page1,
        **{
            f"q{page1[0].pk}-choice": "4",
            f"q{page1[0].pk}-notes": "Dashboard: https://grafana.example.com/d/deploys",
            f"q{page1[1].pk}-choice": "na",
            f"q{page1[1].pk}-reason": "We have no mobile app",
            "go": "save",
        },
    )
    response = member_client.post(url(draft), data)
    # back on the page, at the first question saved
    assert response.status_code == 302 and response.url == url(draft) + f"#q{page1[0].pk}"
    first = Answer.objects.get(question=page1[0])
    second = Answer.objects.get(question=page1[1])
    assert (first.score, first.not_applicable, first.notes, first.updated_by) == (
        4,
        False,
        "Dashboard: https://grafana.example.com/d/deploys",
        member,
    )
    assert (second.score, second.not_applicable, second.not_applicable_reason) == (
        None,
        True,
        "We have no mobile app",
    )
    page = member_client.get(url(draft)).content.decode()
    assert 'value="4" checked' in page
    assert "https://grafana.example.com/d/deploys" in page
    assert "Last changed by mia" in page


def test_save_and_continue_goes_to_the_next_page_and_then_to_review(
    member_client, draft, page1, framework
):
    response = member_client.post(url(draft), page_data(page1, go="next"))
    assert response.url == url(draft, 2)
    response = member_client.post(url(draft, 2), page_data(questions_of(framework)[2:], go="next"))
    assert response.url == reverse("assessments:review", args=[draft.pk])
    response = member_client.post(url(draft, 2), page_data(questions_of(framework)[2:], go="prev"))
    assert response.url == url(draft, 1)


def test_a_save_writes_only_the_questions_the_person_changed(
    client, member, teammate, draft, page1
):
    """Two people load the same page and each answers a different question."""
    page_of_mia = page_data(page1)
    page_of_tom = page_data(page1)
    client.force_login(member)
    client.post(url(draft), {**page_of_mia, f"q{page1[0].pk}-choice": "2"})
    client.force_login(teammate)
    client.post(url(draft), {**page_of_tom, f"q{page1[1].pk}-choice": "5"})
    answers = dict(Answer.objects.values_list("question_id", "score"))
    assert answers == {page1[0].pk: 2, page1[1].pk: 5}
    assert Answer.objects.get(question=page1[0]).updated_by == member
    assert Answer.objects.get(question=page1[1]).updated_by == teammate


def test_a_save_keeps_the_newer_answer_and_says_who_changed_it(
    client, member, teammate, draft, page1
):
    stale_page = page_data(page1)
    client.force_login(teammate)
    client.post(url(draft), {**page_data(page1), f"q{page1[0].pk}-choice": "5"})
    client.force_login(member)
    response = client.post(
        url(draft),
        {**stale_page, f"q{page1[0].pk}-choice": "1", f"q{page1[0].pk}-notes": "my view"},
        follow=True,
    )
    saved = Answer.objects.get(question=page1[0])
    assert (saved.score, saved.updated_by) == (5, teammate)
    text = response.content.decode()
    assert "Q1 Topic 1.1 was changed by tom" in text
    # Theirs stays; mine is shown beside it, with one click to use it instead.
    assert "<strong>Your answer was not saved:</strong> score 1; notes: “my view”." in text
    assert f'name="use-mine" value="{page1[0].pk}"' in text
    assert client.get(url(draft)).content.decode().count("Use mine instead") == 1  # kept
    page = page_data(page1, {page1[0].pk: saved})
    page.update(
        {
            f"mine-q{page1[0].pk}-choice": "1",
            f"mine-q{page1[0].pk}-reason": "",
            f"mine-q{page1[0].pk}-notes": "my view",
            "use-mine": str(page1[0].pk),
        }
    )
    applied = client.post(url(draft), page, follow=True)
    saved.refresh_from_db()
    assert (saved.score, saved.notes, saved.updated_by) == (1, "my view", member)
    assert "Use mine instead" not in applied.content.decode()  # answered: no longer offered


def test_not_applicable_without_a_reason_is_refused_and_nothing_is_saved(
    member_client, draft, page1
):
    data = page_data(page1, **{f"q{page1[0].pk}-choice": "3", f"q{page1[1].pk}-choice": "na"})
    response = member_client.post(url(draft), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Say in a few words why this question does not apply." in text
    assert "Nothing was saved" in text
    # The list at the top links to the field to correct.
    assert f'href="#q{page1[1].pk}-reason">Q2 ' in text
    assert 'value="3" checked' in text  # what the user chose is still on the page
    assert not Answer.objects.exists()


@pytest.mark.parametrize("value", ["6", "-1", "2.5", "five", "0x3", "３"])
def test_a_score_outside_the_scale_is_refused(member_client, draft, page1, value):
    response = member_client.post(url(draft), page_data(page1, **{f"q{page1[0].pk}-choice": value}))
    assert response.status_code == 400
    assert "Choose a score from 0 to 5 or not applicable." in response.content.decode()
    assert not Answer.objects.exists()


def test_a_page_without_its_hidden_state_is_refused(member_client, draft, page1):
    data = page_data(page1, **{f"q{page1[0].pk}-choice": "3"})
    del data[f"q{page1[0].pk}-state"]
    response = member_client.post(url(draft), data)
    assert response.status_code == 400
    assert "Reload it and try again" in response.content.decode()
    assert not Answer.objects.exists()


def test_an_unchanged_page_writes_nothing(member_client, draft, page1, framework):
    answer(draft, page1[0], 3)
    before = Answer.objects.get().updated_at
    answers = {a.question_id: a for a in Answer.objects.all()}
    member_client.post(url(draft), page_data(page1, answers))
    assert Answer.objects.get().updated_at == before
    assert Answer.objects.count() == 1


def test_an_answer_can_be_cleared_again(member_client, draft, page1):
    saved = answer(draft, page1[0], 3)
    member_client.post(
        url(draft), page_data(page1, {page1[0].pk: saved}, **{f"q{page1[0].pk}-choice": ""})
    )
    saved.refresh_from_db()
    assert saved.score is None and not saved.is_answered


def test_answers_to_a_question_of_another_page_or_framework_are_ignored(
    member_client, draft, page1
):
    elsewhere = questions_of(make_framework(slug="elsewhere"))[0]
    data = page_data(
        page1, **{f"q{elsewhere.pk}-choice": "5", f"q{elsewhere.pk}-state": "0:0000000000000000"}
    )
    member_client.post(url(draft), data)
    assert not Answer.objects.exists()


def test_a_step_outside_the_framework_is_404(member_client, draft):
    assert member_client.get(url(draft, 3)).status_code == 404
    assert member_client.get(url(draft, 0)).status_code == 404


def test_the_answer_page_refuses_wrong_methods(member_client, draft):
    assert member_client.delete(url(draft)).status_code == 405


@pytest.mark.parametrize("questions", [(2, 1), (9, 7)])
def test_the_answer_page_costs_the_same_queries_however_many_questions(
    member_client, team, member, django_assert_num_queries, questions
):
    framework = make_framework(slug=f"size{questions[0]}", questions=questions)
    assessment = Assessment.objects.create(
        team=team, framework=framework, title="x", created_by=member
    )
    for q in questions_of(framework):
        answer(assessment, q, 2, user=member)
    member_client.get(url(assessment))  # warms the framework cache
    # session, user, the assessment with its team and framework, the user's teams (the
    # access rule: a member's own team needs no look at permissions), its answers, the
    # team's answers last time (for "since last time")
    for _ in range(2):  # no part of the page is kept: every view reads the same
        with django_assert_num_queries(6):
            member_client.get(url(assessment))


def test_a_draft_opens_at_its_first_unfinished_page(member_client, draft, framework):
    for q in questions_of(framework)[:2]:
        answer(draft, q, 1)
    response = member_client.get(reverse("assessments:detail", args=[draft.pk]))
    assert response.url == url(draft, 2)


def test_the_answered_count_follows_every_save(member_client, draft, page1, framework):
    def save(**fields):
        answers = {a.question_id: a for a in Answer.objects.filter(assessment=draft)}
        member_client.post(url(draft), page_data(page1, answers, **fields))
        return Assessment.objects.with_answered_count().get(pk=draft.pk).answered_count

    first, second = (f"q{q.pk}" for q in page1)
    assert save(**{f"{first}-choice": "3"}) == 1
    assert save(**{f"{second}-notes": "notes only"}) == 1
    assert save(**{f"{second}-choice": "na", f"{second}-reason": "No app"}) == 2
    assert save(**{f"{first}-choice": "5"}) == 2
    assert save(**{f"{first}-choice": ""}) == 1
    assert save(**{f"{second}-choice": "0"}) == 1
