"""A clear next action, and what changed since last time."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.tests.make import (
    answer,
    make_assessment,
    page_data,
    questions_of,
    submitted_assessment,
)
from assessments.tests.test_results import dora_scores

pytestmark = pytest.mark.django_db


def test_dora_is_the_default_framework_on_the_start_form(client, dora, member, team):
    from frameworks.tests.make import make_framework

    make_framework(slug="aaa", name="AAA first by name")
    client.force_login(member)
    form = client.get(reverse("assessments:start")).context["form"]
    assert form.initial["framework"] == dora.pk


def test_a_second_draft_of_the_same_team_and_framework_is_started_only_when_asked(
    client, dora, member, team
):
    open_draft = make_assessment(team=team, framework=dora, user=member, title="Open one")
    client.force_login(member)
    data = {"framework": dora.pk, "team": team.pk, "title": ""}
    page = client.post(reverse("assessments:start"), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Team A already has a draft of DORA Metrics Framework 1.0" in text
    assert text.count("already has a draft") == 1  # said once, not again as the form's error
    assert "Tick this to start a second draft beside the open one." in text
    assert f'href="{reverse("assessments:detail", args=[open_draft.pk])}"' in text
    assert 'type="checkbox" name="another_draft"' in text
    assert Assessment.objects.count() == 1
    started = client.post(reverse("assessments:start"), {**data, "another_draft": "on"})
    assert started.status_code == 302
    assert Assessment.objects.count() == 2


def test_the_dashboard_offers_to_continue_a_draft_with_the_time_left(client, dora, member, team):
    draft = make_assessment(team=team, framework=dora, user=member, title="Q3 check")
    for question in questions_of(dora)[:5]:
        answer(draft, question, 3, user=member)
    client.force_login(member)
    text = client.get(reverse("assessments:dashboard")).content.decode()
    card = text.split('id="continue-heading"')[1].split("</section>")[0]
    assert "Q3 check" in card and "20 questions left, about 60 min" in card
    assert "about 60 min left" in text  # in the list too
    team_page = client.get(reverse("assessments:team_detail", args=[team.slug])).content.decode()
    assert "5 of 25 answered, about 60 min left" in team_page


def test_a_save_that_stays_lands_on_the_saved_question(client, dora, member, team):
    draft = make_assessment(team=team, framework=dora, user=member)
    questions = questions_of(dora)[:5]
    client.force_login(member)
    response = client.post(
        reverse("assessments:answer", args=[draft.pk, 1]),
        page_data(questions, **{f"q{questions[2].pk}-choice": "4", "go": "save"}),
    )
    assert response.status_code == 302
    assert (
        response.url == reverse("assessments:answer", args=[draft.pk, 1]) + f"#q{questions[2].pk}"
    )


def test_the_results_say_what_changed_since_last_time(client, dora, member, team):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    before = submitted_assessment(
        team=team,
        framework=dora,
        user=member,
        scores=dora_scores(d3=[1, 3, 3, 3]),
        when=now - timedelta(days=90),
    )
    after = submitted_assessment(
        team=team, framework=dora, user=member, scores=dora_scores(d3=[3, 3, 3, 3])
    )
    client.force_login(member)
    text = client.get(reverse("assessments:results", args=[after.pk])).content.decode()
    since = text.split('id="since-heading"')[1].split("</section>")[0]
    assert "delivery performance Low → Medium" in since
    assert "Change Failure Rate: Low → Medium" in since
    assert f"?a={before.pk}&amp;b={after.pk}" in since
    first = client.get(reverse("assessments:results", args=[before.pk])).content.decode()
    assert 'id="since-heading"' not in first


def test_while_answering_each_question_shows_the_teams_answer_last_time(
    client, dora, member, teammate, team
):
    questions = questions_of(dora)
    scores = dora_scores()
    scores[1] = None  # not applicable last time
    submitted_assessment(team=team, framework=dora, user=teammate, scores=scores)
    draft = make_assessment(team=team, framework=dora, user=member)
    client.force_login(member)
    page = client.get(reverse("assessments:answer", args=[draft.pk, 1])).content.decode()
    first = page.split(f'id="q{questions[0].pk}"')[1].split("</fieldset>")[0]
    assert "<strong>Last time</strong>" in first and "3 of 5, by tom" in first
    second = page.split(f'id="q{questions[1].pk}"')[1].split("</fieldset>")[0]
    assert "not applicable, by tom" in second


def test_review_and_results_list_who_contributed(client, dora, member, teammate, team):
    draft = make_assessment(team=team, framework=dora, user=member)
    for n, question in enumerate(questions_of(dora)):
        answer(draft, question, 3, user=member if n < 15 else teammate)
    client.force_login(member)
    review = client.get(reverse("assessments:review", args=[draft.pk])).content.decode()
    assert "<strong>Answered by:</strong> mia (15), tom (10)" in review
    client.post(reverse("assessments:submit", args=[draft.pk]))
    results = client.get(reverse("assessments:results", args=[draft.pk])).content.decode()
    assert "<strong>Answered by:</strong> mia (15), tom (10)" in results


def test_the_dashboard_shows_the_trend_since_the_teams_previous_result(
    client, dora, member, team, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    submitted_assessment(
        team=team,
        framework=dora,
        user=member,
        scores=3,
        title="Spring",
        when=now - timedelta(days=90),
    )
    submitted_assessment(
        team=team,
        framework=dora,
        user=member,
        scores=4,
        title="Summer",
        when=now - timedelta(days=1),
    )
    client.force_login(member)
    page = client.get(reverse("assessments:dashboard")).content.decode()
    summer = page.split(">Summer</a>")[1].split("</tr>")[0]
    assert "▲" in summer and "+20 points" in summer and "better" in summer
    spring = page.split(">Spring</a>")[1].split("</tr>")[0]
    assert "since the team" not in spring  # nothing before it


def test_a_one_page_summary_of_a_result(client, dora, member, team):
    assessment = submitted_assessment(team=team, framework=dora, user=member, scores=3)
    client.force_login(member)
    url = reverse("assessments:summary", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert "Practice maturity" in page and "Delivery performance" in page
    assert page.count("<li><strong>") == 3  # the first three improvements
    assert "The four key metrics" in page
    assert url in client.get(reverse("assessments:results", args=[assessment.pk])).content.decode()
    draft = make_assessment(team=team, framework=dora, user=member)
    assert client.get(reverse("assessments:summary", args=[draft.pk])).status_code == 302
    from assessments.tests.make import make_team, make_user

    outsider = make_user("olga")
    make_team("Other", members=[outsider])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
