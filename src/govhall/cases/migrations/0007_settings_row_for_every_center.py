"""Each centre has its CaseSettings row from its creation on (`core.settings_rows`); the
centres made before get theirs with the defaults, as reading them no longer creates it."""

from django.db import migrations

from govhall.core.settings_rows import rows_for_existing_centers


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_encrypt_existing_personal_numbers")]

    operations = [rows_for_existing_centers("cases", "CaseSettings")]
