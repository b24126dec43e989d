"""Each change's derived shipped_at and lead_time (models.Change), filled in for the rows
already stored, and the indexes the metrics' aggregate queries read: changes in lead-time
order, deployments with what their counts need."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def ship(apps, schema_editor):
    """As services._ship does, for every change at once."""
    Change = apps.get_model("delivery", "Change")
    Deployment = apps.get_model("delivery", "Deployment")
    shipping = Deployment.objects.filter(
        team=OuterRef("team"),
        external_id=OuterRef("deployment_id"),
        environment="production",
        status="success",
    ).values("finished_at")[:1]
    Change.objects.update(shipped_at=Subquery(shipping))
    Change.objects.update(lead_time=F("shipped_at") - F("committed_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('delivery', '0004_teams_moved_out'),
        ('teams', '0001_teams_moved_here'),
    ]

    operations = [
        migrations.AddField(
            model_name='change',
            name='lead_time',
            field=models.DurationField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='change',
            name='shipped_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='change',
            index=models.Index(fields=['team', 'lead_time', 'shipped_at'], name='change_lead_time'),
        ),
        migrations.RemoveIndex(model_name='deployment', name='deployment_window'),
        migrations.AddIndex(
            model_name='deployment',
            index=models.Index(fields=['team', 'environment', 'finished_at', 'status', 'rework'], name='deployment_window'),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(fields=['team', 'resolved_at'], name='incident_resolved'),
        ),
        migrations.RunPython(ship, migrations.RunPython.noop),
    ]
