"""The documented backup and restore: dumpdata of the whole site into a fresh database."""

import json

import pytest
from django.core.management import call_command

from assessments.models import Answer, Assessment
from assessments.services import AnswerInput, answers_save, assessment_start
from assessments.tests.make import (
    answer,
    make_assessment,
    make_team,
    make_user,
    questions_of,
    submitted_assessment,
)
from dora_site.tests.test_settings import manage

pytestmark = pytest.mark.django_db

# The same command as in the README's "Backup and restore".
DUMP_EXCLUDES = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def test_a_backup_restores_into_a_fresh_database_with_identical_results(dora, tmp_path):
    call_command("loaddata", "calms", verbosity=0)
    users = [make_user(name) for name in ("ann", "ben")]
    team = make_team("Platform", members=users)
    first = submitted_assessment(
        team=team, framework=dora, user=users[0], scores=[2] * 20 + [None] * 5
    )
    answer(
        first,
        questions_of(dora)[0],
        2,
        notes="Ünïcödé notes, with commas\nand lines",
        user=users[1],
    )
    submitted_assessment(team=team, framework=dora, user=users[1], scores=[4] * 25)
    make_assessment(team=team, framework=dora, user=users[0], title="Draft in progress")
    # A draft answered each on one's own: a respondent's own answer is in the backup too.
    each = assessment_start(user=users[0], team=team, framework=dora, mode="each")
    answers_save(
        assessment=each,
        user=users[1],
        respondent=users[1],
        changes=[AnswerInput(questions_of(dora)[0].pk, 3, False, "", "ben's own", 0)],
    )

    backup = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        "--all",
        "--natural-foreign",
        *[f"--exclude={label}" for label in DUMP_EXCLUDES],
        output=str(backup),
        verbosity=0,
    )

    fresh = {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}", "DEBUG": "1"}
    assert manage("migrate", "--noinput", **fresh).returncode == 0
    restore = manage("loaddata", str(backup), **fresh)
    assert restore.returncode == 0, restore.stderr
    read = manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from assessments.models import Assessment as A;"
        "print(json.dumps([[a.title, a.team.name, a.status, a.overall_percent, a.maturity_level,"
        " a.result, sorted([[x.question.topic, x.score, x.not_applicable, x.notes] for x in a.answers.all()])]"
        " for a in A.objects.order_by('created_at', 'pk')]))",
        **fresh,
    )
    assert read.returncode == 0, read.stderr
    restored = json.loads(read.stdout.strip().splitlines()[-1])

    original = [
        [
            a.title,
            a.team.name,
            a.status,
            a.overall_percent,
            a.maturity_level,
            a.result,
            sorted(
                [[x.question.topic, x.score, x.not_applicable, x.notes] for x in a.answers.all()]
            ),
        ]
        for a in Assessment.objects.order_by("created_at", "pk")
    ]
    # A backup keeps primary keys, so the stored results' references to questions and
    # domains stay true in the restored database.
    assert restored == original
    own = manage(
        "shell",
        "--no-imports",
        "-c",
        "from assessments.models import Answer; "
        "print(list(Answer.personal.filter(respondent__isnull=False).values_list('notes', "
        "'respondent__username')))",
        **fresh,
    )
    assert own.stdout.strip().splitlines()[-1] == repr([("ben's own", "ben")])
    assert Answer.personal.filter(respondent__isnull=False).count() == 1
    users_check = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.models import User; print(User.objects.count())",
        **fresh,
    )
    assert users_check.stdout.strip().splitlines()[-1] == "2"
