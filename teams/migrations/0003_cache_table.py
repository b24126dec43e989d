"""The table of Django's database cache, the default CACHE_URL (dbcache://dora_cache): the
API's request counts, shared by every worker. Django's own createcachetable makes it (and
makes nothing when CACHE_URL names another kind of cache)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("teams", "0002_token_revoked_because")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
