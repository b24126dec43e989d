"""Improvement actions (assessments/improvements.py): made from a recommendation or by hand
with a baseline, moved from planned to verified within the team's focus limit, and judged
against a later result and the delivery data; bad input refused by field with nothing
written; the one access rule on every path (pages, API, downloads); constant queries."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from assessments.improvements import (
    ActionRefused,
    _metric_verdict,
    _scores_verdict,
    action_create,
    action_move,
    verdict,
)
from assessments.models import Action, ActionEvent
from assessments.tests.make import make_user, questions_of, submitted_assessment
from assessments.tests.test_roles import editor, staff_only, superuser, viewer  # noqa: F401
from delivery.services import delivery_store
from frameworks.tests.make import make_framework
from teams.models import TeamToken

pytestmark = pytest.mark.django_db


def make_action(team, framework, user, *, questions=None, **fields):
    return action_create(
        team=team,
        user=user,
        framework=framework,
        questions=questions or questions_of(framework)[:1],
        title=fields.pop("title", "Automate the deployment"),
        **fields,
    )


def with_baseline_metric(action, value, text, sample, noun):
    """Give the action a baseline metric of 91 days, as if measured when it was made."""
    action.baseline["metric"] = {
        "value": value,
        "text": text,
        "sample": sample,
        "noun": noun,
        "days": 91,
        "level": None,
        "start": "",
        "end": "",
    }
    action.save()


def move(action, user, *statuses, note=""):
    for status in statuses:
        action = action_move(action=action, user=user, status=status, note=note)
    return action


# --- the verdict's rules, as tables ---


@pytest.mark.parametrize(
    ("code", "before", "after", "expected"),
    [
        ("lead_time", (52.0, 61), (20.0, 58), "improved"),  # lower is better
        ("lead_time", (20.0, 61), (52.0, 58), "worse"),
        ("lead_time", (50.0, 61), (46.0, 58), "no change"),  # 8%: within a tenth
        ("lead_time", (50.0, 61), (45.0, 58), "no change"),  # exactly a tenth
        ("lead_time", (50.0, 61), (44.9, 58), "improved"),
        ("lead_time", (52.0, 4), (20.0, 58), None),  # too few changes before
        ("lead_time", (None, 0), (20.0, 58), None),  # nothing measured before
        ("deployment_frequency", (1.0, 91), (3.0, 60), "improved"),  # higher is better
        ("deployment_frequency", (3.0, 91), (1.0, 60), "worse"),
        ("deployment_frequency", (0.0, 91), (0.5, 60), "improved"),  # from none: a change
        ("deployment_frequency", (0.0, 91), (0.0, 60), "no change"),
        ("change_failure_rate", (0.30, 40), (0.10, 40), "improved"),
        ("change_failure_rate", (0.10, 4), (0.30, 40), None),  # fewer than 5 deployments
        ("time_to_restore", (10.0, 3), (30.0, 2), "worse"),
    ],
)
def test_the_metric_verdict(code, before, after, expected):
    def side(value, sample):
        return {"value": value, "sample": sample}

    assert _metric_verdict(code, side(*before), side(*after)) == expected


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(2, 3)], "improved"),
        ([(2, 3), (3, 3)], "improved"),
        ([(3, 2)], "worse"),
        ([(2, 3), (3, 2)], "no change"),  # one rose, one fell
        ([(3, 3)], "no change"),
        ([(None, 3), (2, None)], None),  # nothing known on both sides
    ],
)
def test_the_scores_verdict(pairs, expected):
    assert _scores_verdict(pairs) == expected


# --- making one: the baseline, and bad input ---


def test_an_action_keeps_its_baseline_and_history(team, framework, member):
    result = submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    first = questions_of(framework)[0]
    action = make_action(team, framework, member, source=result, owner=member)
    assert action.baseline["scores"] == {str(first.pk): 2}
    assert action.baseline["result"] == result.pk and action.baseline["metric"] is None
    assert [(e.status, e.by, e.note) for e in action.events.all()] == [
        ("planned", member, f"made from {result.title}")
    ]


def test_the_baseline_measures_the_key_metric_over_the_91_days_before(team, framework, member):
    now = timezone.now()
    deployments = [
        (
            n,
            {
                "external_id": f"d{n}",
                "service": "api",
                "environment": "production",
                "finished_at": now - timedelta(days=2 + n),
                "status": "success",
                "rework": False,
            },
        )
        for n in range(14)
    ]
    delivery_store(team, {"deployments": deployments}, channel="api", sender="test")
    action = make_action(team, framework, member, key_metric="deployment_frequency")
    metric = action.baseline["metric"]
    # 14 deployments over the 15 days from the first to yesterday: 6.5 a week.
    assert metric["value"] == pytest.approx(14 * 7 / 15) and metric["days"] == 15
    assert metric["text"] == "6.5 deployments a week"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"questions": []}, "questions"),
        ({"owner": "outsider"}, "owner"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "ftp://example.com/x"}, "link"),
        ({"key_metric": "happiness"}, "key_metric"),
        ({"other_framework_question": True}, "questions"),
    ],
)
def test_bad_input_is_refused_by_field_and_writes_nothing(
    team, framework, member, outsider, fields, field
):
    if fields.pop("other_framework_question", False):
        other = make_framework(slug="other", weights=(100,), questions=(1,))
        fields["questions"] = [questions_of(framework)[0], questions_of(other)[0]]
    if fields.get("owner") == "outsider":
        fields["owner"] = outsider
    with pytest.raises(ActionRefused) as refused:
        action_create(
            team=team,
            user=member,
            framework=framework,
            title="x",
            **({"questions": questions_of(framework)[:1]} | fields),
        )
    assert field in refused.value.errors
    assert not Action.objects.exists() and not ActionEvent.objects.exists()


def test_the_form_refuses_bad_input_naming_the_field(client, team, framework, member):
    client.force_login(member)
    url = reverse("assessments:action_new", args=[team.slug]) + f"?framework={framework.pk}"
    question = questions_of(framework)[0]
    for data, field in [
        ({"title": "", "questions": [question.pk]}, "title"),
        ({"title": "x" * 201, "questions": [question.pk]}, "title"),
        ({"title": "x"}, "questions"),
        ({"title": "x", "questions": [question.pk], "due": "2026-02-30"}, "due"),
        ({"title": "x", "questions": [question.pk], "due": "9999-01-01"}, "due"),
        ({"title": "x", "questions": [question.pk], "link": "ftp://x.example"}, "link"),
        ({"title": "x", "questions": [question.pk], "owner": "99999"}, "owner"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert field in response.context["form"].errors, (data, response.context["form"].errors)
    assert not Action.objects.exists()


def test_a_member_makes_one_from_a_recommendation_prefilled(client, dora, team, member):
    from assessments.tests.test_results import dora_scores

    result = submitted_assessment(team=team, framework=dora, user=member, scores=dora_scores())
    client.force_login(member)
    page = client.get(reverse("assessments:results", args=[result.pk])).content.decode()
    link = f"/teams/{team.slug}/actions/new/?result={result.pk}&amp;question="
    assert link in page
    first = int(page.split(link)[1].split('"')[0])
    url = link.replace("&amp;", "&") + str(first)
    form = client.get(url).context["form"]
    assert form.initial["questions"] == [first] and form.initial["title"].startswith("Q")
    response = client.post(
        url, {"title": form.initial["title"], "questions": [first], "key_metric": "lead_time"}
    )
    action = Action.objects.get()
    assert response["Location"] == reverse("assessments:action", args=[team.slug, action.pk])
    assert action.source == result and action.baseline["scores"] == {str(first): 3}


# --- moving: the focus limit, dropping, verifying ---


def test_a_fourth_action_in_progress_is_refused_naming_the_three(team, framework, member):
    actions = [make_action(team, framework, member, title=f"A{n}") for n in range(4)]
    for action in actions[:3]:
        move(action, member, "in_progress")
    with pytest.raises(ActionRefused) as refused:
        move(actions[3], member, "in_progress")
    assert "“A0”, “A1”, “A2”" in refused.value.errors["status"]
    assert Action.objects.get(pk=actions[3].pk).status == "planned"
    team.actions_in_progress_limit = 4
    team.save()
    assert move(actions[3], member, "in_progress").status == "in_progress"


def test_moves_follow_the_rules(team, framework, member):
    action = make_action(team, framework, member)
    with pytest.raises(ActionRefused):
        move(action, member, "done")  # not started
    with pytest.raises(ActionRefused) as refused:
        move(action, member, "dropped")  # no reason
    assert "note" in refused.value.errors
    action = move(action, member, "dropped", note="superseded")
    assert action.dropped_reason == "superseded"
    action = move(action, member, "planned", "in_progress", "done")
    assert action.done_at is not None
    with pytest.raises(ActionRefused) as refused:
        move(action, member, "verified")  # no later result yet
    assert "later result" in refused.value.errors["status"]
    assert [e.status for e in action.events.all()] == [
        "planned",
        "dropped",
        "planned",
        "in_progress",
        "done",
    ]


def test_the_verdict_by_scores_and_its_confirmation(client, team, framework, member, teammate):
    submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    action = make_action(team, framework, member)
    action = move(action, member, "in_progress", "done")
    assert verdict(action, timezone.now().date())["state"] == "waiting"
    client.force_login(member)
    url = reverse("assessments:action", args=[team.slug, action.pk])
    assert "Waiting for a result" in client.get(url).content.decode()
    later = submitted_assessment(
        team=team, framework=framework, user=member, scores=[4, 4, 1], title="Later"
    )
    found = verdict(action, timezone.now().date())
    assert found["state"] == "improved" and found["result"] == later
    assert "2 → 4" in found["words"]
    assert "Scores before → after" in client.get(url).content.decode()
    action = move(action, teammate, "verified")
    assert action.verified_by == teammate and action.verdict["state"] == "improved"
    assert action.verdict["result"] == later.pk
    assert "Confirmed by tom" in client.get(url).content.decode()


def _deployments(team, start, days, per_day, prefix):
    rows = [
        (
            i,
            {
                "external_id": f"{prefix}{i}",
                "service": "api",
                "environment": "production",
                "finished_at": start + timedelta(days=i // per_day, hours=i % per_day),
                "status": "success",
                "rework": False,
            },
        )
        for i in range(days * per_day)
    ]
    delivery_store(team, {"deployments": rows}, channel="api", sender="test")


@pytest.mark.parametrize(
    ("days_done", "per_day_after", "state"),
    [
        (40, 3, "improved"),  # 1 a day before, 3 a day after
        (40, 1, "no change"),
        (20, 3, "not enough data"),  # fewer than 28 days since it was done
    ],
)
def test_the_verdict_by_the_key_metric(team, framework, member, days_done, per_day_after, state):
    now = timezone.now()
    submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    action = make_action(team, framework, member, key_metric="deployment_frequency")
    with_baseline_metric(action, 7.0, "7.0 deployments a week", 91, "day")
    action = move(action, member, "in_progress", "done")
    done = now - timedelta(days=days_done)
    Action.objects.filter(pk=action.pk).update(done_at=done)
    action.refresh_from_db()
    _deployments(team, done + timedelta(hours=1), days_done - 1, per_day_after, "after")
    submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    found = verdict(action, now.date())
    assert found["state"] == state, found["words"]
    if state == "improved":
        assert found["words"].startswith("Deployment frequency 7.0 deployments a week → 2")
        assert "a change of more than a tenth counts" in found["words"]


def test_a_question_an_action_addresses_cannot_be_deleted(team, framework, member):
    make_action(team, framework, member)
    with pytest.raises(ProtectedError):
        questions_of(framework)[0].delete()


# --- who may do what, on every path ---


def paths(team, action):
    return {
        "new": reverse("assessments:action_new", args=[team.slug]),
        "detail": reverse("assessments:action", args=[team.slug, action.pk]),
        "edit": reverse("assessments:action_edit", args=[team.slug, action.pk]),
        "move": reverse("assessments:action_move", args=[team.slug, action.pk]),
        "api": reverse("api-actions", args=[team.slug]),
        "api_detail": reverse("api-action", args=[team.slug, action.pk]),
        "api_move": reverse("api-action-move", args=[team.slug, action.pk]),
        "team": reverse("assessments:team_detail", args=[team.slug]),
    }


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        ("member", (200, 200, 200, 200), (302, 302, 201, 200)),
        ("viewer", (200, 200, 200, 200), (302, 302, 403, 403)),
        ("superuser", (200, 200, 200, 200), (302, 302, 403, 403)),
        ("staff_only", (404, 404, 404, 404), (404, 404, 404, 404)),
        ("editor", (404, 404, 404, 404), (404, 404, 404, 404)),
        ("stranger", (404, 404, 404, 404), (404, 404, 404, 404)),
    ],
)
def test_the_one_access_rule_on_every_path(
    client, request, team, framework, member, role, reads, writes
):
    action = make_action(team, framework, member)
    user = {"member": member, "stranger": make_user("stranger")}.get(role) or (
        request.getfixturevalue(role)
    )
    client.force_login(user)
    url = paths(team, action)
    assert (
        client.get(url["detail"]).status_code,
        client.get(url["api"]).status_code,
        client.get(url["api_detail"]).status_code,
        client.get(url["team"]).status_code,
    ) == reads
    question = questions_of(framework)[0]
    api_new = {
        "title": "By API",
        "framework": framework.slug,
        "version": framework.version,
        "questions": [question.pk],
    }
    results = (
        client.post(url["move"], {"status": "in_progress"}).status_code,
        client.post(url["edit"], {"title": "Renamed"}).status_code,
        client.post(url["api"], api_new, content_type="application/json").status_code,
        client.post(
            url["api_move"], {"status": "planned"}, content_type="application/json"
        ).status_code,
    )
    assert results == writes
    if role in ("member", "viewer"):  # the pages behind the links render for a reader
        assert client.get(url["edit"]).status_code == 200 if role == "member" else 302
        assert client.get(url["new"] + f"?framework={framework.pk}").status_code in (200, 302)
    action.refresh_from_db()
    if role == "member":
        assert action.status == "planned" and action.title == "Renamed"  # started, then back
        assert Action.objects.count() == 2
    else:
        assert action.status == "planned" and action.title == "Automate the deployment"
        assert Action.objects.count() == 1


def test_a_team_token_reaches_no_action(client, team, framework, member):
    action = make_action(team, framework, member)
    key = TeamToken.issue(team=team, name="CI")[1]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get(reverse("api-actions", args=[team.slug]), **auth).status_code == 403
    url = reverse("api-action", args=[team.slug, action.pk])
    assert client.get(url, **auth).status_code == 403


def test_an_action_of_another_team_is_not_found(client, team, other_team, framework, member):
    theirs = make_action(other_team, framework, other_team.members.get())
    client.force_login(member)
    assert client.get(reverse("assessments:action", args=[team.slug, theirs.pk])).status_code == 404
    assert client.get(reverse("api-action", args=[team.slug, theirs.pk])).status_code == 404


# --- where actions show, at a constant cost ---


@pytest.mark.parametrize("count", [0, 3, 50])
def test_the_team_and_results_pages_cost_the_same_with_any_number_of_actions(
    client, team, framework, member, count, django_assert_num_queries
):
    result = submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    for n in range(count):
        action = make_action(team, framework, member, title=f"A{n}", owner=member)
        if n % 3 == 1:
            move(action, member, "in_progress", "done")
    client.force_login(member)
    client.get(reverse("assessments:results", args=[result.pk]))  # the tree is read
    team_url = reverse("assessments:team_detail", args=[team.slug])
    with django_assert_num_queries(11):
        page = client.get(team_url).content.decode()
    assert page.count('class="mb-1"><a href="/teams/team-a/actions/') == count
    with django_assert_num_queries(7):
        client.get(reverse("assessments:results", args=[result.pk]))


def test_actions_show_where_they_matter(client, team, framework, member):
    result = submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    action = make_action(
        team,
        framework,
        member,
        title="Trunk-based",
        source=result,
        owner=member,
        due=timezone.now().date() - timedelta(days=1),
    )
    client.force_login(member)
    assert "Trunk-based" in client.get(reverse("assessments:dashboard")).content.decode()
    assert "Trunk-based" in client.get(reverse("assessments:start")).content.decode()
    team_page = client.get(reverse("assessments:team_detail", args=[team.slug])).content.decode()
    assert "overdue" in team_page.split("Trunk-based")[1].split("</li>")[0]
    download = client.get(reverse("assessments:results_json", args=[result.pk])).json()
    assert download["actions"][0]["title"] == "Trunk-based"
    assert download["actions"][0]["questions"] == ["Q1"]
    csv = client.get(reverse("assessments:results_csv", args=[result.pk])).content.decode()
    assert "Trunk-based (planned)" in csv.splitlines()[1]
    move(action, member, "in_progress", "done")
    later = submitted_assessment(
        team=team, framework=framework, user=member, scores=[3, 4, 1], title="Later"
    )
    page = client.get(reverse("assessments:results", args=[later.pk])).content.decode()
    assert "1 action done" in page and "Trunk-based" in page
    move(action, member, "verified")
    page = client.get(reverse("assessments:results", args=[later.pk])).content.decode()
    assert "1 confirmed as improved" in page


def test_the_overview_counts_actions_for_viewers_of_every_team(
    client,
    viewer,  # noqa: F811
    team,
    framework,
    member,
):
    submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    move(make_action(team, framework, member), member, "in_progress")
    client.force_login(viewer)
    page = client.get(reverse("assessments:overview")).content.decode()
    assert "1 in progress, 0 verified" in page
    response = client.get(reverse("assessments:overview_csv"))
    csv = b"".join(response.streaming_content).decode()
    assert csv.splitlines()[0].endswith("actions in progress,actions verified")


@pytest.mark.parametrize(
    ("value", "expected", "message"),
    [
        ("5", 5, "At most 5"),
        ("0", 3, "greater than or equal to 1"),
        ("11", 3, "less than or"),
        ("many", 3, "whole number"),
    ],
)
def test_a_member_sets_the_focus_limit_within_its_bounds(
    client, team, member, value, expected, message
):
    client.force_login(member)
    response = client.post(reverse("assessments:focus_limit", args=[team.slug]), {"limit": value})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.actions_in_progress_limit == expected
    assert message in client.get(response["Location"]).content.decode()


def test_only_members_set_the_focus_limit(client, team, outsider, other_team):
    client.force_login(outsider)
    url = reverse("assessments:focus_limit", args=[team.slug])
    assert client.post(url, {"limit": "9"}).status_code == 404
    assert client.get(url).status_code == 405
    team.refresh_from_db()
    assert team.actions_in_progress_limit == 3


def test_no_action_on_a_framework_nobody_may_use(client, team, member):
    hidden = make_framework(slug="hidden", weights=(100,), questions=(1,))
    type(hidden).objects.filter(pk=hidden.pk).update(is_published=False)
    client.force_login(member)
    url = reverse("assessments:action_new", args=[team.slug]) + f"?framework={hidden.pk}"
    page = client.get(url).content.decode()
    assert "Which one?" in page and f'framework={hidden.pk}"' not in page  # choose again
    data = {
        "title": "x",
        "framework": "hidden",
        "version": hidden.version,
        "questions": [questions_of(hidden)[0].pk],
    }
    response = client.post(
        reverse("api-actions", args=[team.slug]), data, content_type="application/json"
    )
    assert response.status_code == 400 and "framework" in response.json()
    assert not Action.objects.exists()


# --- found in review ---


def test_question_ids_no_database_could_hold_are_refused_not_a_500(client, team, framework, member):
    client.force_login(member)
    huge = "1" + "0" * 30
    url = reverse("assessments:action_new", args=[team.slug]) + f"?framework={framework.pk}"
    response = client.post(url, {"title": "x", "questions": [huge]})
    assert response.status_code == 400 and "questions" in response.context["form"].errors
    data = {"title": "x", "framework": framework.slug, "version": framework.version}
    response = client.post(
        reverse("api-actions", args=[team.slug]),
        data | {"questions": [int(huge)]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "questions" in response.json()
    assert not Action.objects.exists()


def test_a_metric_without_enough_sample_leaves_the_verdict_to_the_scores(team, framework, member):
    earlier = timezone.now() - timedelta(days=60)
    submitted_assessment(
        team=team, framework=framework, user=member, scores=[2, 4, 1], when=earlier
    )
    action = make_action(team, framework, member, key_metric="lead_time")
    with_baseline_metric(action, 24.0, "24 h", 2, "change")
    action = move(action, member, "in_progress", "done")
    Action.objects.filter(pk=action.pk).update(done_at=timezone.now() - timedelta(days=40))
    action.refresh_from_db()
    submitted_assessment(team=team, framework=framework, user=member, scores=[3, 4, 1])
    found = verdict(action, timezone.now().date())
    assert found["state"] == "improved", found["words"]
    assert "too small a sample on one side to say; so the scores decide" in found["words"]


def test_not_enough_data_cannot_be_confirmed(team, framework, member):
    submitted_assessment(team=team, framework=framework, user=member, scores=[2, 4, 1])
    action = make_action(team, framework, member, key_metric="lead_time")
    with_baseline_metric(action, 24.0, "24 h", 9, "change")
    action = move(action, member, "in_progress", "done")  # done today: no 28 days yet
    submitted_assessment(team=team, framework=framework, user=member, scores=[3, 4, 1])
    assert verdict(action, timezone.now().date())["state"] == "not enough data"
    with pytest.raises(ActionRefused) as refused:
        move(action, member, "verified")
    assert "not enough data" in refused.value.errors["status"]
    assert Action.objects.get(pk=action.pk).status == "done"


def test_exactly_a_tenth_of_a_fraction_is_no_change():
    before, after = {"value": 0.30, "sample": 40}, {"value": 0.33, "sample": 40}
    assert _metric_verdict("change_failure_rate", before, after) == "no change"


def test_an_action_with_a_bare_baseline_renders(client, team, framework, member):
    action = Action.objects.create(
        team=team,
        framework=framework,
        title="Seeded",
        key_metric="lead_time",
        baseline={"scores": {}, "metric": None, "result": None},
    )
    client.force_login(member)
    page = client.get(reverse("assessments:action", args=[team.slug, action.pk]))
    assert page.status_code == 200 and "sent no delivery data" in page.content.decode()


def test_an_owner_who_left_is_not_dropped_unseen(client, team, framework, member, teammate):
    from teams.models import Membership

    action = make_action(team, framework, member, owner=teammate)
    Membership.objects.filter(team=team, user=teammate).delete()
    client.force_login(member)
    url = reverse("assessments:action_edit", args=[team.slug, action.pk])
    response = client.post(url, {"title": "Renamed", "owner": str(teammate.pk)})
    assert response.status_code == 400
    assert "not a member" in str(response.context["form"].errors["owner"])
    action.refresh_from_db()
    assert (action.title, action.owner) == ("Automate the deployment", teammate)


def test_one_click_on_a_recommendation_makes_the_action(
    client, dora, team, member, outsider, other_team
):
    from assessments.tests.test_results import dora_scores

    result = submitted_assessment(team=team, framework=dora, user=member, scores=dora_scores())
    url = reverse("assessments:action_from_recommendation", args=[team.slug])
    first = result.result["recommendations"][0]["question_id"]
    client.force_login(outsider)  # another team's member: not found, nothing made
    assert client.post(url, {"result": result.pk, "question": first}).status_code == 404
    client.force_login(member)
    page = client.get(reverse("assessments:results", args=[result.pk])).content.decode()
    assert f'action="{url}"' in page and f'name="question" value="{first}"' in page
    for bad in ({"result": result.pk, "question": "x"}, {"result": result.pk, "question": 10**30}):
        assert client.post(url, bad).status_code == 302
    assert not Action.objects.exists()
    assert client.post(url, {"result": "nope", "question": first}).status_code == 404
    response = client.post(url, {"result": result.pk, "question": first})
    action = Action.objects.get()
    assert response["Location"] == reverse("assessments:action", args=[team.slug, action.pk])
    assert (action.owner, action.source, action.status) == (member, result, "planned")
    assert [q.pk for q in action.questions.all()] == [first]
    assert client.get(url).status_code == 405


def test_the_action_pages_refuse_wrong_methods_and_cost_the_same_however_long_their_history(
    client, team, framework, member, django_assert_num_queries
):
    action = make_action(team, framework, member, owner=member)
    client.force_login(member)
    detail = reverse("assessments:action", args=[team.slug, action.pk])
    assert client.post(detail).status_code == 405
    assert (
        client.get(reverse("assessments:action_move", args=[team.slug, action.pk])).status_code
        == 405
    )
    assert (
        client.delete(reverse("assessments:action_edit", args=[team.slug, action.pk])).status_code
        == 405
    )
    # session, user, the team, the user's teams, the action, its questions, its history
    for statuses in ((), ("in_progress", "planned") * 5):
        action = move(action, member, *statuses)
        with django_assert_num_queries(7):
            client.get(detail)
