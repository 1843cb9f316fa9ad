"""The database cache's table (rate limits shared by every worker), created by `migrate` so a
county box needs no extra step; nothing to do where the cache is Redis."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_security_events_and_password_age")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
