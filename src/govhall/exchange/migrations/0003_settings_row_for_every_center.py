"""Each centre has its ExchangeSettings row from its creation on (`core.settings_rows`); the
centres made before get theirs with the defaults, as reading them no longer creates it."""

from django.db import migrations

from govhall.core.settings_rows import rows_for_existing_centers


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_secrets_encrypted_and_out_of_history")]

    operations = [rows_for_existing_centers("exchange", "ExchangeSettings")]
