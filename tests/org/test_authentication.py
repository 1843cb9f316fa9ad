"""Token authentication: the staff member behind a token comes with the token, in one query."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient

from govhall.org.authentication import TokenAuthentication
from govhall.queueing import services
from tests.factories import UserFactory
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db


def test_the_token_brings_its_user_and_staff_profile_in_one_query(
    center, department, django_assert_num_queries
):
    _window, staff = staffed_window(center, department)
    key = Token.objects.create(user=staff.user).key
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(key)
        assert token.key == key
        assert user.staff_profile.department_id == department.pk


def test_a_user_without_a_staff_profile_authenticates_too(center):
    user = UserFactory(center=center)
    user_back, _token = TokenAuthentication().authenticate_credentials(
        Token.objects.create(user=user).key
    )
    assert user_back == user
    assert not hasattr(user_back, "staff_profile")


@pytest.mark.parametrize("inactive", [False, True])
def test_an_unknown_token_or_an_inactive_user_is_refused(center, inactive):
    user = UserFactory(center=center, is_active=not inactive)
    key = Token.objects.create(user=user).key if inactive else "0" * 40
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials(key)


def test_the_window_api_refuses_a_bad_token_with_json_and_changes_nothing(center, department):
    open_hall(center)
    category = QueueCategoryFactory(center=center)
    window, _staff = staffed_window(center, department, categories=[category])
    ticket = services.issue_ticket(category=category, channel="kiosk")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)
    response = api.post(f"/api/queueing/windows/{window.pk}/call-next/")
    # 403, not 401: the session scheme comes first and has no WWW-Authenticate challenge.
    assert response.status_code == 403
    assert response.json()["message"]
    ticket.refresh_from_db()
    assert ticket.state == ticket.State.WAITING
