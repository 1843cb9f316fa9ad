"""Each centre has its AttendanceSettings row from its creation on (`core.settings_rows`); the
centres made before get theirs with the defaults, as reading them no longer creates it."""

from django.db import migrations

from govhall.core.settings_rows import rows_for_existing_centers


class Migration(migrations.Migration):
    dependencies = [("attendance", "0003_evidence_in_private_storage")]

    operations = [rows_for_existing_centers("attendance", "AttendanceSettings")]
