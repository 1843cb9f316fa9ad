import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded forms and samples go to a temporary directory; passwords hash fast."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT
