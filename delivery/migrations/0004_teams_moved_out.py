"""Team tokens now live in `teams` (teams 0001 took over their table), and delivery rows
belong to teams.Team, which is the same table as before: no change to the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0003_receipts"),
        ("teams", "0001_teams_moved_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name=name,
                    name="team",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name=related, to="teams.team"),
                )
                for name, related in (
                    ("change", "changes"),
                    ("deployment", "deployments"),
                    ("incident", "incidents"),
                    ("receipt", "receipts"),
                )
            ]
            + [migrations.DeleteModel(name="TeamToken")],
        ),
    ]
