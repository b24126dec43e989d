"""Everything bin/run does before it serves, in one process, skipping what has not changed.

1. Migrate, when a migration is pending.
2. Frameworks: an empty database gets the shipped ones (`loaddata`); otherwise the report of
   how the shipped ones differ from this database (`shipped_frameworks`), which loads each
   fixture in a rolled-back transaction and so takes a while: it is skipped when neither
   the fixtures nor this database's frameworks (their content and publication) changed
   since the last report (`.run-stamp`, beside manage.py, git-ignored).
3. The integrity check of the published frameworks (`validate_frameworks --published`).
4. The demo logins (`demo_setup`), unless this database is not a demo's: then one line says
   why and the site is served all the same.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from assessments.management.commands.demo_setup import Command as DemoSetup
from frameworks.documents import export_document
from frameworks.management.commands.shipped_frameworks import FIXTURES
from frameworks.models import Framework
from frameworks.tree import load_tree

STAMP = Path(settings.BASE_DIR) / ".run-stamp"


def _pending_migrations() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def frameworks_stamp() -> str:
    """What the shipped-frameworks report depends on: the fixtures' bytes, this database and
    the content of its frameworks as an export would write it (reading is quick; loading
    every fixture to compare is what takes the time)."""
    digest = hashlib.sha256(str(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]).encode())
    for path in sorted(FIXTURES.glob("*.json")):
        digest.update(path.name.encode() + path.read_bytes())
    for framework in Framework.objects.order_by("pk"):
        content = [framework.pk, framework.is_published, export_document(load_tree(framework))]
        digest.update(json.dumps(content, sort_keys=True, default=str).encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Prepare the local site before bin/run serves it: migrate, load or compare the "
        "shipped frameworks, check them and create the demo logins where they belong."
    )

    def handle(self, *args, **options):
        if _pending_migrations():
            call_command("migrate", interactive=False, stdout=self.stdout)
        else:
            self.stdout.write("Database: up to date.")
        if not Framework.objects.exists():
            call_command("loaddata", "dora", "calms", "mvp", stdout=self.stdout)
            STAMP.write_text(frameworks_stamp())
        elif STAMP.exists() and STAMP.read_text() == frameworks_stamp():
            self.stdout.write(
                "Shipped frameworks: nothing changed here or in fixtures/ since the last "
                "report (manage.py shipped_frameworks shows it again)."
            )
        else:
            call_command("shipped_frameworks", stdout=self.stdout)
            self.stdout.write(
                "Shipped frameworks are applied only on request "
                "(manage.py shipped_frameworks --help)."
            )
            STAMP.write_text(frameworks_stamp())
        call_command("validate_frameworks", published=True, stdout=self.stdout)
        refusal = DemoSetup.refusal(get_user_model())
        if refusal:
            self.stdout.write(
                f"Demo logins: not created, because {refusal}; sign in with your own login "
                "(manage.py createsuperuser makes one)."
            )
        else:
            call_command("demo_setup", stdout=self.stdout)
