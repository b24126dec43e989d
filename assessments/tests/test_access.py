"""Every page needs a signed-in user, and nobody outside a team reaches its assessments."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.tests.make import answer_all, page_data, questions_of, submitted_assessment

pytestmark = pytest.mark.django_db


def assessment_urls(assessment):
    return [
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:answer", args=[assessment.pk, 1]),
        reverse("assessments:review", args=[assessment.pk]),
        reverse("assessments:results", args=[assessment.pk]),
    ]


def test_every_page_requires_sign_in(client, draft):
    for url in [
        reverse("assessments:dashboard"),
        reverse("assessments:start"),
        *assessment_urls(draft),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_it_returns_404_for_another_teams_assessment_on_every_page(outsider_client, draft):
    for url in assessment_urls(draft):
        assert outsider_client.get(url).status_code == 404, url


def test_it_returns_404_for_posts_to_another_teams_assessment_and_changes_nothing(
    outsider_client, draft, framework
):
    questions = questions_of(framework)[:2]
    data = page_data(questions, **{f"q{questions[0].pk}-choice": "5"})
    assert (
        outsider_client.post(reverse("assessments:answer", args=[draft.pk, 1]), data).status_code
        == 404
    )
    answer_all(draft, 3)
    assert outsider_client.post(reverse("assessments:submit", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.is_draft
    assert set(Answer.objects.values_list("score", flat=True)) == {3}


def test_it_returns_404_for_an_assessment_that_does_not_exist(member_client):
    assert member_client.get(reverse("assessments:answer", args=[999999, 1])).status_code == 404


def test_staff_see_every_teams_assessment(client, staff_user, draft):
    client.force_login(staff_user)
    assert client.get(reverse("assessments:answer", args=[draft.pk, 1])).status_code == 200
    assert draft.title in client.get(reverse("assessments:dashboard")).content.decode()


def test_the_dashboard_lists_only_the_users_teams_assessments(
    outsider_client, member_client, draft, other_team, framework, outsider
):
    theirs = submitted_assessment(
        team=other_team, framework=framework, user=outsider, scores=2, title="Theirs"
    )
    text = member_client.get(reverse("assessments:dashboard")).content.decode()
    assert "Draft one" in text and "Theirs" not in text
    assert list(Assessment.objects.visible_to(outsider)) == [theirs]


def test_read_only_pages_refuse_post(member_client, draft):
    for name in ("detail", "review", "results", "results_json", "results_csv"):
        url = reverse(f"assessments:{name}", args=[draft.pk])
        assert member_client.post(url).status_code == 405, name
