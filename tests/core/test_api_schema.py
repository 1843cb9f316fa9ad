"""The API schema lists every app's error codes with their statuses, and the operations of an
app document the statuses its codes answer with."""

import pytest

from govhall.attendance.errors import AttendanceError
from govhall.cases.errors import CaseError
from govhall.core.api_schema import catalogues
from govhall.core.error_codes import CoreError
from govhall.exchange.errors import ExchangeError
from govhall.feedback.errors import FeedbackError
from govhall.org.errors import OrgError
from govhall.performance.errors import PerformanceError
from govhall.queueing.errors import QueueError
from govhall.supervision.errors import SupervisionError
from govhall.training.errors import TrainingError

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/schema/?format=json").json()


def test_every_app_with_an_enum_is_found():
    found = catalogues()
    assert found["attendance"] is AttendanceError
    assert found["supervision"] is SupervisionError
    assert found["exchange"] is ExchangeError


@pytest.mark.parametrize(
    "enum",
    [
        AttendanceError,
        SupervisionError,
        TrainingError,
        OrgError,
        CaseError,
        QueueError,
        FeedbackError,
        PerformanceError,
        CoreError,
    ],
)
def test_each_code_is_in_the_schema_with_its_status(schema, enum):
    component = schema["components"]["schemas"][f"{enum.__name__}Code"]
    assert component["enum"] == [m.value for m in enum]
    assert component["x-status"] == {m.value: m.status for m in enum}


def test_an_error_body_names_the_app_org_and_generic_codes(schema):
    code = schema["components"]["schemas"]["TrainingError"]["properties"]["code"]
    assert [ref["$ref"].rsplit("/", 1)[1] for ref in code["anyOf"]] == [
        "TrainingErrorCode",
        "OrgErrorCode",
        "CoreErrorCode",
    ]


def test_an_operation_documents_its_app_statuses(schema):
    responses = schema["paths"]["/api/exchange/inbound/"]["post"]["responses"]
    assert {"400", "401", "403", "404"} <= responses.keys()
    assert "`signature_invalid`" in responses["401"]["description"]
    ref = responses["401"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/ExchangeError"


def test_the_schema_is_built_once_per_language_for_every_visitor(admin_user, monkeypatch):
    from django.test import Client

    from govhall.core.views import SchemaView

    builds = []
    build = SchemaView.generator_class.get_schema

    def counted(self, *args, **kwargs):
        builds.append(self.api_version)
        return build(self, *args, **kwargs)

    monkeypatch.setattr(SchemaView.generator_class, "get_schema", counted)
    SchemaView.built.clear()
    anonymous = Client().get("/api/schema/?format=json")
    logged_in = Client()
    logged_in.force_login(admin_user)
    again = logged_in.get("/api/schema/?format=json")
    unknown = Client().get("/api/schema/?format=json&lang=xx")
    assert anonymous.status_code == again.status_code == unknown.status_code == 200
    assert anonymous.content == again.content == unknown.content
    assert len(builds) == 1

    english = Client().get("/api/schema/?format=json&lang=en")
    assert english.content != anonymous.content
    assert len(builds) == 2
    assert len(SchemaView.built) == 2
