"""The team revision, the change token of cached page parts, moves on every write to what
a team's pages show, by whatever path; and the token of "every team" never repeats for
different data."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from assessments.models import (
    Answer,
    Assessment,
    Membership,
    Team,
    TeamRevision,
    all_teams_token,
)
from assessments.services import (
    AnswerInput,
    answers_save,
    assessment_start,
    assessment_submit,
)
from assessments.tests.make import (
    answer,
    answer_all,
    make_assessment,
    make_team,
    make_user,
    questions_of,
)
from frameworks.models import Framework, Question

pytestmark = pytest.mark.django_db


def revision(team) -> int:
    return TeamRevision.objects.get(team=team).value


def moves(team, write) -> bool:
    before = revision(team)
    write()
    return revision(team) > before


def test_a_new_team_starts_with_a_revision(db):
    team = Team.objects.create(name="Fresh", slug="fresh")
    assert revision(team) == 1
    Team.objects.bulk_create([Team(name="Bulk", slug="bulk")])
    assert revision(Team.objects.get(slug="bulk")) == 1


def test_every_write_to_a_teams_data_moves_its_revision(team, other_team, framework, member):
    draft = make_assessment(team=team, framework=framework, user=member)
    question = questions_of(framework)[0]
    writes = {
        "start": lambda: assessment_start(user=member, team=team, framework=framework),
        "answer by hand": lambda: answer(draft, question, 2),
        "answers_save": lambda: answers_save(
            assessment=draft,
            user=member,
            changes=[
                AnswerInput(
                    question.id,
                    4,
                    False,
                    "",
                    "",
                    Answer.objects.get(assessment=draft, question=question).version,
                )
            ],
        ),
        "answer update()": lambda: Answer.objects.filter(assessment=draft).update(notes="x"),
        "answer delete": lambda: Answer.objects.filter(assessment=draft).delete(),
        "assessment update()": lambda: Assessment.objects.filter(pk=draft.pk).update(title="T"),
        "assessment save": lambda: Assessment.objects.get(pk=draft.pk).save(),
        "team rename": lambda: Team.objects.filter(pk=team.pk).update(name="Renamed"),
        "team save": lambda: Team.objects.get(pk=team.pk).save(),
        "member joins": lambda: Membership.objects.create(team=team, user=make_user("newbie")),
        "member leaves": lambda: Membership.objects.filter(
            team=team, user__username="newbie"
        ).delete(),
        "member renamed": lambda: (
            get_user_model().objects.filter(pk=member.pk).update(first_name="Mia")
        ),
        "framework changed": lambda: Question.objects.filter(pk=question.pk).update(text="New?"),
        "framework unpublished": lambda: Framework.objects.filter(pk=framework.pk).update(
            is_published=False
        ),
    }
    for name, write in writes.items():
        assert moves(team, write), name


def test_a_submit_moves_the_revision_and_other_teams_stay(team, other_team, framework, member):
    draft = make_assessment(team=team, framework=framework, user=member)
    answer_all(draft, 3)
    others = revision(other_team)
    assert moves(team, lambda: assessment_submit(assessment=draft, user=member))
    assert revision(other_team) == others


def test_writes_that_pages_do_not_show_leave_revisions_alone(team, member):
    before = revision(team)
    get_user_model().objects.filter(pk=member.pk).update(last_login="2026-01-01T00:00:00Z")
    assert revision(team) == before


def test_loaddata_moves_revisions_through_the_frameworks_it_writes(team):
    before = revision(team)
    call_command("loaddata", "dora", verbosity=0)
    assert revision(team) > before


def test_the_token_of_every_team_never_repeats_for_different_data(db):
    """Random creations, changes and deletions of teams: equal tokens only ever stand for
    equal data (the teams, their names and revisions)."""
    rng = random.Random(7)
    seen: dict[tuple, tuple] = {}
    names = iter(f"Team {n}" for n in range(10_000))
    for _ in range(120):
        teams = list(Team.objects.order_by("pk"))
        action = rng.random()
        if action < 0.3 or not teams:
            name = next(names)
            Team.objects.create(name=name, slug=name.replace(" ", "-").lower())
        elif action < 0.55:
            rng.choice(teams).delete()
        else:
            team = rng.choice(teams)
            Team.objects.filter(pk=team.pk).update(name=next(names))
        token = all_teams_token()
        data = tuple(Team.objects.order_by("pk").values_list("pk", "name", "revision__value"))
        assert seen.setdefault(token, data) == data


def test_the_triggers_are_in_the_database(db):
    names = trigger_names()
    assert len(names) == 15, sorted(names)


def trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        # Reading the schema has no ORM form.
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'dora_rev_%%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dora_rev_%'"
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_every_migrate_puts_back_a_trigger_that_a_migration_dropped_and_moves_revisions():
    from assessments import triggers

    team = make_team("Kept")
    user_table = get_user_model()._meta.db_table
    triggers.uninstall(connection, user_table)  # as SQLite's rebuild of a table does
    assert not trigger_names()
    before = revision(team)
    call_command("migrate", verbosity=0)
    assert len(trigger_names()) == 15
    assert revision(team) > before


def test_no_two_viewers_share_a_cached_part(team, member, teammate):
    from assessments.fragments import part_key

    token = ("team", team.pk, revision(team))
    assert part_key("team", viewer=member, token=token, params=()) != part_key(
        "team", viewer=teammate, token=token, params=()
    )
    assert part_key("team", viewer=member, token=token, params=()) != part_key(
        "team", viewer=member, token=("team", team.pk, revision(team) + 1), params=()
    )


def test_the_answered_count_follows_every_write_to_answers(team, framework, member):
    draft = make_assessment(team=team, framework=framework, user=member)
    first, second, third = questions_of(framework)

    def count():
        return Assessment.objects.get(pk=draft.pk).answered_count

    Answer.objects.create(assessment=draft, question=first, score=2, updated_at=draft.updated_at)
    Answer.objects.bulk_create(
        [
            Answer(assessment=draft, question=second, updated_at=draft.updated_at),  # notes only
            Answer(
                assessment=draft,
                question=third,
                not_applicable=True,
                not_applicable_reason="No such thing here",
                updated_at=draft.updated_at,
            ),
        ]
    )
    assert count() == 2
    Answer.objects.filter(assessment=draft, question=second).update(score=0)
    assert count() == 3
    Answer.objects.filter(assessment=draft, question=first).update(score=None)
    assert count() == 2
    Answer.objects.filter(assessment=draft, question=third).delete()
    assert count() == 1
    assert count() == Answer.objects.filter(assessment=draft).answered().count()
