"""The case clocks as a centre's staff meet them: each scenario runs at the dates it names (the
clock of every request set to that moment), through the API and the pages, with the service
layer underneath (DOMAIN.md "Working days", 行政许可法 arts. 32, 42, 44, 45, 82)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.cases.models import Case, CaseSettings
from govhall.core.roles import Role
from tests.cases.factories import on
from tests.factories import (
    NOTICE_2027,
    CenterFactory,
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    import_notice,
    make_id_number,
)

pytestmark = pytest.mark.django_db
D = dt.date
PHONE = "13800004321"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lead(make_user, department):
    """The department's 首席代表: takes applications in, decides and approves extensions."""
    client = APIClient()
    client.force_authenticate(make_user(Role.UNIT_LEAD, department=department))
    return client


def _item(center, department, days: int, **kwargs) -> object:
    return ServiceItemFactory(
        center=center, department=department, promised_limit_days=days, **kwargs
    )


def _apply(client: APIClient, action: str, item, day: dt.date, **extra) -> dict:
    """An application for `item` on `day`: accepted at the window or submitted online."""
    with on(day):
        response = client.post(
            f"/api/cases/cases/{action}/",
            {
                "item": item.pk,
                "applicant_type": "person",
                "applicant_name": "张三",
                "id_number": make_id_number(item.pk),
                "phone": PHONE,
                **extra,
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    return response.json()


def _accept(client: APIClient, item, day: dt.date, **extra) -> dict:
    return _apply(client, "accept", item, day, **extra)


def _act(client: APIClient, number: str, action: str, day: dt.date, **data) -> dict:
    with on(day):
        response = client.post(f"/api/cases/cases/{number}/{action}/", data, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def _detail(client: APIClient, number: str, day: dt.date) -> dict:
    with on(day):
        return client.get(f"/api/cases/cases/{number}/").json()


def _lookup(number: str, day: dt.date) -> dict:
    with on(day):
        response = APIClient().post(
            "/api/cases/lookup/", {"number": number, "phone_last4": PHONE[-4:]}, format="json"
        )
    assert response.status_code == 200
    return response.json()


def _lookup_page(client, number: str, day: dt.date) -> str:
    with on(day):
        response = client.post(
            reverse("cases:lookup"), {"number": number, "phone_last4": PHONE[-4:]}
        )
    assert response.status_code == 200
    return response.content.decode()


# --- the worked examples and 即办件 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "limit", "due"),
    [(D(2026, 9, 30), 5, "2026-10-13"), (D(2026, 2, 13), 3, "2026-02-25")],
)
def test_worked_examples_through_the_api(lead, center, department, accepted, limit, due):
    case = _accept(lead, _item(center, department, limit), accepted)
    assert (case["due_date"], case["due_provisional"]) == (due, False)
    assert _detail(lead, case["number"], D.fromisoformat(due))["light"] == "yellow"
    day_after = D.fromisoformat(due) + dt.timedelta(days=1)
    assert _detail(lead, case["number"], day_after)["light"] == "red"


def test_an_immediate_case_is_due_the_day_it_is_accepted(lead, center, department):
    item = _item(center, department, 5, immediate=True)
    case = _accept(lead, item, D(2026, 3, 6))
    assert case["due_date"] == "2026-03-06" and case["light"] == ""
    assert _detail(lead, case["number"], D(2026, 3, 6))["light"] == "yellow"
    assert _detail(lead, case["number"], D(2026, 3, 9))["light"] == "red"
    done = _act(lead, case["number"], "complete", D(2026, 3, 6), approved=True)
    assert (done["completed_late"], done["elapsed_workdays"]) == (False, 0)


# --- a year without calendar data, then its notice imported ------------------------------------


def test_a_year_without_data_is_provisional_until_its_notice_is_imported(
    lead, client, make_user, center, department, tmp_path
):
    item = _item(center, department, 5)
    # Mon 2027-02-01, no 2027 data: the statutory 春节 (除夕 Fri 02-05 to 初三 Mon 02-08, the
    # weekend days made up on Tue 02-09 and Wed 02-10) is off; 02-02, 03, 04, 11, 12.
    running = _accept(lead, item, D(2027, 2, 1))
    assert (running["due_date"], running["due_provisional"]) == ("2027-02-12", True)
    # Expert review from Wed 02-03, told 5 working days: 02-04, 11, 12, 15, 16.
    reviewed = _accept(lead, item, D(2027, 2, 1))
    _act(lead, reviewed["number"], "suspend", D(2027, 2, 3), kind="expert_review", told_days=5)
    # Approved Thu 02-04: the certificate due in 10 working days, by Wed 02-24.
    approved = _accept(lead, item, D(2027, 2, 1))
    approved = _act(lead, approved["number"], "complete", D(2027, 2, 4), approved=True)
    assert (approved["delivery_due"], approved["delivery_due_provisional"]) == ("2027-02-24", True)
    # Accepted Mon 2026-12-28 in a known year, due Tue 2027-01-05 in the unknown one.
    year_end = _accept(lead, item, D(2026, 12, 28))
    assert (year_end["due_date"], year_end["due_provisional"]) == ("2027-01-05", True)
    # Another centre's case is recomputed too.
    elsewhere = CenterFactory()
    other_dept = DepartmentFactory(center=elsewhere)
    other_client = APIClient()
    other_client.force_authenticate(
        make_user(Role.UNIT_LEAD, department=other_dept, user_center=elsewhere)
    )
    other = _accept(other_client, _item(elsewhere, other_dept, 5), D(2027, 2, 1))

    saturday = D(2027, 2, 13)
    assert _detail(lead, running["number"], saturday)["light"] == "red"
    public = _lookup(running["number"], saturday)
    assert (public["due_date"], public["due_provisional"]) == ("2027-02-12", True)
    assert "暂估" in _lookup_page(client, running["number"], saturday)
    with on(saturday):
        flags = {r["flag"]: r["numbers"] for r in lead.get("/api/cases/supervision/flags/").json()}
    assert reviewed["number"] not in flags["procedure_overrun"]

    with on(D(2027, 2, 13)):
        import_notice(tmp_path, NOTICE_2027)

    # 02-02, 03, 04, Sun 02-14, Mon 02-15
    after = _detail(lead, running["number"], saturday)
    assert (after["due_date"], after["due_provisional"], after["light"]) == (
        "2027-02-15",
        False,
        "green",
    )
    assert _detail(lead, running["number"], D(2027, 2, 15))["light"] == "yellow"
    public = _lookup(running["number"], saturday)
    assert (public["due_date"], public["due_provisional"]) == ("2027-02-15", False)
    assert "暂估" not in _lookup_page(client, running["number"], saturday)
    # The procedure's told end: 02-04, 14, 15, 16, 17 (not flagged as overrun on Wed 02-17).
    stop = _detail(lead, reviewed["number"], saturday)["clock_stops"][0]
    assert stop["told_until"] == "2027-02-17"
    with on(D(2027, 2, 17)):
        flags = {r["flag"]: r["numbers"] for r in lead.get("/api/cases/supervision/flags/").json()}
    assert reviewed["number"] not in flags["procedure_overrun"]
    # The certificate: 02-14, 15, 16, 17, 18, 19, 22, 23, 24, 25.
    approved = _detail(lead, approved["number"], saturday)
    assert (approved["delivery_due"], approved["delivery_due_provisional"]) == ("2027-02-25", False)
    year_end = _detail(lead, year_end["number"], saturday)
    assert (year_end["due_date"], year_end["due_provisional"]) == ("2027-01-05", False)
    other = Case.objects.get(number=other["number"])
    assert (other.due_date, other.due_provisional) == (D(2027, 2, 15), False)


def test_each_date_carries_its_own_provisional_mark_until_the_notice(
    lead, client, make_user, center, department, tmp_path
):
    item = _item(center, department, 5)
    MaterialFactory(item=item, name="营业执照", required=True)
    # 容缺 on Mon 2027-02-01, the default 5 working days to supply: 02-02, 03, 04, 11, 12.
    missing = _accept(lead, item, D(2027, 2, 1), mode="missing", materials_missing=["营业执照"])
    assert (missing["supply_by"], missing["supply_by_provisional"]) == ("2027-02-12", True)
    # 告知承诺 approved on 02-01: checked within 20 working days, 02-02 ... 03-05.
    pledged = _accept(lead, item, D(2027, 2, 1), mode="commitment")
    pledged = _act(lead, pledged["number"], "complete", D(2027, 2, 1), approved=True)
    assert (pledged["commitment_check_by"], pledged["commitment_check_provisional"]) == (
        "2027-03-05",
        True,
    )
    # Accepted Tue 2026-12-01, due 12-08 (a known year); approved Mon 12-21: the certificate's
    # 10 working days reach 2027 (12-22 ... 12-31, 01-04, 01-05): that date only is provisional.
    firm = _accept(lead, _item(center, department, 5), D(2026, 12, 1))
    firm = _act(lead, firm["number"], "complete", D(2026, 12, 21), approved=True)
    assert (firm["due_date"], firm["due_provisional"]) == ("2026-12-08", False)
    assert (firm["delivery_due"], firm["delivery_due_provisional"]) == ("2027-01-05", True)
    assert _lookup(firm["number"], D(2026, 12, 21))["due_provisional"] is False
    assert "暂估" not in _lookup_page(client, firm["number"], D(2026, 12, 21))
    # A 1-day case accepted Mon 2026-12-28 is due 12-29 (firm); its materials by 01-05 are not.
    quick = _item(center, department, 1)
    MaterialFactory(item=quick, name="营业执照", required=True)
    short = _accept(lead, quick, D(2026, 12, 28), mode="missing", materials_missing=["营业执照"])
    assert (short["due_provisional"], short["supply_by_provisional"]) == (False, True)
    staff = Client()
    with on(D(2026, 12, 28)):
        staff.force_login(make_user(Role.UNIT_LEAD, department=department))

    def marked(view: str) -> bool:
        with on(D(2026, 12, 28)):
            page = staff.get(reverse(f"cases:{view}", args=[short["number"]]))
        assert page.status_code == 200
        return "暂估" in page.content.decode()

    assert marked("detail") and marked("receipt")

    with on(D(2027, 2, 1)):
        import_notice(tmp_path, NOTICE_2027)

    missing = _detail(lead, missing["number"], D(2027, 2, 1))
    # 02-02, 03, 04, Sun 02-14, Mon 02-15
    assert (missing["supply_by"], missing["supply_by_provisional"]) == ("2027-02-15", False)
    pledged = _detail(lead, pledged["number"], D(2027, 2, 1))
    assert (pledged["commitment_check_by"], pledged["commitment_check_provisional"]) == (
        "2027-03-08",
        False,
    )
    firm = _detail(lead, firm["number"], D(2027, 2, 1))
    assert (firm["delivery_due"], firm["delivery_due_provisional"]) == ("2027-01-05", False)
    assert not marked("detail") and not marked("receipt")


# --- stopped clocks --------------------------------------------------------------------------


def test_a_correction_after_acceptance_stops_the_clock_until_the_next_working_day(
    lead, client, center, department
):
    case = _accept(lead, _item(center, department, 5), D(2026, 3, 2))
    assert case["due_date"] == "2026-03-09"
    # Asked on Wed 03-04 (03-03 and 03-04 counted), answered on Mon 03-09.
    asked = _act(lead, case["number"], "correction", D(2026, 3, 4), reason="申请表缺签字")
    assert (asked["state"], asked["due_date"]) == ("correction", None)
    assert _detail(lead, case["number"], D(2026, 3, 20))["light"] == "paused"
    assert _lookup(case["number"], D(2026, 3, 5))["due_date"] is None
    assert "暂停计时" in _lookup_page(client, case["number"], D(2026, 3, 5))
    back = _act(lead, case["number"], "resubmit", D(2026, 3, 9))
    # 03-10, 03-11, 03-12
    assert (back["state"], back["due_date"]) == ("accepted", "2026-03-12")


def test_a_procedure_the_law_excludes_stops_the_clock_and_the_applicant_is_told(
    lead, center, department
):
    case = _accept(lead, _item(center, department, 5), D(2026, 3, 2))
    with on(D(2026, 3, 4)):
        untold = lead.post(
            f"/api/cases/cases/{case['number']}/suspend/", {"kind": "hearing"}, format="json"
        )
    assert untold.status_code == 400
    assert _detail(lead, case["number"], D(2026, 3, 4))["state"] == "accepted"
    # Expert review from Wed 03-04, told 10 working days (to Wed 03-18).
    stopped = _act(
        lead,
        case["number"],
        "suspend",
        D(2026, 3, 4),
        kind="expert_review",
        told_days=10,
        reason="组织专家评审",
    )
    assert (stopped["state"], stopped["due_date"]) == ("suspended", None)
    told = _lookup(case["number"], D(2026, 3, 5))["steps"][-1]
    assert told["type"] == "suspended"
    assert "专家评审" in told["note"] and "10" in told["note"] and "2026-03-18" in told["note"]
    # Ended Fri 03-20: 03-23, 24, 25.
    resumed = _act(lead, case["number"], "resume", D(2026, 3, 20))
    assert (resumed["state"], resumed["due_date"]) == ("accepted", "2026-03-25")


def test_missing_materials_stop_the_clock_only_by_the_centres_setting(lead, center, department):
    item = _item(center, department, 5)
    MaterialFactory(item=item, name="营业执照", required=True)
    missing = {"mode": "missing", "materials_missing": ["营业执照"]}
    running = _accept(lead, item, D(2026, 3, 2), **missing)
    assert (running["due_date"], running["supply_by"]) == ("2026-03-09", "2026-03-09")
    CaseSettings.objects.filter(center=center).update(missing_materials_stop_clock=True)
    waiting = _accept(lead, item, D(2026, 3, 2), **missing)
    assert waiting["due_date"] is None
    assert _detail(lead, waiting["number"], D(2026, 3, 3))["light"] == "paused"
    # Supplied Wed 03-04: 03-05, 06, 09, 10, 11.
    supplied = _act(lead, waiting["number"], "supply", D(2026, 3, 4))
    assert supplied["due_date"] == "2026-03-11"
    assert _act(lead, running["number"], "supply", D(2026, 3, 4))["due_date"] == "2026-03-09"


# --- extension, deemed acceptance, delivery ----------------------------------------------------


def test_one_extension_of_at_most_ten_days_approved_by_the_head_and_told(
    lead, make_user, center, department
):
    case = _accept(lead, _item(center, department, 5), D(2026, 3, 2))
    clerk = APIClient()
    clerk.force_authenticate(make_user(Role.APPROVER, department=department))
    url = f"/api/cases/cases/{case['number']}/extend/"
    with on(D(2026, 3, 5)):
        assert (
            clerk.post(url, {"days": 10, "reason": "需现场核查"}, format="json").status_code == 403
        )
        assert (
            lead.post(url, {"days": 11, "reason": "需现场核查"}, format="json").status_code == 400
        )
        assert lead.post(url, {"days": 10}, format="json").status_code == 400
    extended = _act(lead, case["number"], "extend", D(2026, 3, 5), days=10, reason="需现场核查")
    # 03-09 + 10 working days
    assert (extended["due_date"], extended["extension_days"]) == ("2026-03-23", 10)
    with on(D(2026, 3, 6)):
        again = lead.post(url, {"days": 1, "reason": "再延"}, format="json")
    assert again.status_code == 409
    told = _lookup(case["number"], D(2026, 3, 6))["steps"][-1]["note"]
    assert "需现场核查" in told and "2026-03-23" in told


def test_an_application_not_answered_in_five_working_days_counts_from_receipt(
    lead, center, department
):
    item = _item(center, department, 5)

    def submit(day: dt.date) -> str:
        return _apply(lead, "submit", item, day, channel="online")["number"]

    # Received Mon 03-02; the 5 working days to answer end Mon 03-09.
    in_time, late = submit(D(2026, 3, 2)), submit(D(2026, 3, 2))
    answered = _act(lead, in_time, "accept", D(2026, 3, 9))
    assert (answered["deemed_accepted_on"], answered["due_date"]) == (None, "2026-03-16")
    deemed = _act(lead, late, "accept", D(2026, 3, 10))
    assert (deemed["deemed_accepted_on"], deemed["due_date"]) == ("2026-03-02", "2026-03-09")
    assert _detail(lead, late, D(2026, 3, 10))["light"] == "red"


def test_the_certificate_is_due_ten_working_days_after_the_decision(lead, center, department):
    case = _accept(lead, _item(center, department, 5), D(2026, 3, 2))
    decided = _act(lead, case["number"], "complete", D(2026, 3, 10), approved=True)
    assert (decided["delivery_due"], decided["delivered_late"]) == ("2026-03-24", False)
    with on(D(2026, 3, 25)):
        flags = {r["flag"]: r["numbers"] for r in lead.get("/api/cases/supervision/flags/").json()}
    assert case["number"] in flags["delivery_overdue"]
    delivered = _act(
        lead, case["number"], "deliver", D(2026, 3, 25), method="mail", tracking_number="SF1"
    )
    assert delivered["delivered_late"] is True
    on_time = _accept(lead, _item(center, department, 5), D(2026, 3, 2))
    _act(lead, on_time["number"], "complete", D(2026, 3, 10), approved=True)
    delivered = _act(
        lead, on_time["number"], "deliver", D(2026, 3, 24), method="mail", tracking_number="SF2"
    )
    assert delivered["delivered_late"] is False
    denied = _accept(lead, _item(center, department, 5), D(2026, 3, 2))
    denied = _act(
        lead, denied["number"], "complete", D(2026, 3, 10), approved=False, reason="不符合条件"
    )
    assert denied["delivery_due"] is None


# --- warnings and 超期 at the period's end -------------------------------------------------------


def test_overdue_at_the_period_end(lead, make_user, center, department):
    item = _item(center, department, 5)
    due_last_day = _accept(lead, item, D(2026, 3, 24))  # 03-25, 26, 27, 30, 31
    due_day_before = _accept(lead, item, D(2026, 3, 23))  # 03-24 .. 03-30
    assert (due_last_day["due_date"], due_day_before["due_date"]) == ("2026-03-31", "2026-03-30")
    late = _accept(lead, _item(center, department, 1), D(2026, 3, 2))  # due 03-03
    _act(lead, late["number"], "complete", D(2026, 3, 4), approved=True)
    leader = APIClient()
    leader.force_authenticate(make_user(Role.LEADER))

    def overdue(start: str, end: str, day: dt.date) -> int:
        with on(day):
            rows = leader.get("/api/cases/figures/", {"start": start, "end": end}).json()
        return rows[0]["overdue"]

    with on(D(2026, 3, 31)):
        reds = lead.get("/api/cases/cases/", {"light": "red"}).json()
    assert [r["number"] for r in reds["results"]] == [due_day_before["number"]]
    # March: the late completion and the case due 03-30 still open; not the one due 03-31.
    assert overdue("2026-03-01", "2026-03-31", D(2026, 4, 1)) == 2
    _act(lead, due_last_day["number"], "complete", D(2026, 4, 1), approved=True)
    # April: the one due 03-31 completed on 04-01, and the one due 03-30 still open.
    assert overdue("2026-04-01", "2026-04-30", D(2026, 5, 6)) == 2
