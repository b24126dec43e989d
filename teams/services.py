"""Writes that follow from who belongs to a team."""

from django.db import transaction
from django.utils import timezone

from .models import Membership, TeamToken

CREATOR_LEFT = "creator left the team"


@transaction.atomic
def memberships_end(*, ended: set[tuple[int, int]]) -> int:
    """After (team id, user id) memberships ended: revoke the tokens each of those users
    made for that team, which would otherwise keep reaching a team its maker has left.
    A pair that is a membership again (removed and added back in one save) keeps its
    tokens. How many tokens were revoked."""
    revoked = 0
    for team_id, user_id in ended:
        if Membership.objects.filter(team_id=team_id, user_id=user_id).exists():
            continue
        revoked += TeamToken.objects.filter(
            team_id=team_id, created_by_id=user_id, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_because=CREATOR_LEFT)
    return revoked
