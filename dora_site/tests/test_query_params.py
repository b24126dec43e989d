"""No query string makes a server error: every GET view of the site and the admin's lists
read their parameters through frameworks.params."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.tests.make import (
    make_assessment,
    make_team,
    make_user,
    submitted_assessment,
)
from frameworks.params import MAX_ID, choice_param, id_param, page_param
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db

NAMES = ["framework", "domain", "page", "sort", "dir", "a", "b", "o", "q", "p", "e", "gate"]
AWKWARD = [
    "²",
    "٣",
    "99999999999999999999999",
    str(MAX_ID),
    str(MAX_ID + 1),
    "-1",
    "0",
    "1.5",
    "abc",
    "",
    " 1",
    "1 ",
    "\x00",
    "%",
    "1e3",
    "0x1",
]
# Any text a URL can carry (lone surrogates cannot be encoded into one).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40) | st.sampled_from(AWKWARD)


@pytest.fixture
def pages(db):
    framework = make_framework(weights=(60, 40), questions=(2, 1))
    member = make_user("mia")
    team = make_team("Team A", members=[member])
    done = submitted_assessment(team=team, framework=framework, user=member, scores=[1, 2, 3])
    draft = make_assessment(team=team, framework=framework, user=member)
    superuser = make_user("sue", is_staff=True, is_superuser=True)
    team.memberships.create(user=superuser)
    client = Client()
    client.force_login(superuser)
    urls = [
        reverse("assessments:dashboard"),
        reverse("assessments:start"),
        reverse("assessments:detail", args=[draft.pk]),
        reverse("assessments:answer", args=[draft.pk, 1]),
        reverse("assessments:review", args=[draft.pk]),
        reverse("assessments:results", args=[done.pk]),
        reverse("assessments:results_json", args=[done.pk]),
        reverse("assessments:results_csv", args=[done.pk]),
        reverse("assessments:team_list"),
        reverse("assessments:team_detail", args=[team.slug]),
        reverse("assessments:compare"),
        reverse("assessments:compare_json"),
        reverse("assessments:overview"),
        reverse("assessments:overview_csv"),
        reverse("frameworks:list"),
        reverse("frameworks:detail", args=[framework.slug, framework.version]),
        reverse("admin:frameworks_framework_changelist"),
        reverse("admin:frameworks_domain_changelist"),
        reverse("admin:frameworks_gate_changelist"),
        reverse("admin:frameworks_question_changelist"),
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:teams_team_changelist"),
    ]
    return client, urls


@given(data=st.data())
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_query_string_makes_a_server_error(pages, data):
    client, urls = pages
    url = data.draw(st.sampled_from(urls))
    params = data.draw(st.dictionaries(st.sampled_from(NAMES), TEXT, max_size=4))
    response = client.get(url, params)
    assert response.status_code < 500, (url, params)
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("assessments:overview", {"framework": "²"}),
        ("assessments:overview_csv", {"framework": "²"}),
        ("assessments:start", {"framework": "²"}),
        ("assessments:overview", {"framework": "99999999999999999999999"}),
        ("admin:frameworks_domain_changelist", {"framework": "abc"}),
        ("admin:frameworks_question_changelist", {"domain": "abc"}),
        ("admin:frameworks_gate_changelist", {"framework": "²"}),
        ("admin:frameworks_question_changelist", {"framework": "٣", "domain": "²"}),
        ("admin:assessments_assessment_changelist", {"framework": "9223372036854775808"}),
        ("admin:assessments_assessment_changelist", {"team": "9223372036854775808"}),
        ("admin:assessments_assessment_changelist", {"team": "abc", "framework": "²"}),
    ],
)
def test_the_parameters_the_probe_found_are_answered(pages, url_name, params):
    client, _ = pages
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200, response.status_code
    if response.streaming:
        b"".join(response.streaming_content)


def test_the_parser_takes_ascii_digits_within_the_database_range_only():
    assert id_param("12") == 12
    assert id_param(str(MAX_ID)) == MAX_ID
    for text in ("²", "٣", "0", "-1", " 1", "1.0", str(MAX_ID + 1), "9" * 40, None, True):
        assert id_param(text) is None, text
    assert page_param("3") == 3
    assert page_param("²") == page_param("") == page_param(None) == page_param("0") == 1
    assert page_param("9" * 40) == 10**9  # past the end: the paginator shows the last page
    assert choice_param("level", ("team", "level"), "team") == "level"
    assert choice_param(["level"], ("team", "level"), "team") == "team"
    assert choice_param("LEVEL", ("team", "level"), "team") == "team"
