"""Evidence uploads: refused unless an allowed type, kept privately under a random name, and
downloaded only by whoever may see the problem, as an attachment that browsers do not sniff."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.core.errors import ValidationFailed
from govhall.supervision import services
from govhall.supervision.models import ProblemEvidence

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def problem(clock, lead, unit, category):
    clock(dt.date(2018, 5, 12))
    return services.create_problem(
        actor=lead, unit=unit, category=category, description="无示范文本", measure="补充"
    )


def test_html_and_svg_evidence_is_refused(lead, problem):
    for name, content in (
        ("x.html", b"<script>alert(1)</script>"),
        ("x.svg", b"<svg onload=alert(1)>"),
    ):
        with pytest.raises(ValidationFailed):
            services.add_evidence(
                actor=lead, problem=problem, file=SimpleUploadedFile(name, content)
            )
    assert not ProblemEvidence.objects.exists()


def test_evidence_is_private_random_named_and_served_to_those_who_see_the_problem(
    client, settings, lead, other_lead, problem
):
    evidence = services.add_evidence(
        actor=lead, problem=problem, file=SimpleUploadedFile("张三身份证.png", PNG)
    )
    stored = settings.PRIVATE_MEDIA_ROOT / evidence.file.name
    assert stored.read_bytes() == PNG
    assert "张三" not in evidence.file.name and evidence.file.name.endswith(".png")
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.png")))
    url = evidence.file.url
    assert url.startswith("/files/") and "/media/" not in url

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(other_lead)
    assert client.get(url).status_code == 404
    client.force_login(lead)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    page = client.get(f"/supervision/problems/{problem.pk}/").content.decode()
    assert url in page


@pytest.mark.parametrize(
    "path", ["/files/supervision.problemevidence/1/title/", "/files/core.user/1/password/"]
)
def test_only_upload_fields_of_registered_models_are_served(client, lead, path):
    client.force_login(lead)
    assert client.get(path).status_code == 404
