"""Signing secrets: shown once when issued, never again (admin, history), stored encrypted."""

import re

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from govhall.core import crypto
from govhall.core.roles import Role
from govhall.exchange.models import ExchangeSettings, RemoteCenter
from tests.exchange.factories import ExchangeSettingsFactory, RemoteCenterFactory

pytestmark = pytest.mark.django_db


def _stored(model, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_secrets_are_stored_encrypted_and_read_back(center, province):
    remote = RemoteCenterFactory(center=province, secret="remote-secret-plain")
    settings = ExchangeSettingsFactory(center=center, secret="settings-secret-plain")
    for model, obj, plain in (
        (RemoteCenter, remote, "remote-secret-plain"),
        (ExchangeSettings, settings, "settings-secret-plain"),
    ):
        raw = _stored(model, obj.pk)
        assert plain not in raw and raw.startswith("gAAAAA")  # a Fernet token
        assert model.objects.get(pk=obj.pk).secret == plain


def test_history_never_holds_a_secret(province):
    remote = RemoteCenterFactory(center=province, secret="first-secret")
    remote.secret = "second-secret"
    remote.name = "改名"
    remote.save()
    rows = list(remote.history.values())
    assert len(rows) == 2
    assert all("secret" not in row for row in rows)
    assert "secret" not in {f.name for f in RemoteCenter.history.model._meta.fields}
    assert "secret" not in {f.name for f in ExchangeSettings.history.model._meta.fields}


def test_a_new_key_first_still_opens_rows_written_under_the_old_one(province):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        remote = RemoteCenterFactory(center=province, secret="kept")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert RemoteCenter.objects.get(pk=remote.pk).secret == "kept"
    assert crypto.decrypt(crypto.encrypt("x")) == "x"


@pytest.fixture
def province_admin(make_user, province):
    return make_user(Role.CENTER_ADMIN, is_staff=True, user_center=province)


def test_registering_a_centre_shows_its_new_secret_once(client, province_admin, province):
    client.force_login(province_admin)
    response = client.post(
        "/admin/exchange/remotecenter/add/",
        {
            "center": province.pk,
            "name": "驻马店市民中心",
            "region_code": "411700",
            "key_id": "zmd-1",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    remote = RemoteCenter.objects.get(key_id="zmd-1")
    assert len(remote.secret) >= 40
    assert remote.secret in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    for url in (
        f"/admin/exchange/remotecenter/{remote.pk}/change/",
        "/admin/exchange/remotecenter/",
        f"/admin/exchange/remotecenter/{remote.pk}/history/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert remote.secret not in page.content.decode(), url


def test_reissuing_replaces_the_secret_and_shows_the_new_one_once(client, province_admin, province):
    remote = RemoteCenterFactory(center=province, secret="old-secret")
    client.force_login(province_admin)
    response = client.post(
        "/admin/exchange/remotecenter/",
        {"action": "issue_secret", "_selected_action": [remote.pk]},
    )
    remote.refresh_from_db()
    assert remote.secret != "old-secret"
    assert remote.secret in response.content.decode()


def test_read_only_roles_see_no_secret(client, make_user, province):
    remote = RemoteCenterFactory(center=province, secret="hidden-remote-secret")
    leader = make_user(Role.LEADER, is_staff=True, user_center=province)
    client.force_login(leader)
    for url in (
        f"/admin/exchange/remotecenter/{remote.pk}/change/",
        f"/admin/exchange/remotecenter/{remote.pk}/history/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "hidden-remote-secret" not in page.content.decode()


def test_settings_form_never_shows_the_secret_and_keeps_it_when_left_empty(
    client, admin_user, center
):
    settings = ExchangeSettingsFactory(center=center, secret="centre-secret-value")
    client.force_login(admin_user)
    url = f"/admin/exchange/exchangesettings/{settings.pk}/change/"
    page = client.get(url).content.decode()
    assert "centre-secret-value" not in page
    form = {
        name: value
        for name, value in re.findall(r'name="([a-z_]+)" value="([^"]*)"', page)
        if name != "csrfmiddlewaretoken"
    }
    form.update(center=center.pk, upstream_url="https://province.example/in/", secret="")
    assert client.post(url, form).status_code == 302
    settings.refresh_from_db()
    assert settings.secret == "centre-secret-value"
    assert settings.upstream_url == "https://province.example/in/"
    form["secret"] = "new-secret-from-province"
    client.post(url, form)
    settings.refresh_from_db()
    assert settings.secret == "new-secret-from-province"
