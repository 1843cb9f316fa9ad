"""Encryption at rest for the values the database must hold but never show (the exchange's
signing secrets, citizens' phones and ID numbers): Fernet (AES-128-CBC + HMAC-SHA256) under keys
kept outside the database (``GOVHALL_FIELD_KEY`` or var/field_key, see
settings.FIELD_ENCRYPTION_KEYS).

Encrypted values cannot be searched (each encryption differs), so a personal number that is
looked up or must be unique has a companion `KeyedHashField`: HMAC-SHA256 of the value under a
second key outside the database (``GOVHALL_HASH_KEY`` or var/hash_key, settings.FIELD_HASH_KEY).
Without the key the hash cannot be tested against the few billion possible phones or IDs.
"""

import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip()) for key in settings.FIELD_ENCRYPTION_KEYS])
    except ValueError as exc:
        raise ImproperlyConfigured("GOVHALL_FIELD_KEY is not a list of Fernet keys.") from exc


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text; ImproperlyConfigured when none of the configured keys opens it."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field cannot be read with GOVHALL_FIELD_KEY: the key changed?"
        ) from exc


class _EmptyOnlyExact(Exact):
    """``field=""`` on an encrypted field; any other value would be compared with ciphertext and
    never match, so it is refused loudly (search the field's keyed hash instead)."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: look it up through its keyed hash."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; the empty string stays empty (nothing to hide, and `exclude(x="")`
    keeps working). Not searchable: only ``x=""`` and ``x__isnull`` are allowed as lookups."""

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of `value` (hex) under the hash key; the empty string stays empty."""
    if not value:
        return ""
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class KeyedHashField(models.CharField):
    """The `keyed_hash` of another field of the same model (`source`), for lookups and unique
    constraints on an encrypted value. Set on every save and ``bulk_create`` (``pre_save``); a
    writer that bypasses both (``update``, ``bulk_update``, COPY) sets it with `keyed_hash`."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = keyed_hash(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


_FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte and a 2020s timestamp)
_MIGRATION_BATCH = 2000


def encrypt_existing_rows(
    schema_editor: Any, model: type[models.Model], pairs: list[tuple[str, str]], *, reverse: bool
) -> None:
    """For data migrations: encrypt each plain value column of `pairs` (value, hash column) in
    the table of `model` (a historical model from ``apps``) and fill its hash; `reverse`: decrypt
    and empty the hash. A value already encrypted is read first, so it can run twice."""
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    values = [qn(value) for value, _hash in pairs]
    sets = ", ".join(f"{qn(value)} = %s, {qn(hashed)} = %s" for value, hashed in pairs)
    last = None
    with connection.cursor() as cursor:
        while True:
            after = "" if last is None else f"WHERE {pk} > %s "
            cursor.execute(
                f"SELECT {pk}, {', '.join(values)} FROM {table} {after}ORDER BY {pk} "
                f"LIMIT {_MIGRATION_BATCH}",
                [] if last is None else [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            updates = []
            for key, *texts in rows:
                new: list[str] = []
                for text in texts:
                    plain = decrypt(text) if (text or "").startswith(_FERNET_PREFIX) else text
                    plain = plain or ""
                    if reverse:
                        new += [plain, ""]
                    else:
                        new += [encrypt(plain) if plain else "", keyed_hash(plain)]
                updates.append([*new, key])
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", updates)
            last = rows[-1][0]
