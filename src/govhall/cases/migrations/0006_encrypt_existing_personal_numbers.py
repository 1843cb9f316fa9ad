"""Encrypt the phones and ID numbers already stored and fill their keyed hashes."""

from django.db import migrations

from govhall.core.crypto import encrypt_existing_rows

PAIRS = [("phone", "phone_hash"), ("id_number", "id_number_hash")]
MODELS = ("Case", "HistoricalCase")


def forward(apps, schema_editor):
    for name in MODELS:
        encrypt_existing_rows(schema_editor, apps.get_model("cases", name), PAIRS, reverse=False)


def backward(apps, schema_editor):
    for name in MODELS:
        encrypt_existing_rows(schema_editor, apps.get_model("cases", name), PAIRS, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_encrypted_personal_numbers")]

    operations = [migrations.RunPython(forward, backward)]
