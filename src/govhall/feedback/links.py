"""Signed rating links (一次一评): the token names the invitation and cannot be forged.

The token is ``django.core.signing`` of the invitation id with a salt of its own; the expiry and
the single use are kept on the invitation row, so the centre can change the validity and a used
link stays refused for ever.
"""

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse

from govhall.core.refs import sign_ref, unsign_ref

INVITATION_SALT = "govhall.feedback.invitation"


def sign_invitation(invitation_id: int) -> str:
    return sign_ref(invitation_id, salt=INVITATION_SALT)


def unsign_invitation(token: str) -> int | None:
    """The invitation id inside `token`, or None when the token was not signed by us."""
    return unsign_ref(token, salt=INVITATION_SALT)


def rating_path(invitation_id: int) -> str:
    return reverse("feedback:rate", args=[sign_invitation(invitation_id)])


def rating_url(invitation_id: int) -> str:
    return settings.GOVHALL_SITE_URL.rstrip("/") + rating_path(invitation_id)


def new_device_token() -> tuple[str, str]:
    """A random pad token and the digest stored in place of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_device_token(token)


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# No 0/O, 1/I/L: a code read off one screen and typed on another. 31 ** 8 ≈ 8.5e11 codes.
PAIRING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAIRING_CODE_LENGTH = 8


def new_pairing_code() -> str:
    return "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_CODE_LENGTH))


def normalise_pairing_code(code: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -")
