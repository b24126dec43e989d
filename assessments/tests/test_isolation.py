"""Nothing leaks between teams and nothing is stale, whatever wrote the data.

The three scenarios an outside check found with the old page-part cache (keyed by count,
sum of ids and latest updated_at, without the viewer): two members whose teams' ids sum
alike and whose rows share one updated_at; a bulk QuerySet.update(); an unpublish run from
a filtered admin list. And the scoping of every page, download and form by the one rule.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.tests.make import (
    answer,
    make_team,
    make_user,
    page_data,
    questions_of,
    submitted_assessment,
)
from frameworks.models import Question, ScoreGuidance
from frameworks.services import content_version_renew
from teams.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(framework):
    """Two members, each in two teams, whose teams' ids and assessments' ids sum alike
    (teams 1+4 and 2+3), with every row updated at the same moment, as a bulk import or a
    data migration leaves them."""
    ann, bob = make_user("ann"), make_user("bob")
    teams = [make_team(f"Team {n}") for n in (1, 2, 3, 4)]
    for team, member in zip(teams, (ann, bob, bob, ann), strict=True):
        team.memberships.create(user=member)
    made = [
        submitted_assessment(
            team=team, framework=framework, user=member, scores=[n, 2, 3], title=f"{team} work"
        )
        for n, (team, member) in enumerate(zip(teams, (ann, bob, bob, ann), strict=True))
    ]
    moment = timezone.now()
    Team.objects.update(updated_at=moment)
    Assessment.objects.update(updated_at=moment)
    ids = [a.pk for a in made]
    team_ids = [t.pk for t in teams]
    # The scenario holds: the old fingerprints of both members were equal.
    assert ids[0] + ids[3] == ids[1] + ids[2]
    assert team_ids[0] + team_ids[3] == team_ids[1] + team_ids[2]
    return ann, bob


@pytest.mark.parametrize("name", ["dashboard", "overview", "team_list", "compare"])
def test_members_with_equal_fingerprints_never_see_each_others_teams(client, twins, name):
    ann, bob = twins
    pages = {}
    for user in (ann, bob, ann):
        client.force_login(user)
        pages[user.username] = client.get(reverse(f"assessments:{name}")).content.decode()
    assert "Team 1" in pages["ann"] and "Team 4" in pages["ann"]
    assert "Team 2" not in pages["ann"] and "Team 3" not in pages["ann"]
    assert "Team 2" in pages["bob"] and "Team 3" in pages["bob"]
    assert "Team 1" not in pages["bob"] and "Team 4" not in pages["bob"]


def test_the_overview_csv_never_shows_another_members_teams(client, twins):
    ann, bob = twins
    for user, own, other in ((ann, "Team 1", "Team 2"), (bob, "Team 2", "Team 1")):
        client.force_login(user)
        response = client.get(reverse("assessments:overview_csv"))
        body = b"".join(response.streaming_content).decode()
        assert own in body and other not in body


def test_a_bulk_update_shows_at_once_on_every_page(client, team, framework, member):
    done = submitted_assessment(
        team=team, framework=framework, user=member, scores=[1, 2, 3], title="Before"
    )
    client.force_login(member)
    urls = [
        reverse("assessments:dashboard"),
        reverse("assessments:results", args=[done.pk]),
        reverse("assessments:team_detail", args=[team.slug]),
        reverse("assessments:compare"),
    ]
    for url in urls:
        assert "Before" in client.get(url).content.decode(), url
    # As a script or a data migration would: no save(), no updated_at, no signal.
    Assessment.objects.filter(team=team).update(title="After")
    Team.objects.filter(pk=team.pk).update(name="Renamed Team")
    for url in urls:
        text = client.get(url).content.decode()
        assert "After" in text and "Before" not in text, url
    assert "Renamed Team" in client.get(reverse("assessments:overview")).content.decode()


def test_a_script_that_renews_the_content_version_shows_at_once_on_the_answer_page(
    member_client, draft, framework
):
    url = reverse("assessments:answer", args=[draft.pk, 1])
    question = questions_of(framework)[0]
    assert "Question 1.1?" in member_client.get(url).content.decode()  # the tree is cached
    Question.objects.filter(pk=question.pk).update(text="Reworded by a script?")
    ScoreGuidance.objects.filter(question=question, score=3).update(description="New level 3")
    content_version_renew(framework_ids=[framework.pk])  # as every writer of content does
    text = member_client.get(url).content.decode()
    assert "Reworded by a script?" in text and "Question 1.1?" not in text
    assert "New level 3" in text


def test_unpublishing_from_a_filtered_admin_list_shows_at_once(
    client, member, staff_user, team, framework
):
    client.force_login(member)
    assert framework.name in client.get(reverse("assessments:start")).content.decode()
    detail = reverse("frameworks:detail", args=[framework.slug, framework.version])
    assert client.get(detail).status_code == 200

    client.force_login(staff_user)
    listing = reverse("admin:frameworks_framework_changelist") + "?is_published__exact=1"
    response = client.post(
        listing,
        {"action": "unpublish", "_selected_action": [framework.pk], "index": 0, "confirmed": "yes"},
        follow=True,
    )
    assert "1 framework(s) unpublished." in response.content.decode()
    framework.refresh_from_db()
    assert not framework.is_published  # trees are kept per publication: no new version

    client.force_login(member)
    assert framework.name not in client.get(reverse("assessments:start")).content.decode()
    assert framework.name not in client.get(reverse("frameworks:list")).content.decode()
    assert client.get(detail).status_code == 404
    started = client.post(
        reverse("assessments:start"), {"framework": framework.pk, "team": team.pk}
    )
    assert "No framework is published yet." in started.content.decode()
    assert not Assessment.objects.exists()


# Every page, download and form, for each kind of user -----------------------------------


def reads(world, team):
    done, newer, draft = world["done"], world["newer"], world["draft"]
    return [
        reverse("assessments:detail", args=[draft.pk]),
        reverse("assessments:answer", args=[draft.pk, 1]),
        reverse("assessments:review", args=[draft.pk]),
        reverse("assessments:results", args=[done.pk]),
        reverse("assessments:results_json", args=[done.pk]),
        reverse("assessments:results_csv", args=[done.pk]),
        reverse("assessments:team_detail", args=[team.slug]),
        reverse("assessments:compare") + f"?a={done.pk}&b={newer.pk}",
        reverse("assessments:compare_json") + f"?a={done.pk}&b={newer.pk}",
    ]


def test_members_read_everything_of_their_team(member_client, world, team):
    for url in reads(world, team):
        assert member_client.get(url, follow=True).status_code == 200, url


def test_outsiders_get_404_for_every_page_and_download_of_another_team(
    outsider_client, world, team
):
    for url in reads(world, team):
        assert outsider_client.get(url).status_code == 404, url


def test_outsiders_see_no_trace_of_another_team_in_lists(outsider_client, world):
    for name in ("dashboard", "team_list", "overview", "compare"):
        text = outsider_client.get(reverse(f"assessments:{name}")).content.decode()
        assert "Team A" not in text and "Done" not in text, name
    body = b"".join(
        outsider_client.get(reverse("assessments:overview_csv")).streaming_content
    ).decode()
    assert "Team A" not in body


def try_to_save(client, draft) -> int:
    """POST a score for the draft's first question, as its answer page would."""
    questions = questions_of(draft.framework)
    return client.post(
        reverse("assessments:answer", args=[draft.pk, 1]),
        page_data(questions[:2], **{f"q{questions[0].pk}-choice": "5"}),
    ).status_code


def test_a_user_who_sees_every_team_reads_but_never_writes(client, staff_user, world, team):
    client.force_login(staff_user)
    for url in reads(world, team):
        assert client.get(url, follow=True).status_code == 200, url
    draft = world["draft"]
    questions = questions_of(draft.framework)
    assert try_to_save(client, draft) == 403
    answer(draft, questions[0], 1)
    for question in questions[1:]:
        answer(draft, question, 1)
    assert client.post(reverse("assessments:submit", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft
    assert set(Answer.objects.filter(assessment=draft).values_list("score", flat=True)) == {1}
    started = client.post(
        reverse("assessments:start"), {"framework": draft.framework.pk, "team": team.pk}
    )
    assert "You are not a member of a team yet" in started.content.decode()
    assert Assessment.objects.filter(team=team).count() == 3
    # The pages say so, and offer no way to write.
    page = client.get(reverse("assessments:answer", args=[draft.pk, 1])).content.decode()
    assert "only members of Team A can change its answers" in page
    assert 'name="go"' not in page
    review = client.get(reverse("assessments:review", args=[draft.pk])).content.decode()
    assert "Submit the assessment" not in review


def test_outsiders_cannot_write_into_another_teams_draft(outsider_client, world, team):
    draft = world["draft"]
    assert try_to_save(outsider_client, draft) == 404
    assert outsider_client.post(reverse("assessments:submit", args=[draft.pk])).status_code == 404
    assert not Answer.objects.filter(assessment=draft).exists()


def test_inactive_users_see_nothing(client, member, world, team):
    from teams.models import team_access

    member.is_active = False
    assert not Assessment.objects.filter(team_access(member, change=False, team="team")).exists()
    assert not Team.objects.visible_to(member).exists()


def test_deleting_the_latest_result_in_the_admin_shows_the_one_before(
    client, staff_user, team, framework, member
):
    older = submitted_assessment(
        team=team, framework=framework, user=member, scores=[1, 1, 1], title="Older"
    )
    newer = submitted_assessment(
        team=team, framework=framework, user=member, scores=[5, 5, 5], title="Newer"
    )
    client.force_login(staff_user)
    client.post(
        reverse("admin:assessments_assessment_changelist") + "?status__exact=submitted",
        {"action": "delete_selected", "_selected_action": [newer.pk], "post": "yes"},
    )
    assert not Assessment.objects.filter(pk=newer.pk).exists()
    rows = client.get(reverse("assessments:overview")).context["page"].object_list
    assert [row.latest.assessment_id for row in rows if row.latest] == [older.pk]
