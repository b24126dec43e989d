"""Teams, memberships and team tokens move here from `assessments` and `delivery`, with
their tables and every row: only Django's idea of where they live changes (the state), and
the content types follow, so the permissions given on them (the organisation viewer's
`view_all_teams` above all) and the admin's history stay attached."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

MOVED = [("assessments", "team"), ("assessments", "membership"), ("delivery", "teamtoken")]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for app_label, model in MOVED:
        if not types.filter(app_label="teams", model=model).exists():
            types.filter(app_label=app_label, model=model).update(app_label="teams")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for app_label, model in MOVED:
        if not types.filter(app_label=app_label, model=model).exists():
            types.filter(app_label="teams", model=model).update(app_label=app_label)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assessments", "0010_no_triggers_no_team_revision"),
        ("delivery", "0003_receipts"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("joined_at", models.DateTimeField(auto_now_add=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "assessments_membership",
                        "ordering": ["team_id", "user_id"],
                    },
                ),
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120, unique=True)),
                        ("slug", models.SlugField(max_length=60, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("members", models.ManyToManyField(blank=True, related_name="teams", through="teams.Membership", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "assessments_team",
                        "ordering": ["name"],
                        "permissions": [("view_all_teams", "Can read every team's assessments, results and overview (organisation viewer)")],
                    },
                ),
                migrations.AddField(
                    model_name="membership",
                    name="team",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="teams.team"),
                ),
                migrations.CreateModel(
                    name="TeamToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="What uses it, such as 'GitHub Actions'.", max_length=100)),
                        ("prefix", models.CharField(editable=False, max_length=8)),
                        ("digest", models.CharField(editable=False, max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("team", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="tokens", to="teams.team")),
                    ],
                    options={
                        "db_table": "delivery_teamtoken",
                        "ordering": ["team_id", "-created_at"],
                    },
                ),
                migrations.AddIndex(
                    model_name="team",
                    index=models.Index(django.db.models.functions.text.Lower("name"), name="team_name_lower"),
                ),
                migrations.AddConstraint(
                    model_name="membership",
                    constraint=models.UniqueConstraint(fields=("team", "user"), name="membership_unique"),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
