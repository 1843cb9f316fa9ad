import pytest
from django.urls import reverse

from govhall.core.models import User
from govhall.core.roles import Role
from tests.factories import CenterFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_centre_admin_manages_only_their_centres_accounts(client, make_user, center):
    admin = make_user(Role.CENTER_ADMIN, is_staff=True)
    colleague = UserFactory(center=center)
    stranger = UserFactory(center=CenterFactory())
    client.force_login(admin)
    listing = client.get(reverse("admin:core_user_changelist")).content.decode()
    assert colleague.username in listing
    assert stranger.username not in listing
    assert client.get(reverse("admin:core_user_change", args=[stranger.pk])).status_code == 302
    form = client.get(reverse("admin:core_user_change", args=[colleague.pk])).content.decode()
    assert "is_superuser" not in form


def test_centre_admin_cannot_create_a_superuser_or_a_foreign_account(client, make_user, center):
    admin = make_user(Role.CENTER_ADMIN, is_staff=True)
    other = CenterFactory()
    client.force_login(admin)
    response = client.post(
        reverse("admin:core_user_add"),
        {
            "username": "newstaff",
            "password1": "a-Long-passw0rd!",
            "password2": "a-Long-passw0rd!",
            "usable_password": "true",
            "center": other.pk,
            "is_superuser": "on",
        },
    )
    assert response.status_code in (200, 302)
    created = User.objects.filter(username="newstaff").first()
    if created is not None:
        assert created.center_id == center.pk
        assert not created.is_superuser


def test_window_staff_has_no_account_admin(client, make_user, department):
    client.force_login(make_user(Role.WINDOW_STAFF, department=department, is_staff=True))
    assert client.get(reverse("admin:core_user_changelist")).status_code == 403
