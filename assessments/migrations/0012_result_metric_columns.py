"""Each stored result's key-metric levels and its count of disagreements with the team's
data, kept as columns beside it (as its score and levels are) for the overview to list
without reading the whole document; filled in from the documents already stored."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    submitted = Assessment.objects.exclude(result=None).only("result").order_by("pk")
    batch = []
    for assessment in submitted.iterator(chunk_size=500):
        document = assessment.result
        assessment.metric_levels = [
            [m["name"], m["performance_level"]] for m in document.get("metrics") or ()
        ]
        assessment.measured_disagreements = (document.get("measured") or {}).get("disagreements")
        batch.append(assessment)
        if len(batch) == 500:
            Assessment.objects.bulk_update(batch, ["metric_levels", "measured_disagreements"])
            batch = []
    Assessment.objects.bulk_update(batch, ["metric_levels", "measured_disagreements"])


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0011_teams_moved_out'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessment',
            name='measured_disagreements',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='assessment',
            name='metric_levels',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
