"""The organisation viewer's permission, and for every existing staff user that permission,
so that nobody loses what they could read when `is_staff` stopped meaning "sees every team"."""

from django.conf import settings
from django.db import migrations

CODENAME = "view_all_teams"
NAME = "Can read every team's assessments, results and overview (organisation viewer)"


def give_staff_the_viewer_permission(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    # Permissions are otherwise created after the last migration (post_migrate); this one
    # is needed now.
    team_type, _ = ContentType.objects.db_manager(db).get_or_create(
        app_label="assessments", model="team"
    )
    permission, _ = Permission.objects.db_manager(db).get_or_create(
        content_type=team_type, codename=CODENAME, defaults={"name": NAME}
    )
    staff = User.objects.using(db).filter(is_staff=True, is_superuser=False)
    permission.user_set.add(*staff)


def take_it_back(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="assessments", codename=CODENAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_latest_by_framework_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="team",
            options={
                "ordering": ["name"],
                "permissions": [("view_all_teams", NAME)],
            },
        ),
        migrations.RunPython(give_staff_the_viewer_permission, take_it_back),
    ]
