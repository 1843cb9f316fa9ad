"""Each refusal of cases answers its own code of `CaseError` (so its HTTP status), and changes
nothing. The refusals other tests already meet are checked there (`refusal(CaseError.X)`)."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.cases import api as cases_api
from govhall.cases import joint, services
from govhall.cases.errors import CaseError
from govhall.cases.models import Case, JointCase
from govhall.cases.services import common
from govhall.core.roles import Role
from govhall.queueing.models import Ticket
from tests.cases.factories import accept, accept_joint, at, joint_package, refusal, served_ticket
from tests.cases.test_import import csv_file
from tests.factories import (
    CenterFactory,
    MaterialFactory,
    ServiceItemFactory,
    WindowFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db

D = dt.date
MARCH_2 = D(2026, 3, 2)


@pytest.fixture
def item(center, department):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    MaterialFactory(item=item, name="申请书")
    MaterialFactory(item=item, name="身份证明", required=False)
    return item


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def package(center, department):
    items = [ServiceItemFactory(center=center, department=department) for _ in range(2)]
    return joint_package(center, items)


def submit(item, **kwargs):
    return services.submit_case(
        item=item,
        applicant_type="person",
        applicant_name="张三",
        phone="13800001234",
        id_number=make_id_number(3),
        **kwargs,
    )


# --- intake ------------------------------------------------------------------------------------


def test_a_window_application_is_not_submitted_online(item):
    with refusal(CaseError.WINDOW_CHANNEL):
        submit(item, channel=Case.Channel.WINDOW)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"mode": "fast"}, CaseError.MODE_INVALID),
        (
            {"materials_missing": ["申请书"], "materials_received": ["申请书"]},
            CaseError.MATERIALS_OVERLAP,
        ),
        ({"mode": "missing", "materials_missing": []}, CaseError.MISSING_MATERIALS_REQUIRED),
        ({"materials_missing": ["身份证明"]}, CaseError.MISSING_MODE_REQUIRED),
        (
            {"mode": "missing", "materials_missing": ["身份证明"], "supply_by": D(2026, 3, 1)},
            CaseError.SUPPLY_BY_TOO_EARLY,
        ),
    ],
)
def test_acceptance_input_is_refused_with_its_code(item, kwargs, code):
    with refusal(code):
        accept(item, day=MARCH_2, **kwargs)
    assert not Case.objects.exists()


def test_acceptance_checks_window_ticket_and_item(item, center, department):
    with refusal(CaseError.WINDOW_OTHER_CENTER):
        accept(item, window=WindowFactory(center=CenterFactory()))
    ticket = served_ticket(center, department, 1, MARCH_2)
    Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.WAITING)
    ticket.refresh_from_db()
    with refusal(CaseError.TICKET_INVALID):
        accept(item, ticket=ticket)
    item.is_active = False
    item.save()
    with refusal(CaseError.ITEM_INACTIVE):
        accept(item)
    assert not Case.objects.exists()


def test_an_item_of_another_centre_is_not_accepted(item, make_user):
    outsider = make_user(Role.CENTER_ADMIN, user_center=CenterFactory())
    with refusal(CaseError.OTHER_CENTER):
        accept(item, actor=outsider)
    assert not Case.objects.exists()


def test_a_case_that_fails_its_model_checks_is_case_invalid(item):
    case = accept(item, day=MARCH_2)
    case.applicant_name = "x" * 1000
    with refusal(CaseError.CASE_INVALID) as caught:
        common._save(case)
    assert "applicant_name" in caught.value.detail


# --- the workflow and its clocks ---------------------------------------------------------------


def test_a_step_on_a_case_that_does_not_exist(item):
    with refusal(CaseError.CASE_NOT_FOUND):
        services.start_review(actor=None, case=999999)


def test_a_correction_notice_says_what_to_correct(item):
    case = accept(item, day=MARCH_2)
    with refusal(CaseError.CORRECTION_CONTENT_REQUIRED):
        services.request_correction(actor=None, case=case, reason="  ")
    case.refresh_from_db()
    assert (case.state, case.correction_notices) == (Case.State.ACCEPTED, 0)


def test_supply_and_special_procedure_refusals(item):
    case = accept(item, day=MARCH_2)
    with refusal(CaseError.NO_MISSING_MATERIALS):
        services.supply_materials(actor=None, case=case)
    with refusal(CaseError.SPECIAL_KIND_INVALID):
        services.suspend_case(actor=None, case=case, kind="picnic", reason="x", told_days=3)
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED


def test_refusing_or_revoking_a_permit_needs_a_reason(item):
    case = accept(item, day=MARCH_2)
    with refusal(CaseError.REASON_REQUIRED):
        services.complete_case(actor=None, case=case, approved=False, reason=" ")
    case = accept(item, day=MARCH_2, mode="commitment", materials_received=[])
    case = services.complete_case(actor=None, case=case, approved=True, at=at(D(2026, 3, 3)))
    with refusal(CaseError.REASON_REQUIRED):
        services.revoke_commitment(actor=None, case=case, reason="")
    case.refresh_from_db()
    assert case.result == Case.Result.APPROVED


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"method": "drone"}, CaseError.DELIVERY_METHOD_INVALID),
        ({"method": "mail", "tracking_number": " "}, CaseError.TRACKING_NUMBER_REQUIRED),
    ],
)
def test_delivery_input_is_refused_with_its_code(item, kwargs, code):
    case = accept(item, day=MARCH_2)
    services.complete_case(actor=None, case=case, approved=True, at=at(D(2026, 3, 3)))
    with refusal(code):
        services.deliver_case(actor=None, case=case, **kwargs)
    case.refresh_from_db()
    assert case.state == Case.State.COMPLETED


# --- joint cases -------------------------------------------------------------------------------


def test_joint_acceptance_refusals(package):
    with refusal(CaseError.WINDOW_OTHER_CENTER):
        accept_joint(package, window=WindowFactory(center=CenterFactory()))
    package.items.filter(pk=package.items.order_by("pk")[0].pk).update(is_active=False)
    with refusal(CaseError.PACKAGE_TOO_SMALL):
        accept_joint(package)
    package.is_active = False
    package.save()
    with refusal(CaseError.PACKAGE_INACTIVE):
        accept_joint(package)
    assert not JointCase.objects.exists() and not Case.objects.exists()


def test_a_joint_package_of_another_centre_is_not_accepted(package, make_user):
    outsider = make_user(Role.CENTER_ADMIN, user_center=CenterFactory())
    with refusal(CaseError.OTHER_CENTER):
        accept_joint(package, actor=outsider)
    assert not JointCase.objects.exists()


def test_a_joint_case_that_does_not_exist(package):
    whole = accept_joint(package, day=MARCH_2)
    whole.pk = 999999
    with refusal(CaseError.JOINT_NOT_FOUND):
        joint.withdraw_joint_case(actor=None, joint=whole)


# --- bulk import -------------------------------------------------------------------------------


def test_an_import_file_with_nothing_to_import(center, make_user):
    with refusal(CaseError.FILE_EMPTY):
        services.import_cases(center=center, source=io.BytesIO(b""), filename="a.csv")
    with refusal(CaseError.NO_ROWS):
        services.import_cases(center=center, source=csv_file([]), filename="a.csv")
    outsider = make_user(Role.CENTER_ADMIN, user_center=CenterFactory())
    with refusal(CaseError.OTHER_CENTER):
        services.authorize_import(actor=outsider, center=center)
    assert not Case.objects.exists()


# --- HTTP --------------------------------------------------------------------------------------


def test_an_anonymous_write_needs_a_login():
    """Behind the API's own login check (which answers `not_authenticated` first)."""
    with refusal(CaseError.LOGIN_REQUIRED):
        cases_api._acting(SimpleNamespace(user=AnonymousUser()))


def test_the_api_answers_the_codes(api, make_user, department):
    clerk = make_user(Role.WINDOW_STAFF, department=department)
    api.force_authenticate(clerk)
    missing = api.post("/api/cases/cases/NOPE/review/", {}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (404, "case_not_found")
    joint_missing = api.get("/api/cases/joint/NOPE/")
    assert (joint_missing.status_code, joint_missing.json()["code"]) == (404, "joint_not_found")
    lookup = api.post("/api/cases/lookup/", {"number": "NOPE", "phone_last4": "0000"})
    assert (lookup.status_code, lookup.json()["code"]) == (404, "case_not_found")
    head = make_user(Role.UNIT_LEAD, department=department)
    api.force_authenticate(head)
    by_item = api.get(
        "/api/cases/figures/", {"start": "2026-03-01", "end": "2026-03-31", "by": "item"}
    )
    assert (by_item.status_code, by_item.json()["code"]) == (403, "center_only")
    root = make_user(user_center=None, is_superuser=True)
    api.force_authenticate(root)
    period = {"start": "2026-03-01", "end": "2026-03-31"}
    for path in ("/api/cases/figures/", "/api/cases/clock-figures/"):
        response = api.get(path, period)
        assert (response.status_code, response.json()["code"]) == (403, "no_center")
    imported = api.post("/api/cases/import/", {}, format="json")
    assert (imported.status_code, imported.json()["code"]) == (403, "no_center")


def test_a_joint_step_and_action_that_do_not_exist(api, client, package, make_user):
    whole = accept_joint(package, day=MARCH_2)
    admin = make_user(Role.CENTER_ADMIN)
    api.force_authenticate(admin)
    step = api.post(f"/api/cases/joint/{whole.number}/steps/NOPE/decide/", {}, format="json")
    assert (step.status_code, step.json()["code"]) == (404, "not_a_step")
    client.force_login(admin)
    page = client.post(reverse("cases:joint_act", args=[whole.number, "fly"]))
    assert page.status_code == 404


def test_the_schema_documents_the_cases_codes(api):
    schema = api.get("/api/schema/?format=json").json()
    component = schema["components"]["schemas"]["CaseErrorCode"]
    assert component["x-status"] == {m.value: m.status for m in CaseError}
    responses = schema["paths"]["/api/cases/lookup/"]["post"]["responses"]
    assert "`wrong_state`" in responses["409"]["description"]
    assert responses["404"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/CaseError"
    )


def test_an_unknown_page_action_is_not_found(client, item, make_user, department):
    case = accept(item, day=MARCH_2)
    client.force_login(make_user(Role.APPROVER, department=department))
    response = client.post(reverse("cases:act", args=[case.number, "fly"]))
    assert response.status_code == 404
    client.force_login(make_user(user_center=None, is_superuser=True))
    assert client.get(reverse("cases:import")).status_code == 403
