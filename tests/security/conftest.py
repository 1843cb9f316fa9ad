import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The matrix logs in eight principals per route; PBKDF2 would make that minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
