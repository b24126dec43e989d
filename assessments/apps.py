from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_revision_triggers(sender, using, apps=None, **kwargs):
    """After every migrate: install the triggers that a migration dropped (SQLite rebuilds a
    table to alter it, and its triggers go with it), count every assessment's answered
    questions again and move every team's revision, since a migration may have changed any
    data."""
    from django.conf import settings
    from django.db import connections
    from django.db.models import Count, F, OuterRef, Q, Subquery, Value
    from django.db.models.functions import Coalesce

    from . import triggers

    if apps is None:  # flush (TransactionTestCase teardown) sends no migration state
        from django.apps import apps

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "assessments_teamrevision" not in tables:
        return  # migrated back before the revisions, or not at all
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    triggers.install(connection, user_table)
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    answered = (
        Answer.objects.using(using)
        .filter(assessment=OuterRef("pk"))
        .filter(Q(score__isnull=False) | Q(not_applicable=True))
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Assessment.objects.using(using).update(answered_count=Coalesce(Subquery(answered), Value(0)))
    apps.get_model("assessments", "TeamRevision").objects.using(using).update(value=F("value") + 1)


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"

    def ready(self):
        post_migrate.connect(
            _keep_revision_triggers, sender=self, dispatch_uid="assessments.revision_triggers"
        )
