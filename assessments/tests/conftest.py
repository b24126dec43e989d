import pytest

from assessments.tests.make import make_assessment, make_team, make_user, submitted_assessment
from frameworks.tests.make import make_framework


@pytest.fixture
def framework(db):
    """Two domains (60/40), three questions, DORA-like levels."""
    return make_framework(weights=(60, 40), questions=(2, 1))


@pytest.fixture
def member(db):
    return make_user("mia")


@pytest.fixture
def teammate(db):
    return make_user("tom")


@pytest.fixture
def outsider(db):
    return make_user("olga")


@pytest.fixture
def team(member, teammate):
    return make_team("Team A", members=[member, teammate])


@pytest.fixture
def other_team(outsider):
    return make_team("Team B", members=[outsider])


@pytest.fixture
def draft(team, framework, member):
    return make_assessment(team=team, framework=framework, user=member, title="Draft one")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def outsider_client(client, outsider, other_team):
    client.force_login(outsider)
    return client


@pytest.fixture
def world(framework, team, member, other_team, outsider):
    """A submitted assessment and a draft of `team`, one submitted of `other_team`."""
    done = submitted_assessment(
        team=team, framework=framework, user=member, scores=[1, 2, 3], title="Done"
    )
    newer = submitted_assessment(
        team=team, framework=framework, user=member, scores=[2, 3, 4], title="Newer"
    )
    draft = make_assessment(team=team, framework=framework, user=member, title="Open draft")
    theirs = submitted_assessment(
        team=other_team, framework=framework, user=outsider, scores=[5, 5, 5], title="Theirs"
    )
    return {"done": done, "newer": newer, "draft": draft, "theirs": theirs}
