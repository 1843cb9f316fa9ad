import datetime as dt

import pytest
from django.db.models import QuerySet

from govhall.core.compiled import (
    Placeholders,
    columns,
    columns_by_key,
    fetch_all,
    fetch_one,
    instance,
)
from govhall.core.models import Center, User
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


def _named(p: Placeholders) -> QuerySet:
    return User.objects.filter(last_name=p.text("name")).order_by("pk").values("id")


def test_text_placeholders_and_every_row() -> None:
    first, second = UserFactory(last_name="编译"), UserFactory(last_name="编译")
    assert fetch_all(("test-named",), _named, {"name": "编译"}) == [
        {"id": first.pk},
        {"id": second.pk},
    ]
    assert fetch_all(("test-named",), _named, {"name": "无人"}) == []
    assert fetch_one(("test-named",), _named, {"name": "编译"}) == {"id": first.pk}


def test_a_placeholder_missing_from_the_parameters_is_refused() -> None:
    def build(p: Placeholders) -> QuerySet:
        p.int("unused")
        return User.objects.values("id")

    with pytest.raises(ValueError, match="unused"):
        fetch_one(("test-unused",), build, {"unused": 1})


def _fields(obj: object) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("by_key", [False, True])
def test_a_row_carries_the_models_as_the_orm_loads_them(by_key: bool) -> None:
    user = UserFactory()
    related = (
        columns_by_key(Center, key="center_id", prefix="home_")
        if by_key
        else columns(Center, path="center", prefix="home_")
    )

    def build(p: Placeholders) -> QuerySet:
        return User.objects.filter(pk=p.int("user")).values(*columns(User), **related)

    row = fetch_one(("test-user-center", by_key), build, {"user": user.pk})
    loaded = User.objects.select_related("center").get(pk=user.pk)
    assert _fields(instance(User, row)) == _fields(loaded)
    assert _fields(instance(Center, row, prefix="home_")) == _fields(loaded.center)
    assert not instance(User, row)._state.adding
