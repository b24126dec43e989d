"""Three frameworks as one picture: the team's profile, what is due next, the overview by
team, and honest time estimates."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.tests.make import (
    make_assessment,
    make_team,
    make_user,
    make_viewer,
    submitted_assessment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(dora, calms, mvp):
    return {f.slug: f for f in (dora, calms, mvp)}


def test_the_team_page_opens_with_the_latest_result_of_each_framework(
    client, shipped, team, member
):
    submitted_assessment(team=team, framework=shipped["dora"], user=member, scores=[4] * 25)
    submitted_assessment(team=team, framework=shipped["calms"], user=member, scores=[2] * 28)
    client.force_login(member)
    page = client.get(reverse("assessments:team_detail", args=[team.slug])).content.decode()
    profile = page.split('id="profile-heading"')[1].split("</section>")[0]
    assert "CALMS" in profile and "DORA Metrics Framework 1.0" in profile
    assert "80.0%" in profile and "level-high" in profile  # DORA: delivery High
    # MVP is the one never taken: it is due next, with a way to start it
    assert "Due next:</strong> MVP Technical Maturity Framework 1.0, not taken yet" in page
    assert f"?framework={shipped['mvp'].pk}" in page


def test_when_every_framework_is_taken_the_oldest_is_due_next(client, shipped, team, member):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for slug, days, count in (("dora", 10, 25), ("calms", 400, 28), ("mvp", 30, 100)):
        submitted_assessment(
            team=team,
            framework=shipped[slug],
            user=member,
            scores=[3] * count,
            when=now - timedelta(days=days),
        )
    viewer = make_viewer("vera")
    client.force_login(viewer)
    page = client.get(reverse("assessments:team_detail", args=[team.slug])).content.decode()
    assert "Due next:</strong> CALMS" in page
    assert "Start it" not in page  # a viewer reads, and starts nothing


def test_the_overview_by_team_has_a_column_per_framework(client, shipped, team, member):
    other_member = make_user("owen")
    other = make_team("Data", members=[other_member])
    submitted_assessment(team=team, framework=shipped["dora"], user=member, scores=[4] * 25)
    submitted_assessment(team=team, framework=shipped["mvp"], user=member, scores=[2] * 100)
    submitted_assessment(team=other, framework=shipped["calms"], user=other_member, scores=[5] * 28)
    client.force_login(make_viewer("vera"))
    response = client.get(reverse("assessments:overview_teams"))
    text = response.content.decode()
    headers = text.split("<thead>")[1].split("</thead>")[0]
    assert headers.index("CALMS") < headers.index("DORA") < headers.index("MVP")
    rows = text.split("<tbody>")[1].split("</tr>")
    assert "Data" in rows[0] and rows[0].count("not taken") == 2
    assert "Team A" in rows[1] and rows[1].count("not taken") == 1
    assert "Delivery: " in rows[1]
    # a member sees only their own team
    client.force_login(other_member)
    text = client.get(reverse("assessments:overview_teams")).content.decode()
    assert "Team A" not in text and "Data" in text


def test_time_estimates_on_the_start_page_and_the_step_list(client, shipped, team, member):
    client.force_login(member)
    page = client.get(reverse("assessments:start")).content.decode()
    assert (
        "<strong>DORA Metrics Framework 1.0</strong>: 25 questions in 5 steps, about 75 "
        "minutes in all (12 to 18 minutes a step, one sitting each)"
    ) in page
    assert (
        "<strong>MVP Technical Maturity Framework 1.0</strong>: 100 questions in 10 steps, "
        "about 300 minutes in all (about 30 minutes a step, one sitting each)"
    ) in page
    draft = make_assessment(team=team, framework=shipped["mvp"], user=member)
    step = client.get(reverse("assessments:answer", args=[draft.pk, 1])).content.decode()
    assert "0/10 · ~30 min" in step
    assert "about 300 min left" in step
    assert Assessment.objects.count() == 1
