import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created per test; the production hasher would make the suite slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
