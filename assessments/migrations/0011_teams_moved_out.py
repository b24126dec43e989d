"""Teams and memberships now live in `teams` (teams 0001 took over their tables), and an
assessment belongs to teams.Team, which is the same table as before: no change to the
database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_no_triggers_no_team_revision"),
        ("delivery", "0004_teams_moved_out"),
        ("teams", "0001_teams_moved_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="team",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="assessments", to="teams.team"),
                ),
                migrations.RemoveField(model_name="team", name="members"),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Team"),
            ],
        ),
    ]
