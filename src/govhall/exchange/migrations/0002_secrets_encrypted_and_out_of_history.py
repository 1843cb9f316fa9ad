"""Signing secrets: encrypted at rest (core.crypto) and dropped from the history tables.

The columns become plain text first (a Fernet token is longer than the old 128 characters),
the stored secrets are encrypted in place, then the fields become encrypted fields (same
column type, so no schema change)."""

from django.db import migrations, models

import govhall.core.crypto


def encrypt_secrets(apps, schema_editor):
    for name in ("ExchangeSettings", "RemoteCenter"):
        model = apps.get_model("exchange", name)
        for pk, secret in model.objects.exclude(secret="").values_list("pk", "secret"):
            model.objects.filter(pk=pk).update(secret=govhall.core.crypto.encrypt(secret))


def decrypt_secrets(apps, schema_editor):
    for name in ("ExchangeSettings", "RemoteCenter"):
        model = apps.get_model("exchange", name)
        for pk, token in model.objects.exclude(secret="").values_list("pk", "secret"):
            model.objects.filter(pk=pk).update(secret=govhall.core.crypto.decrypt(token))


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="historicalexchangesettings", name="secret"),
        migrations.RemoveField(model_name="historicalremotecenter", name="secret"),
        migrations.AlterField(
            model_name="exchangesettings",
            name="secret",
            field=models.TextField(blank=True, verbose_name="签名密钥"),
        ),
        migrations.AlterField(
            model_name="remotecenter",
            name="secret",
            field=models.TextField(verbose_name="签名密钥"),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.AlterField(
            model_name="exchangesettings",
            name="secret",
            field=govhall.core.crypto.EncryptedTextField(blank=True, verbose_name="签名密钥"),
        ),
        migrations.AlterField(
            model_name="remotecenter",
            name="secret",
            field=govhall.core.crypto.EncryptedTextField(verbose_name="签名密钥"),
        ),
    ]
