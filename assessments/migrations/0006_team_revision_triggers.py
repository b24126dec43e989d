"""The team revisions (assessments.TeamRevision) and the database triggers that keep them
(assessments/triggers.py, installed again after every migrate: see apps.py)."""

from django.conf import settings
from django.db import migrations, models

# The trigger statements as they were when this migration landed (they now live only here).
from assessments.migrations import _team_revision_triggers as triggers

def _user_table(apps) -> str:
    return apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table


def create_triggers(apps, schema_editor):
    TeamRevision = apps.get_model("assessments", "TeamRevision")
    Team = apps.get_model("assessments", "Team")
    TeamRevision.objects.bulk_create(
        TeamRevision(team_id=pk, value=1) for pk in Team.objects.values_list("pk", flat=True)
    )
    triggers.install(schema_editor.connection, _user_table(apps))


def drop_triggers(apps, schema_editor):
    triggers.uninstall(schema_editor.connection, _user_table(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_assessment_is_latest"),
        ("frameworks", "0003_content_managers_in_migrations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TeamRevision",
            fields=[
                (
                    "team",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="revision",
                        serialize=False,
                        to="assessments.team",
                    ),
                ),
                ("value", models.BigIntegerField(default=1, editable=False)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
