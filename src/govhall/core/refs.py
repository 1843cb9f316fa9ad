"""Signed references to one record, for links handed to a citizen (a QR code on a receipt).

``django.core.signing`` of the record's id with a salt per kind of link: the project's
``SECRET_KEY`` signs it, so a reference cannot be forged or turned into another record's.
"""

from django.core import signing


def sign_ref(pk: int, *, salt: str) -> str:
    return signing.dumps(pk, salt=salt)


def unsign_ref(token: str, *, salt: str) -> int | None:
    """The id inside `token`, or None when the token was not signed by us with `salt`."""
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


CASE_RATING_SALT = "govhall.rate.case"
