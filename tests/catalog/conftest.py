import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded forms and samples go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
