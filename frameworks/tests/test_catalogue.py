"""The catalogue pages: published frameworks and one framework's whole content."""

import pytest
from django.urls import reverse

from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db


def detail_url(framework):
    return reverse("frameworks:detail", args=[framework.slug, framework.version])


def test_it_requires_sign_in_for_the_list_and_a_framework(client):
    framework = make_framework()
    for url in (reverse("frameworks:list"), detail_url(framework)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_it_lists_published_frameworks_with_their_size(user_client):
    make_framework(name="Alpha", weights=(50, 30, 20), questions=(2, 2, 3), estimated_minutes=42)
    make_framework(name="Hidden", slug="hidden", published=False)
    response = user_client.get(reverse("frameworks:list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Alpha" in text
    assert "Hidden" not in text
    row = next(f for f in response.context["frameworks"])
    assert (row.domain_count, row.question_count) == (3, 7)
    assert "about 42 min" in text


def test_it_shows_drafts_to_staff_only(staff_client):
    make_framework(name="Hidden", slug="hidden", published=False)
    response = staff_client.get(reverse("frameworks:list"))
    assert "Hidden" in response.content.decode()
    assert "Draft" in response.content.decode()


def test_it_shows_every_domain_question_and_guidance(user_client):
    framework = make_framework(weights=(70, 30), questions=(2, 1))
    response = user_client.get(detail_url(framework))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Domain 1" in text and "70%" in text and "30%" in text
    for question in ("Question 1.1?", "Question 1.2?", "Question 2.1?"):
        assert question in text
    assert "Why 1.2 matters." in text
    assert "Level 4 of 2.1" in text and "Example 5 of 1.1" in text
    assert "Elite" in text and "80%" in text


def test_it_answers_404_for_an_unpublished_framework_to_members(user_client):
    framework = make_framework(published=False)
    assert user_client.get(detail_url(framework)).status_code == 404


def test_it_answers_404_for_an_unknown_framework(user_client):
    assert user_client.get(reverse("frameworks:detail", args=["nope", "1.0"])).status_code == 404


def test_it_refuses_post(user_client):
    framework = make_framework()
    assert user_client.post(reverse("frameworks:list")).status_code == 405
    assert user_client.post(detail_url(framework)).status_code == 405


@pytest.mark.parametrize("questions", [(1, 1), (10, 12)])
def test_the_framework_page_costs_the_same_queries_however_many_questions(
    user_client, django_assert_num_queries, questions
):
    framework = make_framework(questions=questions)
    # session, user, framework, then the tree: domains, gates, questions, guidance, levels
    with django_assert_num_queries(8):
        response = user_client.get(detail_url(framework))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_costs_the_same_queries_however_many_frameworks(
    user_client, django_assert_num_queries, count
):
    for n in range(count):
        make_framework(slug=f"f{n}", questions=(3, 4))
    with django_assert_num_queries(3):
        response = user_client.get(reverse("frameworks:list"))
    assert len(response.context["frameworks"]) == count
