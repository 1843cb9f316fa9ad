"""Encrypt the phones of the SMS outbox and of the opt-outs already stored and fill their keyed
hashes."""

from django.db import migrations

from govhall.core.crypto import encrypt_existing_rows

PAIRS = [("phone", "phone_hash")]
MODELS = ("Notification", "OptOut")


def forward(apps, schema_editor):
    for name in MODELS:
        encrypt_existing_rows(schema_editor, apps.get_model("notify", name), PAIRS, reverse=False)


def backward(apps, schema_editor):
    for name in MODELS:
        encrypt_existing_rows(schema_editor, apps.get_model("notify", name), PAIRS, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("notify", "0002_encrypted_personal_numbers")]

    operations = [migrations.RunPython(forward, backward)]
