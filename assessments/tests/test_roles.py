"""Roles on Django's permission system, each tried against every page, download and write.

- Team member: reads and writes their own teams' assessments.
- Organisation viewer (`teams.view_all_teams`, here through a group): reads every
  team, writes nothing of a team it is not in.
- Framework editor: staff with model permissions on frameworks; the admin's actions ask
  for the permission they need.
- Staff with no permission on teams: the admin, and nothing of any team's data.
- Superuser: everything in the admin; on the site, reads every team and writes no team's
  answers but those of its own teams.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.tests.make import (
    answer,
    make_assessment,
    make_user,
    questions_of,
)
from assessments.tests.test_isolation import reads, try_to_save
from frameworks.models import Framework

pytestmark = pytest.mark.django_db


def permissions(*names):
    found = []
    for name in names:
        app, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app, codename=codename))
    return found


@pytest.fixture
def viewer(db):
    """An organisation viewer, not staff, holding the permission through a group."""
    group = Group.objects.create(name="Organisation viewers")
    group.permissions.add(*permissions("teams.view_all_teams"))
    user = make_user("vera")
    user.groups.add(group)
    return user


@pytest.fixture
def staff_only(db):
    """Staff who may only look at frameworks in the admin."""
    user = make_user("stan", is_staff=True)
    user.user_permissions.add(*permissions("frameworks.view_framework"))
    return user


@pytest.fixture
def editor(db):
    user = make_user("edie", is_staff=True)
    user.user_permissions.add(
        *permissions(
            "frameworks.view_framework", "frameworks.change_framework", "frameworks.add_framework"
        )
    )
    return user


@pytest.fixture
def superuser(db):
    return make_user("sue", is_staff=True, is_superuser=True)


def lists_and_downloads():
    return [
        reverse("assessments:dashboard"),
        reverse("assessments:team_list"),
        reverse("assessments:overview"),
        reverse("assessments:overview_csv"),
        reverse("assessments:compare"),
    ]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("role", ["viewer", "superuser"])
def test_those_who_see_every_team_read_all_of_it(client, request, world, team, role):
    client.force_login(request.getfixturevalue(role))
    for url in reads(world, team):
        assert client.get(url, follow=True).status_code == 200, url
    for url in lists_and_downloads():
        response = client.get(url)
        assert response.status_code == 200, url
        if "compare" not in url:
            assert "Team A" in body(response), url


@pytest.mark.parametrize("role", ["viewer", "superuser", "staff_only", "editor"])
def test_nobody_but_members_writes_a_teams_answers(client, request, world, team, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    sees = user.has_perm("teams.view_all_teams")
    draft = world["draft"]
    assert try_to_save(client, draft) == (403 if sees else 404)
    questions = questions_of(draft.framework)
    for question in questions:
        answer(draft, question, 1)
    submit = client.post(reverse("assessments:submit", args=[draft.pk]))
    assert submit.status_code == (403 if sees else 404)
    started = client.post(
        reverse("assessments:start"), {"framework": draft.framework.pk, "team": team.pk}
    )
    assert started.status_code == 200  # the form again, with its message
    draft.refresh_from_db()
    assert draft.is_draft
    assert set(Answer.objects.filter(assessment=draft).values_list("score", flat=True)) == {1}
    assert not Answer.objects.filter(updated_by=user).exists()
    assert Assessment.objects.filter(team=team).count() == 3


@pytest.mark.parametrize("role", ["staff_only", "editor"])
def test_staff_status_alone_shows_nothing_of_the_teams(client, request, world, team, role):
    client.force_login(request.getfixturevalue(role))
    for url in reads(world, team):
        assert client.get(url).status_code == 404, url
    for url in lists_and_downloads():
        assert "Team A" not in body(client.get(url)), url


def test_a_member_who_is_a_superuser_writes_their_own_team_only(
    client, superuser, world, team, other_team, framework
):
    team.memberships.create(user=superuser)
    client.force_login(superuser)
    assert try_to_save(client, world["draft"]) == 302
    theirs = make_assessment(team=other_team, framework=framework, title="Theirs")
    assert try_to_save(client, theirs) == 403
    assert not Answer.objects.filter(assessment=theirs).exists()


def run_action(client, action, framework):
    return client.post(
        reverse("admin:frameworks_framework_changelist"),
        # "confirmed": the answer to the page that asks before unpublishing
        {"action": action, "_selected_action": [framework.pk], "index": 0, "confirmed": "yes"},
    )


def test_view_only_staff_can_neither_publish_nor_unpublish(client, staff_only, framework):
    client.force_login(staff_only)
    assert client.get(reverse("admin:frameworks_framework_changelist")).status_code == 200
    run_action(client, "unpublish", framework)
    assert Framework.objects.get(pk=framework.pk).is_published
    Framework.objects.filter(pk=framework.pk).update(is_published=False)
    run_action(client, "publish", framework)
    assert not Framework.objects.get(pk=framework.pk).is_published
    # What the view permission does allow: reading and exporting.
    page = client.get(reverse("admin:frameworks_framework_changelist")).content.decode()
    assert 'value="export"' in page and 'value="publish"' not in page
    exported = run_action(client, "export", framework)
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/json")
    for name in ("import", "new_version"):
        args = [] if name == "import" else [framework.pk]
        url = reverse(f"admin:frameworks_framework_{name}", args=args)
        assert client.get(url).status_code == 403, name


def test_a_framework_editor_publishes_and_unpublishes(client, editor, framework):
    client.force_login(editor)
    run_action(client, "unpublish", framework)
    assert not Framework.objects.get(pk=framework.pk).is_published
    run_action(client, "publish", framework)
    assert Framework.objects.get(pk=framework.pk).is_published
    url = reverse("admin:frameworks_framework_new_version", args=[framework.pk])
    assert client.get(url).status_code == 200


def test_drafts_of_frameworks_show_on_the_site_only_to_those_who_may_read_them(
    client, member, editor, framework
):
    Framework.objects.filter(pk=framework.pk).update(is_published=False)
    detail = reverse("frameworks:detail", args=[framework.slug, framework.version])
    client.force_login(member)
    assert client.get(detail).status_code == 404
    client.force_login(editor)
    assert client.get(detail).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_staff_the_viewer_permission():
    executor = MigrationExecutor(connection)
    before = [("assessments", "0007_latest_by_framework_index")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    User = old_apps.get_model("auth", "User")
    User.objects.create(username="old-staff", is_staff=True)
    User.objects.create(username="old-member")
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0)  # as a deploy runs it: post_migrate included
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert users.get(username="old-staff").has_perm("teams.view_all_teams")
    assert not users.get(username="old-member").has_perm("teams.view_all_teams")


def test_the_one_page_summary_follows_the_roles(client, dora, editor, superuser):
    from assessments.tests.make import make_team, make_viewer, submitted_assessment

    member = make_user("mel")
    team = make_team("Summaries", members=[member])
    assessment = submitted_assessment(team=team, framework=dora, user=member, scores=3)
    url = reverse("assessments:summary", args=[assessment.pk])
    for reader in (member, make_viewer("vic"), superuser):
        client.force_login(reader)
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
    client.force_login(editor)  # staff who edit frameworks read no team
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
