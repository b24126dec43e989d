"""A member who leaves a team takes no working token along: the tokens they made for it are
revoked in the same admin save, and the delivery page says why."""

import pytest
from django.urls import reverse

from assessments.tests.make import make_team, make_user
from teams.models import Membership, TeamToken
from teams.services import CREATOR_LEFT

pytestmark = pytest.mark.django_db


def inline_data(team, rows):
    """The team admin's form with its membership inline: rows of (membership or None, user,
    delete)."""
    data = {
        "name": team.name,
        "slug": team.slug,
        "actions_in_progress_limit": str(team.actions_in_progress_limit),
        "min_respondents": str(team.min_respondents),
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for m, _, _ in rows if m)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, (membership, user, delete) in enumerate(rows):
        data[f"memberships-{i}-id"] = str(membership.pk) if membership else ""
        data[f"memberships-{i}-team"] = str(team.pk)
        data[f"memberships-{i}-user"] = str(user.pk)
        if delete:
            data[f"memberships-{i}-DELETE"] = "on"
    return data


def test_removing_a_member_in_the_admin_revokes_the_tokens_they_made(client):
    pat, sam = make_user("pat"), make_user("sam")
    team = make_team("Payments", members=[pat, sam])
    other = make_team("Search", members=[pat])
    pats, _ = TeamToken.issue(team=team, name="Pat's CI", user=pat)
    sams, _ = TeamToken.issue(team=team, name="Sam's CI", user=sam)
    elsewhere, _ = TeamToken.issue(team=other, name="Pat's other CI", user=pat)
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    rows = [
        (Membership.objects.get(team=team, user=pat), pat, True),
        (Membership.objects.get(team=team, user=sam), sam, False),
    ]
    response = client.post(
        reverse("admin:teams_team_change", args=[team.pk]), inline_data(team, rows)
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(team=team, user=pat).exists()
    for token in (pats, sams, elsewhere):
        token.refresh_from_db()
    assert pats.revoked_at is not None and pats.revoked_because == CREATOR_LEFT
    assert sams.revoked_at is None  # still a member
    assert elsewhere.revoked_at is None  # still a member of that team
    client.force_login(sam)
    page = client.get(reverse("assessments:delivery", args=[team.slug])).content.decode()
    assert f": {CREATOR_LEFT}" in page


def test_a_member_removed_and_added_back_in_one_save_keeps_their_tokens(client):
    pat = make_user("pat")
    team = make_team("Payments", members=[pat])
    token, _ = TeamToken.issue(team=team, name="Pat's CI", user=pat)
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    rows = [(Membership.objects.get(team=team, user=pat), pat, True), (None, pat, False)]
    client.post(reverse("admin:teams_team_change", args=[team.pk]), inline_data(team, rows))
    token.refresh_from_db()
    assert Membership.objects.filter(team=team, user=pat).exists()
    assert token.revoked_at is None
