"""The home page lists the teams' assessments; starting one creates a draft."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.tests.make import (
    answer,
    make_assessment,
    make_team,
    make_user,
    make_viewer,
    questions_of,
    submitted_assessment,
)
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_progress_status_and_result_newest_first(
    member_client, team, framework, member, draft
):
    questions = questions_of(framework)
    answer(draft, questions[0], 3)
    answer(draft, questions[1], not_applicable=True)
    done = submitted_assessment(
        team=team, framework=framework, user=member, scores=5, title="Done one"
    )
    Assessment.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=2))
    response = member_client.get(reverse("assessments:dashboard"))
    text = response.content.decode()
    rows = response.context["page"].object_list
    assert [row["title"] for row in rows] == ["Done one", "Draft one"]
    assert "2 of 3 answered" in text
    assert "3 of 3 answered" in text
    assert "Elite" in text and "100.0%" in text
    assert "Test Framework 1.0" in text
    assert done.maturity_level == "Elite"


def test_the_dashboard_is_paginated(member_client, team, framework, member):
    for n in range(23):
        make_assessment(team=team, framework=framework, user=member, title=f"A{n}")
    first = member_client.get(reverse("assessments:dashboard"))
    assert len(first.context["page"].object_list) == 20
    second = member_client.get(reverse("assessments:dashboard") + "?page=2")
    assert len(second.context["page"].object_list) == 3
    assert [r["title"] for r in second.context["page"].object_list] == ["A2", "A1", "A0"]
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("count", [2, 12])
def test_the_dashboard_costs_the_same_queries_however_many_assessments(
    member_client, team, framework, member, django_assert_num_queries, count
):
    for n in range(count):
        make_assessment(team=team, framework=framework, user=member, title=f"A{n}")
    # session, user, the user's teams, the paginator's count, the rows with their answered
    # counts; the first time also the framework and its tree (six queries: the rows name
    # the framework, not its row)
    # (+1 everywhere: whether the user sees every team, the organisation viewer's
    # permission, read once per request) (+1: the member's open improvement actions)
    with django_assert_num_queries(13):
        member_client.get(reverse("assessments:dashboard"))
    for _ in range(2):  # the framework's tree is kept; nothing else is
        with django_assert_num_queries(7):
            member_client.get(reverse("assessments:dashboard"))


def test_the_dashboard_shows_a_save_at_once(member_client, draft, framework):
    assert "0 of 3 answered" in member_client.get(reverse("assessments:dashboard")).content.decode()
    answer(draft, questions_of(framework)[0], 4)
    assert "1 of 3 answered" in member_client.get(reverse("assessments:dashboard")).content.decode()
    Assessment.objects.filter(pk=draft.pk).update(title="Renamed")  # as the admin would
    draft.refresh_from_db()
    draft.save()
    assert "Renamed" in member_client.get(reverse("assessments:dashboard")).content.decode()


def test_a_user_without_a_team_is_told_how_to_get_one(client, outsider):
    client.force_login(outsider)
    text = client.get(reverse("assessments:dashboard")).content.decode()
    assert "not a member of a team yet" in text
    assert "not a member of a team yet" in client.get(reverse("assessments:start")).content.decode()


def test_starting_creates_a_draft_with_the_default_title(member_client, team, framework, member):
    response = member_client.post(
        reverse("assessments:start"), {"framework": framework.pk, "team": team.pk, "title": ""}
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assessments:answer", args=[assessment.pk, 1])
    month = timezone.localtime().strftime("%B %Y")
    assert assessment.title == f"Test Framework – Team A – {month}"
    assert (assessment.team, assessment.framework, assessment.created_by) == (
        team,
        framework,
        member,
    )
    assert assessment.is_draft


def test_starting_keeps_a_given_title(member_client, team, framework):
    member_client.post(
        reverse("assessments:start"),
        {"framework": framework.pk, "team": team.pk, "title": "  Q4 check  "},
    )
    assert Assessment.objects.get().title == "Q4 check"


def test_the_start_page_preselects_a_framework_and_offers_only_own_teams(
    member_client, team, other_team
):
    framework = make_framework(slug="other", name="Other")
    response = member_client.get(reverse("assessments:start") + f"?framework={framework.pk}")
    form = response.context["form"]
    assert form.initial["framework"] == framework.pk
    assert list(form.fields["team"].queryset) == [team]


def test_starting_for_another_team_is_refused_and_creates_nothing(
    member_client, team, other_team, framework
):
    response = member_client.post(
        reverse("assessments:start"), {"framework": framework.pk, "team": other_team.pk}
    )
    assert response.status_code == 200
    assert "Choose one of your teams." in response.content.decode()
    assert not Assessment.objects.exists()


def test_starting_with_an_unpublished_framework_is_refused(member_client, team, framework):
    hidden = make_framework(slug="hidden", published=False)
    response = member_client.post(
        reverse("assessments:start"), {"framework": hidden.pk, "team": team.pk}
    )
    assert "Choose one of the published frameworks." in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "bad", [{"framework": "x", "team": "1"}, {"framework": "-1"}, {}, {"team": "1.5"}]
)
def test_starting_with_malformed_values_is_refused(member_client, team, framework, bad):
    response = member_client.post(reverse("assessments:start"), bad)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Assessment.objects.exists()


def test_the_dashboard_and_start_refuse_wrong_methods(member_client):
    assert member_client.post(reverse("assessments:dashboard")).status_code == 405
    assert member_client.put(reverse("assessments:start")).status_code == 405


def test_only_members_start_assessments_staff_included(client, staff_user, framework):
    lonely = make_team("Lonely")
    own = make_team("Own", members=[staff_user])
    client.force_login(staff_user)
    response = client.post(
        reverse("assessments:start"), {"framework": framework.pk, "team": lonely.pk}
    )
    assert "Choose one of your teams." in response.content.decode()
    assert not Assessment.objects.exists()
    assert list(response.context["form"].fields["team"].queryset) == [own]
    client.post(reverse("assessments:start"), {"framework": framework.pk, "team": own.pk})
    assert Assessment.objects.get().team == own


def test_someone_in_no_team_who_reads_every_team_gets_a_home_that_fits(client, dora, team, member):
    make_assessment(team=team, framework=dora, user=member, title="Their draft")
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Every team's assessments" in page and "Your teams' assessments" not in page
    assert "Start an assessment" not in page  # they belong to no team to start one for
    assert f'href="{reverse("assessments:overview")}"' in page
    assert f'href="{reverse("admin:index")}"' in page
    assert "Their draft" in page
    client.force_login(make_viewer("vera"))  # not staff: no admin link
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Every team's assessments" in page and f'href="{reverse("admin:index")}"' not in page
    client.force_login(member)
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Your teams' assessments" in page and "Start an assessment" in page
