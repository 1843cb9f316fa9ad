import datetime as dt

import pytest
from django.db.models import QuerySet

from govhall.core.compiled import Placeholders, fetch_one
from govhall.core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _joined_since(p: Placeholders) -> QuerySet:
    return User.objects.filter(
        center_id=p.int("center"), date_joined__gte=p.datetime("since")
    ).values("id", "date_joined")


def test_one_compiled_statement_answers_every_set_of_values() -> None:
    user = UserFactory()
    values = {"center": user.center_id, "since": user.date_joined}
    assert fetch_one(("test-joined",), _joined_since, values) == {
        "id": user.pk,
        "date_joined": user.date_joined,
    }
    later = values | {"since": user.date_joined + dt.timedelta(seconds=1)}
    assert fetch_one(("test-joined",), _joined_since, later) is None


def test_a_placeholder_missing_from_the_parameters_is_refused() -> None:
    def build(p: Placeholders) -> QuerySet:
        p.int("unused")
        return User.objects.values("id")

    with pytest.raises(ValueError, match="unused"):
        fetch_one(("test-unused",), build, {"unused": 1})
