"""Encrypt the raters' and complainants' phones already stored and fill their keyed hashes."""

from django.db import migrations

from govhall.core.crypto import encrypt_existing_rows

PAIRS = {
    "Invitation": [("rater_phone", "rater_phone_hash")],
    "Evaluation": [("rater_phone", "rater_phone_hash")],
    "Complaint": [("complainant_phone", "complainant_phone_hash")],
    "HistoricalComplaint": [("complainant_phone", "complainant_phone_hash")],
}


def forward(apps, schema_editor):
    for name, pairs in PAIRS.items():
        encrypt_existing_rows(schema_editor, apps.get_model("feedback", name), pairs, reverse=False)


def backward(apps, schema_editor):
    for name, pairs in PAIRS.items():
        encrypt_existing_rows(schema_editor, apps.get_model("feedback", name), pairs, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0005_encrypted_personal_numbers")]

    operations = [migrations.RunPython(forward, backward)]
