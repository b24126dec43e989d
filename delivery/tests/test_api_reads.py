"""The API's reads of teams, assessments and results: the one access rule (members, outsiders,
organisation viewers, nobody signed in, team tokens), the results as the very document of the
JSON download, pagination and filters, hostile query strings, wrong methods, bounded queries
and the schema."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments.services import assessment_submit
from assessments.tests.make import (
    answer,
    make_assessment,
    make_team,
    make_user,
    make_viewer,
    questions_of,
    submitted_assessment,
)
from frameworks import tree
from frameworks.tests.make import make_framework
from teams.models import TeamToken

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e3",
    "0x5",
    "٣",
    "99999999999999999999999",
    str(2**63),
    "x" * 10_000,
    "a\x00b",
    "<script>",
    "'; DROP TABLE assessments_team; --",
    "😀",
]


@pytest.fixture
def framework(db):
    return make_framework(weights=(60, 40), questions=(2, 1))


@pytest.fixture
def member(db):
    return make_user("mia")


@pytest.fixture
def outsider(db):
    return make_user("olga")


@pytest.fixture
def team(member):
    return make_team("Team A", members=[member])


@pytest.fixture
def other_team(outsider):
    return make_team("Team B", members=[outsider])


@pytest.fixture
def world(framework, team, member, other_team, outsider):
    """Team A: a submitted assessment and a draft; Team B: a submitted one."""
    done = submitted_assessment(
        team=team, framework=framework, user=member, scores=[1, 2, 3], title="Done"
    )
    draft = make_assessment(team=team, framework=framework, user=member, title="Open draft")
    theirs = submitted_assessment(
        team=other_team, framework=framework, user=outsider, scores=[5, 5, 5], title="Theirs"
    )
    return {"done": done, "draft": draft, "theirs": theirs}


def urls(world):
    """Every read of the API, for Team A and its submitted assessment."""
    done = world["done"]
    return [
        reverse("api-teams"),
        reverse("api-team", args=[done.team.slug]),
        reverse("api-assessments"),
        reverse("api-assessment", args=[done.pk]),
        reverse("api-results", args=[done.pk]),
    ]


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def slugs(response) -> set[str]:
    return {row["slug"] for row in response.json()["results"]}


# Who may read what ---------------------------------------------------------------------


def test_a_member_reads_their_team_and_its_assessments(client, world, member):
    client.force_login(member)
    done, draft = world["done"], world["draft"]

    teams = client.get(reverse("api-teams"))
    assert teams.status_code == 200
    assert teams.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "team-a",
                "name": "Team A",
                "url": "http://testserver" + reverse("api-team", args=["team-a"]),
            }
        ],
    }

    detail = client.get(reverse("api-team", args=["team-a"])).json()
    assert detail["slug"] == "team-a" and detail["name"] == "Team A"
    rows = {row["id"]: row for row in detail["assessments"]}
    assert list(rows) == [draft.pk, done.pk]  # the newest first
    assert rows[done.pk]["status"] == "submitted"
    assert rows[done.pk]["framework"] == {
        "slug": "test-framework",
        "version": "1.0",
        "name": "Test Framework",
    }
    assert rows[done.pk]["overall_percent"] == done.overall_percent
    assert rows[done.pk]["maturity_level"] == done.maturity_level != ""
    assert rows[done.pk]["results_url"].endswith(reverse("api-results", args=[done.pk]))
    assert rows[draft.pk]["status"] == "draft" and rows[draft.pk]["submitted_at"] is None
    assert rows[draft.pk]["overall_percent"] is None and rows[draft.pk]["maturity_level"] is None
    assert rows[draft.pk]["results_url"] is None

    assert ids(client.get(reverse("api-assessments"))) == {done.pk, draft.pk}
    one = client.get(reverse("api-assessment", args=[done.pk])).json()
    assert one["id"] == done.pk and one["team"]["slug"] == "team-a"
    assert one["answered_count"] == 3 and one["title"] == "Done"
    assert one["created_at"] and one["submitted_at"] and one["updated_at"]
    results = client.get(reverse("api-results", args=[done.pk]))
    assert results.status_code == 200 and results.json()["title"] == "Done"


def test_it_returns_404_for_another_teams_team_assessment_and_results(client, world, outsider):
    client.force_login(outsider)
    done = world["done"]
    for url in [
        reverse("api-team", args=[done.team.slug]),
        reverse("api-assessment", args=[done.pk]),
        reverse("api-results", args=[done.pk]),
        reverse("api-assessment", args=[world["draft"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Done" not in response.content.decode()
    assert slugs(client.get(reverse("api-teams"))) == {"team-b"}
    assert ids(client.get(reverse("api-assessments"))) == {world["theirs"].pk}
    filtered = client.get(reverse("api-assessments") + f"?team={done.team.slug}").json()
    assert filtered["count"] == 0 and filtered["results"] == []


def test_a_signed_in_user_of_no_team_sees_nothing(client, world):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("api-teams")).json()["count"] == 0
    assert client.get(reverse("api-assessments")).json()["count"] == 0
    assert client.get(reverse("api-assessment", args=[world["done"].pk])).status_code == 404


def test_an_organisation_viewer_reads_every_team(client, world):
    client.force_login(make_viewer("vera"))
    assert slugs(client.get(reverse("api-teams"))) == {"team-a", "team-b"}
    assert ids(client.get(reverse("api-assessments"))) == {a.pk for a in world.values()}
    for url in urls(world):
        assert client.get(url).status_code == 200, url
    theirs = world["theirs"]
    assert client.get(reverse("api-results", args=[theirs.pk])).json()["team"] == "Team B"


def test_an_inactive_user_reads_nothing(client, world, member):
    member.is_active = False
    member.save()
    client.force_login(member)
    for url in urls(world):
        assert client.get(url).status_code in (401, 403), url


def test_nobody_signed_in_is_refused(client, world):
    for url in urls(world):
        response = client.get(url)
        assert response.status_code in (401, 403), url
        assert "Done" not in response.content.decode()


def test_a_team_token_is_refused_even_for_its_own_team(client, world):
    key = TeamToken.issue(team=world["done"].team, name="CI")[1]
    for url in urls(world):
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 403, url
        assert "sign in" in response.json()["detail"]


def test_a_token_does_not_borrow_a_signed_in_session(client, world, member):
    """A request that sends a token is the token's, whoever is signed in on the browser."""
    key = TeamToken.issue(team=world["done"].team, name="CI")[1]
    client.force_login(member)
    for url in urls(world):
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 403, url


# The results: the JSON download's document ----------------------------------------------


def test_the_results_are_the_very_document_of_the_json_download(client, dora):
    member = make_user("mia")
    team = make_team("Payments", members=[member])
    assessment = make_assessment(team=team, framework=dora, user=member, title="Q3 check")
    questions = questions_of(dora)
    for n, question in enumerate(questions):
        if n == 1:
            answer(assessment, question, not_applicable=True, reason="No such service", user=member)
        else:
            answer(assessment, question, n % 6, notes=f"Note «{n}» = +1", user=member)
    assessment = assessment_submit(assessment=assessment, user=member)
    client.force_login(member)

    api = client.get(reverse("api-results", args=[assessment.pk]))
    download = client.get(reverse("assessments:results_json", args=[assessment.pk]))
    assert api.status_code == download.status_code == 200
    assert api["Content-Type"] == "application/json"
    assert api.json() == download.json()
    document = api.json()
    assert document["team"] == "Payments" and len(document["answers"]) == len(questions)
    assert document["answers"][1]["not_applicable_reason"] == "No such service"


def test_a_drafts_results_are_not_found_as_its_download_is(client, world, member):
    client.force_login(member)
    draft = world["draft"]
    api = client.get(reverse("api-results", args=[draft.pk]))
    download = client.get(reverse("assessments:results_json", args=[draft.pk]))
    assert api.status_code == download.status_code == 404
    assert api.json() == {"detail": "This assessment has no result yet."}
    # The draft itself is there to read.
    assert client.get(reverse("api-assessment", args=[draft.pk])).json()["status"] == "draft"


# Lists: pages and filters ----------------------------------------------------------------


def test_the_assessments_come_in_pages_newest_first(client, framework, team, member):
    made = [
        make_assessment(team=team, framework=framework, user=member, title=f"A{n}")
        for n in range(5)
    ]
    newest_first = [a.pk for a in reversed(made)]
    client.force_login(member)
    url = reverse("api-assessments")

    first = client.get(url + "?page_size=2").json()
    assert first["count"] == 5 and first["previous"] is None
    assert [row["id"] for row in first["results"]] == newest_first[:2]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == newest_first[2:4]
    last = client.get(second["next"]).json()
    assert [row["id"] for row in last["results"]] == newest_first[4:] and last["next"] is None

    past_the_end = client.get(url + "?page_size=2&page=4")
    assert past_the_end.status_code == 404 and "Invalid page" in past_the_end.json()["detail"]
    huge_page = client.get(url + "?page_size=10000").json()  # capped at 200 a page
    assert huge_page["count"] == 5 and len(huge_page["results"]) == 5


def test_the_teams_come_in_pages_by_name(client):
    viewer = make_viewer("vera")
    for name in ["delta", "Alpha", "charlie", "Bravo"]:
        make_team(name)
    client.force_login(viewer)
    first = client.get(reverse("api-teams") + "?page_size=3").json()
    assert first["count"] == 4
    assert [t["name"] for t in first["results"]] == ["Alpha", "Bravo", "charlie"]
    assert [t["name"] for t in client.get(first["next"]).json()["results"]] == ["delta"]


def test_the_assessments_are_filtered_by_team_and_framework(client, world, framework):
    other = make_framework(slug="other", name="Other")
    team_a, team_b = world["done"].team, world["theirs"].team
    elsewhere = make_assessment(team=team_b, framework=other, title="Elsewhere")
    client.force_login(make_viewer("vera"))
    url = reverse("api-assessments")

    assert ids(client.get(url + "?team=team-a")) == {world["done"].pk, world["draft"].pk}
    assert ids(client.get(url + "?framework=other")) == {elsewhere.pk}
    assert ids(client.get(url + f"?team={team_b.slug}&framework={framework.slug}")) == {
        world["theirs"].pk
    }
    assert ids(client.get(url + f"?team={team_a.slug}&framework=other")) == set()
    assert ids(client.get(url + "?team=no-such-team")) == set()


# Hostile input and wrong methods ---------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["page", "page_size", "team", "framework"])
def test_a_hostile_query_string_is_refused_or_ignored_never_a_failure(
    client, world, member, name, value
):
    client.force_login(member)
    for url in (reverse("api-assessments"), reverse("api-teams")):
        response = client.get(url, {name: value})
        assert response.status_code in (200, 400), (url, response.status_code)
        if response.status_code == 400:
            assert name in response.json()
        elif name in ("team", "framework") and url == reverse("api-assessments"):
            assert response.json()["results"] == []


@pytest.mark.parametrize(
    "raw", ["1e3", "-1", "0", "abc", "1.5", "99999999999999999999999", str(2**63)]
)
@pytest.mark.parametrize("suffix", ["", "results/"])
def test_an_assessment_id_that_cannot_be_one_is_not_found(client, world, member, raw, suffix):
    client.force_login(member)
    response = client.get(f"/api/v1/assessments/{raw}/{suffix}")
    assert response.status_code == 404


@pytest.mark.parametrize("slug", ["no-such-team", "x" * 1000, "team-a%00", "%F0%9F%98%80"])
def test_a_team_slug_that_names_no_team_is_not_found(client, world, member, slug):
    client.force_login(member)
    assert client.get(f"/api/v1/teams/{slug}/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_reads_are_allowed(client, world, member, method):
    client.force_login(member)
    for url in urls(world):
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 405, (method, url)
    world["done"].refresh_from_db()
    assert world["done"].is_submitted


def test_head_and_options_answer(client, world, member):
    client.force_login(member)
    for url in urls(world):
        assert client.head(url).status_code == 200, url
        assert client.options(url).status_code == 200, url


# Bounded queries -------------------------------------------------------------------------


# What each read costs: the session and its user, the user's permissions (2 queries), a
# member's teams (the access rule: an organisation viewer needs none), then the rows (with a
# count for a list). The result reads its framework's tree too (5 queries when the cache is
# cold, as after a framework change), and the answers' notes.
READS = [
    # (read, member's queries, organisation viewer's queries)
    # (a viewer's rows are all teams': no look at memberships; reading one team or
    # assessment, a member's own needs no look at permissions)
    ("api-teams", 6, 5),
    ("api-team", 5, 6),
    ("api-assessments", 6, 5),
    ("api-assessment", 5, 6),  # its answered questions are counted
    ("api-results", 11, 12),  # with the improvement actions that addressed it
]


def _grow(world, framework, member, outsider, n):
    """n more teams (the member in each), each with a submitted assessment and a draft, and
    as many more of each in Team A."""
    for k in range(n):
        more = make_team(f"More {k}", members=[member, outsider])
        submitted_assessment(team=more, framework=framework, user=member, scores=[2, 2, 2])
        make_assessment(team=more, framework=framework, user=member)
        submitted_assessment(team=world["done"].team, framework=framework, user=member, scores=3)
        make_assessment(team=world["done"].team, framework=framework, user=member)


def _args(name, world):
    done = world["done"]
    return {
        "api-team": [done.team.slug],
        "api-assessment": [done.pk],
        "api-results": [done.pk],
    }.get(name, [])


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_the_reads_queries_do_not_grow_with_rows(
    client, world, framework, member, outsider, who, django_assert_num_queries
):
    client.force_login(member if who == "member" else make_viewer("vera"))
    for grown in (False, True):
        if grown:
            _grow(world, framework, member, outsider, 6)
        for name, member_queries, viewer_queries in READS:
            tree.clear_cache()
            cache.clear()
            with django_assert_num_queries(member_queries if who == "member" else viewer_queries):
                response = client.get(reverse(name, args=_args(name, world)))
            assert response.status_code == 200, name
    expected = 26 if who == "member" else 27  # the viewer sees Team B's too
    assert client.get(reverse("api-assessments")).json()["count"] == expected
    assert len(client.get(reverse("api-team", args=["team-a"])).json()["assessments"]) == 14


# The schema ------------------------------------------------------------------------------


def test_the_schema_documents_the_reads_for_sessions_only(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ann"))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in [
        "/api/v1/teams/",
        "/api/v1/teams/{slug}/",
        "/api/v1/assessments/",
        "/api/v1/assessments/{id}/",
        "/api/v1/assessments/{id}/results/",
    ]:
        assert set(paths[path]) == {"get"}, path
        assert paths[path]["get"]["security"] == [{"cookieAuth": []}], path
    filters = {p["name"] for p in paths["/api/v1/assessments/"]["get"]["parameters"]}
    assert {"team", "framework", "page", "page_size"} <= filters
