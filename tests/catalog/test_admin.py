import pytest
from django.urls import reverse

from govhall.catalog.models import CatalogSettings, Theme
from govhall.catalog.selectors import catalog_settings
from govhall.core.roles import Role
from tests.factories import CenterFactory

pytestmark = pytest.mark.django_db


def change_url(settings):
    return reverse("admin:catalog_catalogsettings_change", args=[settings.pk])


def test_centre_admin_edits_own_phrases_only(client, admin_user, center):
    own = catalog_settings(center_id=center.pk)
    foreign = catalog_settings(center_id=CenterFactory().pk)
    client.force_login(admin_user)
    page = client.get(reverse("admin:catalog_catalogsettings_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].queryset) == [own]
    response = client.post(
        change_url(own), {"center": center.pk, "catch_all_patterns": "其他材料\n村委会意见"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.pattern_list == ["其他材料", "村委会意见"]
    before = foreign.catch_all_patterns
    client.post(change_url(foreign), {"center": foreign.center_id, "catch_all_patterns": "x"})
    foreign.refresh_from_db()
    assert foreign.catch_all_patterns == before
    assert client.get(reverse("admin:catalog_catalogsettings_add")).status_code == 403


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.INSPECTOR])
def test_others_may_not_change_the_phrases(client, make_user, department, center, role):
    own = catalog_settings(center_id=center.pk)
    before = own.catch_all_patterns
    user = make_user(role, department=department if role == Role.UNIT_LEAD else None, is_staff=True)
    client.force_login(user)
    response = client.post(change_url(own), {"center": center.pk, "catch_all_patterns": "x"})
    assert response.status_code == 403
    assert CatalogSettings.objects.get(pk=own.pk).catch_all_patterns == before


def test_theme_changes_are_kept(client, admin_user, center):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:catalog_theme_add"),
        {"center": center.pk, "name": "企业开办", "audience": "company", "sort_order": 10},
    )
    assert response.status_code == 302
    theme = Theme.objects.get(center=center, name="企业开办")
    assert theme.history.get().history_user == admin_user
    history = client.get(reverse("admin:catalog_theme_history", args=[theme.pk]))
    assert history.status_code == 200
