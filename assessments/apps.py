from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_revision_triggers(sender, using, **kwargs):
    """After every migrate: install the triggers that a migration dropped (SQLite rebuilds a
    table to alter it, and its triggers go with it), count every assessment's answered
    questions again and move every team's revision, since a migration may have changed any
    data."""
    from django.conf import settings
    from django.db import connections

    from . import triggers

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "assessments_teamrevision" not in tables:
        return  # migrated back before the revisions, or not at all
    user_table = sender.apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    triggers.install(connection, user_table)
    triggers.recount_answered(connection)
    triggers.move_every_revision(connection)


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"

    def ready(self):
        post_migrate.connect(
            _keep_revision_triggers, sender=self, dispatch_uid="assessments.revision_triggers"
        )
