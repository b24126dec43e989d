import pytest

from assessments.tests.make import make_team, make_user
from teams.models import TeamToken


@pytest.fixture
def team(db):
    """A team with one member, pat, whose delivery data the tests send and measure."""
    return make_team("Payments", members=[make_user("pat")])


@pytest.fixture
def key(team):
    """A token of the team, as its CI would hold it."""
    return TeamToken.issue(team=team, name="CI")[1]
