import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from govhall.cases import selectors, services
from govhall.cases.forms import CompleteForm
from govhall.cases.models import Case
from govhall.catalog.models import ServiceItem
from govhall.core.roles import Role
from tests.cases.factories import accept, served_ticket
from tests.factories import MaterialFactory, ServiceItemFactory, WindowFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(center, department):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    MaterialFactory(item=item, name="申请书")
    MaterialFactory(item=item, name="营业执照")
    return item


@pytest.fixture
def clerk(make_user, department, center):
    user = make_user(Role.WINDOW_STAFF, department=department)
    user.staff_profile.windows.add(WindowFactory(center=center, number="8"))
    return user


def test_window_accepts_and_prints_receipt(client, clerk, item):
    client.force_login(clerk)
    url = reverse("cases:accept") + f"?item={item.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "营业执照" in page.content.decode()
    window = clerk.staff_profile.windows.get()
    response = client.post(
        url,
        {
            "applicant_type": "person",
            "applicant_name": "王五",
            "identifier": make_id_number(5),
            "phone": "13900005678",
            "window": window.pk,
            "mode": "missing",
            "received": ["申请书"],
            "missing": ["营业执照"],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.mode == "missing" and case.materials_missing == ["营业执照"]
    receipt = client.get(response.url).content.decode()
    assert case.number in receipt and "<svg" in receipt
    assert make_id_number(5) not in receipt  # masked
    rating = re.search(r'class="rating-url">([^<]+)<', receipt).group(1)
    assert 'data-testid="rating-qr"><svg' in receipt
    assert client.get(rating).status_code == 200  # feedback's page for this case


def test_acceptance_links_the_ticket_being_served(client, clerk, item, center, department):
    ticket = served_ticket(center, department, 7, dt.date(2026, 3, 2))
    client.force_login(clerk)
    url = reverse("cases:accept") + f"?item={item.pk}&ticket={ticket.pk}"
    assert ticket.number in client.get(url).content.decode()
    client.post(
        url,
        {
            "applicant_type": "person",
            "applicant_name": "王五",
            "identifier": make_id_number(6),
            "phone": "13900005678",
            "window": clerk.staff_profile.windows.get().pk,
            "mode": "normal",
            "received": ["申请书", "营业执照"],
        },
    )
    assert Case.objects.get().ticket == ticket


def test_normal_acceptance_without_the_required_materials_is_a_form_error(client, clerk, item):
    client.force_login(clerk)
    url = reverse("cases:accept") + f"?item={item.pk}"
    window = clerk.staff_profile.windows.get().pk
    applicant = dict(
        applicant_type="person", applicant_name="王五", phone="13900005678", mode="normal"
    )
    response = client.post(
        url,
        {**applicant, "identifier": make_id_number(6), "window": window, "received": ["申请书"]},
    )
    assert response.status_code == 400
    assert "尚未收取:营业执照" in response.context["form"].errors["received"][0]
    assert not Case.objects.exists()


def test_an_online_application_is_accepted_with_its_materials_and_a_message(client, clerk, item):
    case = services.submit_case(
        item=item, applicant_type="person", applicant_name="赵六", phone="13900005678",
        id_number=make_id_number(8),
    )  # fmt: skip
    client.force_login(clerk)
    url = reverse("cases:act", args=[case.number, "accept"])
    refused = client.post(url, {"accept-mode": "normal", "accept-received": ["申请书"]})
    assert refused.status_code == 400
    assert "营业执照" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == Case.State.SUBMITTED
    done = client.post(
        url, {"accept-mode": "normal", "accept-received": ["申请书", "营业执照"]}, follow=True
    )
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED
    assert f"受理:办件 {case.number} 已办理。" in [str(m) for m in done.context["messages"]]


def test_bad_id_number_is_a_form_error(client, clerk, item):
    client.force_login(clerk)
    url = reverse("cases:accept") + f"?item={item.pk}"
    response = client.post(
        url,
        {
            "applicant_type": "person",
            "applicant_name": "王五",
            "identifier": "110101199003074515",
            "phone": "13900005678",
            "window": clerk.staff_profile.windows.get().pk,
            "mode": "normal",
        },
    )
    assert response.status_code == 400
    assert "身份证号码无效" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("role", "own", "status"),
    [
        (None, True, 302),
        (Role.WINDOW_STAFF, True, 403),
        (Role.APPROVER, False, 404),
        (Role.APPROVER, True, 302),
    ],
)
def test_complete_through_the_page(
    client, make_user, item, department, other_department, role, own, status
):
    case = accept(item, day=dt.date(2026, 3, 2))
    if role is not None:
        client.force_login(make_user(role, department=department if own else other_department))
    url = reverse("cases:act", args=[case.number, "complete"])
    response = client.post(url, {"complete-approved": "1"})
    case.refresh_from_db()
    assert response.status_code == status
    if status == 302 and role is not None:
        assert case.state == Case.State.COMPLETED
    else:
        assert case.state == Case.State.ACCEPTED


def test_backoffice_lists_only_own_department(client, make_user, item, other_department, center):
    mine = accept(item, day=dt.date(2026, 3, 2))
    other_item = ServiceItemFactory(center=center, department=other_department)
    theirs = accept(other_item, day=dt.date(2026, 3, 2))
    client.force_login(make_user(Role.APPROVER, department=item.department))
    page = client.get(reverse("cases:backoffice")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert client.get(reverse("cases:detail", args=[theirs.number])).status_code == 404


def test_supervision_filters_by_light(client, make_user, item):
    old = accept(item, day=dt.date(2026, 1, 5))
    client.force_login(make_user(Role.INSPECTOR))
    page = client.get(reverse("cases:supervision"), {"light": "red"}).content.decode()
    assert old.number in page and "在办件(1)" in page
    page = client.get(reverse("cases:supervision"), {"light": "green"}).content.decode()
    assert "在办件(0)" in page
    export = client.get(reverse("cases:export"), {"light": "red"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_supervision_needs_permission(client, make_user, department):
    client.force_login(make_user(Role.WINDOW_STAFF, department=department))
    assert client.get(reverse("cases:supervision")).status_code == 403


def test_lookup_shows_progress_without_personal_data(client, item):
    cache.clear()
    case = accept(item, day=dt.date(2026, 3, 2), phone="13912348765", applicant_name="赵六")
    url = reverse("cases:lookup")
    response = client.post(url, {"number": case.number, "phone_last4": "8765"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026年3月9日" in body and "受理" in body
    assert "赵六" not in body and "13912348765" not in body
    wrong = client.post(url, {"number": case.number, "phone_last4": "0000"})
    assert wrong.status_code == 404 and "赵六" not in wrong.content.decode()


@pytest.mark.parametrize(
    ("kind", "label"),
    [(ServiceItem.Kind.LICENSE, "准予许可"), (ServiceItem.Kind.CONFIRMATION, "准予办理")],
)
def test_a_result_is_named_as_its_items_kind_names_it(client, center, department, kind, label):
    """A birth registration (行政确认) approved reads 准予办理, not 准予许可, to the citizen
    and in the export."""
    cache.clear()
    item = ServiceItemFactory(center=center, department=department, kind=kind)
    case = accept(item, day=dt.date(2026, 3, 2), phone="13912348765")
    case = services.complete_case(actor=None, case=case, approved=True)
    body = client.post(
        reverse("cases:lookup"), {"number": case.number, "phone_last4": "8765"}
    ).content.decode()
    assert f"· {label}" in body
    sheet = load_workbook(io.BytesIO(selectors.cases_to_xlsx(Case.objects.filter(pk=case.pk))))
    header, row = sheet.active.iter_rows(values_only=True)
    assert dict(zip(header, row, strict=True))["办理结果"] == label


def test_the_decision_form_offers_the_items_own_results(center, department):
    confirmation = ServiceItemFactory(
        center=center, department=department, kind=ServiceItem.Kind.CONFIRMATION
    )
    form = CompleteForm({"approved": "0", "reason": "材料不实"}, item=confirmation)
    assert [str(label) for _v, label in form.fields["approved"].choices] == ["准予办理", "不予办理"]
    assert form.is_valid() and form.cleaned_data["approved"] is False
    licence = CompleteForm(item=ServiceItemFactory(center=center, department=department))
    assert [str(label) for _v, label in licence.fields["approved"].choices] == [
        "准予许可",
        "不予许可",
    ]


def test_lookup_is_rate_limited(client, item):
    cache.clear()
    url = reverse("cases:lookup")
    statuses = [
        client.post(url, {"number": "x", "phone_last4": "1234"}).status_code for _ in range(12)
    ]
    assert statuses[-1] == 429
    assert "查询过于频繁" in client.post(url, {"number": "x", "phone_last4": "1"}).content.decode()
    cache.clear()


def test_import_page_lists_bad_rows_and_imports_nothing(client, admin_user, center, department):
    ServiceItemFactory(center=center, department=department, code="C-9")
    header = "事项编码,申请人类型,申请人,证件号码,联系电话,受理时间\n"
    good = f"C-9,自然人,甲,{make_id_number(9)},13800001234,2026-03-02 09:00\n"
    upload = SimpleUploadedFile("a.csv", (header + good + "C-9,自然人,乙,1,1,x\n").encode())
    client.force_login(admin_user)
    response = client.post(reverse("cases:import"), {"file": upload, "mapping": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "身份证号码无效" in body and ">3<" in body
    assert not Case.objects.exists()
    upload = SimpleUploadedFile("a.csv", (header + good).encode())
    response = client.post(reverse("cases:import"), {"file": upload, "mapping": ""})
    assert response.status_code == 200 and Case.objects.count() == 1


def test_import_page_needs_the_permission(client, make_user, department):
    client.force_login(make_user(Role.UNIT_LEAD, department=department))
    assert client.get(reverse("cases:import")).status_code == 403
