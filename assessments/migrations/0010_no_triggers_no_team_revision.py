"""Pages no longer keep parts in a cache: the team revisions that keyed it, the triggers that
kept them and the stored answered_count go. Lists count answered questions as they read
them (AssessmentQuerySet.with_answered_count)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from assessments.migrations import _team_revision_triggers as triggers


def _user_table(apps) -> str:
    return apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table


def drop_triggers(apps, schema_editor):
    triggers.uninstall(schema_editor.connection, _user_table(apps))


def restore_triggers(apps, schema_editor):
    """Back to 0009: a revision for every team, the triggers, and exact counts."""
    TeamRevision = apps.get_model("assessments", "TeamRevision")
    Team = apps.get_model("assessments", "Team")
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    TeamRevision.objects.bulk_create(
        TeamRevision(team_id=pk, value=1) for pk in Team.objects.values_list("pk", flat=True)
    )
    answered = (
        Answer.objects.filter(assessment=OuterRef("pk"))
        .filter(Q(score__isnull=False) | Q(not_applicable=True))
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Assessment.objects.update(answered_count=Coalesce(Subquery(answered), Value(0)))
    triggers.install(schema_editor.connection, _user_table(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_delivery_performance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Reversed last: the revisions' table and the counts exist again before it runs.
        migrations.RunPython(migrations.RunPython.noop, restore_triggers),
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="TeamRevision"),
        migrations.RemoveField(model_name="assessment", name="answered_count"),
    ]
