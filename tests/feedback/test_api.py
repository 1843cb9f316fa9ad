import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from rest_framework.test import APIClient

from govhall.core.models import SecurityEvent
from govhall.core.roles import Role
from govhall.feedback import links, services
from govhall.feedback.models import Complaint, Evaluation, Rectification
from tests.factories import ServiceItemFactory
from tests.feedback.factories import completed_case, served_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def invitation(clerk, window):
    return services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
    )


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    if code:
        assert body["code"] == code


class TestRate:
    def test_check_then_rate(self, api, invitation):
        token = links.sign_invitation(invitation.pk)
        info = api.get("/api/feedback/invitations/check/", {"token": token})
        assert info.status_code == 200 and "服务态度" in info.json()["aspects"]
        done = api.post("/api/feedback/rate/", {"token": token, "level": 2}, format="json")
        assert done.status_code == 201 and done.json()["is_bad"] is True
        assert_error(
            api.post("/api/feedback/rate/", {"token": token, "level": 5}, format="json"),
            409,
            "already_rated",
        )

    def test_forged_and_malformed(self, api, invitation):
        assert_error(
            api.post("/api/feedback/rate/", {"token": "x:y:z", "level": 5}, format="json"),
            403,
            "link_forged",
        )
        token = links.sign_invitation(invitation.pk)
        assert_error(
            api.post("/api/feedback/rate/", {"token": token, "level": 7}, format="json"), 400
        )
        assert not Evaluation.objects.exists()

    def test_own_service_refused_over_the_api(self, api, invitation, clerk):
        api.force_authenticate(clerk.user)
        token = links.sign_invitation(invitation.pk)
        assert_error(
            api.post("/api/feedback/rate/", {"token": token, "level": 5}, format="json"),
            403,
            "own_service",
        )


class TestPad:
    def test_pair_state_rate(self, api, window, clerk):
        code = services.issue_pairing_code(window=window, actor=clerk.user).pairing_code
        token = api.post("/api/feedback/pad/pair/", {"code": code}, format="json").json()["token"]
        headers = {"HTTP_X_PAD_TOKEN": token}
        assert api.get("/api/feedback/pad/state/", **headers).json()["invitation"] is None
        invitation = services.invite_for_ticket(
            ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
        )
        state = api.get("/api/feedback/pad/state/", **headers).json()
        assert state["invitation"]["id"] == invitation.pk
        rated = api.post(
            "/api/feedback/pad/rate/",
            {"invitation": invitation.pk, "level": 5},
            format="json",
            **headers,
        )
        assert rated.status_code == 201
        assert_error(
            api.get("/api/feedback/pad/state/", HTTP_X_PAD_TOKEN="nope"), 403, "pad_unknown"
        )


@pytest.fixture
def bad(invitation):
    return services.rate_with_link(token=links.sign_invitation(invitation.pk), level=1)


class TestRectificationApi:
    @pytest.mark.parametrize(
        ("role", "same_unit", "status"),
        [
            (None, False, 403),
            (Role.WINDOW_STAFF, True, 403),
            (Role.UNIT_LEAD, False, 404),
            (Role.UNIT_LEAD, True, 200),
        ],
    )
    def test_verify_permissions(
        self, api, bad, make_user, department, other_department, role, same_unit, status
    ):
        if role is not None:
            api.force_authenticate(
                make_user(role, department=department if same_unit else other_department)
            )
        rect = bad.rectification
        response = api.post(
            f"/api/feedback/rectifications/{rect.pk}/verify/",
            {"valid": True, "reason": "属实"},
            format="json",
        )
        assert response.status_code == status
        rect.refresh_from_db()
        assert (rect.status == Rectification.Status.VERIFIED) is (status == 200)

    def test_full_flow_and_list(self, api, bad, make_user, department):
        lead = make_user(Role.UNIT_LEAD, department=department)
        api.force_authenticate(lead)
        pk = bad.rectification.pk
        base = f"/api/feedback/rectifications/{pk}"
        api.post(f"{base}/verify/", {"valid": True, "reason": "属实"}, format="json")
        api.post(f"{base}/rectify/", {"measures": "整改", "kind": "immediate"}, format="json")
        again = {"measures": "再次", "kind": "immediate"}
        assert_error(api.post(f"{base}/rectify/", again, format="json"), 409)
        api.post(f"{base}/callback/", {"reached": True, "satisfaction": "satisfied"}, format="json")
        closed = api.post(f"{base}/close/").json()
        assert closed["status"] == "closed" and closed["overdue"] is False
        listed = api.get("/api/feedback/rectifications/").json()["results"]
        assert [r["id"] for r in listed] == [pk]
        assert listed[0]["evaluation"]["rater"]["phone"] == "13800000001"

    def test_a_phone_shown_whole_is_an_audited_unmasking(self, api, bad, make_user, department):
        lead = make_user(Role.UNIT_LEAD, department=department)
        api.force_authenticate(lead)
        row = api.get(f"/api/feedback/evaluations/{bad.pk}/").json()
        assert row["rater"]["phone"] == "13800000001"
        event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNMASK)
        assert (event.actor, event.target) == (lead, f"evaluation:{bad.pk}")
        api.force_authenticate(make_user(Role.INSPECTOR))
        api.get(f"/api/feedback/evaluations/{bad.pk}/")
        assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.UNMASK).count() == 1

    def test_inspector_sees_masked_identity(self, api, bad, make_user):
        api.force_authenticate(make_user(Role.INSPECTOR))
        row = api.get(f"/api/feedback/evaluations/{bad.pk}/").json()
        assert row["rater"]["phone"] == "138****0001"


class TestAppealApi:
    def test_unit_appeals_centre_decides(self, api, bad, make_user, department, admin_user):
        api.force_authenticate(make_user(Role.UNIT_LEAD, department=department))
        appeal = api.post(
            f"/api/feedback/evaluations/{bad.pk}/appeal/", {"reason": "恶意"}, format="json"
        )
        assert appeal.status_code == 201
        assert_error(
            api.post(
                f"/api/feedback/appeals/{appeal.json()['id']}/decide/",
                {"upheld": True},
                format="json",
            ),
            403,
        )
        api.force_authenticate(admin_user)
        decided = api.post(
            f"/api/feedback/appeals/{appeal.json()['id']}/decide/", {"upheld": True}, format="json"
        )
        assert decided.json()["status"] == "upheld"
        assert api.get(f"/api/feedback/evaluations/{bad.pk}/").json()["excluded"] is True


class TestComplaintsAndAssists:
    def test_complaint_flow(self, api, admin_user, department, center):
        api.force_authenticate(admin_user)
        item = ServiceItemFactory(center=center, department=department)
        created = api.post(
            "/api/feedback/complaints/",
            {"channel": "hotline", "content": "办不成", "item": item.pk},
            format="json",
        )
        assert created.status_code == 201 and created.json()["department"] == department.pk
        pk = created.json()["id"]
        api.post(
            f"/api/feedback/complaints/{pk}/assign/", {"assignee": admin_user.pk}, format="json"
        )
        api.post(
            f"/api/feedback/complaints/{pk}/resolve/",
            {"valid": True, "resolution": "已解决", "deduction": "0.5"},
            format="json",
        )
        closed = api.post(f"/api/feedback/complaints/{pk}/close/").json()
        assert closed["status"] == "closed" and closed["deduction"] == "0.50"

    def test_foreign_ids_are_refused(self, api, admin_user):
        from tests.factories import CenterFactory, DepartmentFactory

        api.force_authenticate(admin_user)
        foreign = DepartmentFactory(center=CenterFactory())
        assert_error(
            api.post(
                "/api/feedback/complaints/",
                {"channel": "web", "content": "x", "department": foreign.pk},
                format="json",
            ),
            400,
        )
        assert not Complaint.objects.exists()

    def test_assist_scoped_to_own_unit(self, api, clerk, department, other_department):
        api.force_authenticate(clerk.user)
        ok = api.post(
            "/api/feedback/assists/",
            {"kind": "home_visit", "department": department.pk, "date": "2026-05-09", "count": 3},
            format="json",
        )
        assert ok.status_code == 201
        assert_error(
            api.post(
                "/api/feedback/assists/",
                {"kind": "home_visit", "department": other_department.pk, "date": "2026-05-09"},
                format="json",
            ),
            403,
        )


class TestFiguresApi:
    def test_center_and_unit_views(self, api, bad, make_user, department, admin_user):
        api.force_authenticate(admin_user)
        rows = api.get(
            "/api/feedback/figures/", {"start": "2020-01-01", "end": "2020-12-31", "by": "center"}
        ).json()
        assert rows[0]["key"] is None and rows[0]["ratings"] == 0
        api.force_authenticate(make_user(Role.UNIT_LEAD, department=department))
        day = timezone.localdate(bad.rated_at).isoformat()
        rows = api.get(
            "/api/feedback/figures/", {"start": day, "end": day, "by": "department"}
        ).json()
        assert [r["key"] for r in rows] == [department.pk]
        assert rows[0]["bad_ratings"] == 1
        assert_error(
            api.get("/api/feedback/figures/", {"start": day, "end": day, "by": "center"}), 403
        )
        assert_error(api.get("/api/feedback/figures/", {"start": day, "end": "2000-01-01"}), 400)

    def test_disclosure_is_public(self, api, bad, center):
        rows = api.get(
            "/api/feedback/disclosure/",
            {
                "center": center.region_code,
                "month": timezone.localdate(bad.rated_at).strftime("%Y-%m"),
            },
        ).json()
        assert sum(r["bad_ratings"] for r in rows) == 1


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class TestHotlineImport:
    HEADER = [
        "工单号",
        "评价时间",
        "部门",
        "窗口号",
        "工号",
        "办件编号",
        "评价等级",
        "评价内容",
        "评价人",
        "联系电话",
    ]

    def upload(self, api, data, name="ratings.xlsx", kind="ratings", dry_run=False):
        return api.post(
            "/api/feedback/imports/hotline/",
            {"kind": kind, "file": SimpleUploadedFile(name, data), "dry_run": dry_run},
            format="multipart",
        )

    def test_dry_run_then_import(self, api, admin_user, department, clerk):
        api.force_authenticate(admin_user)
        case = completed_case(department=department)
        data = xlsx(
            [
                self.HEADER,
                [
                    "G1",
                    "2026-05-03 09:00",
                    department.name,
                    "",
                    clerk.staff_number,
                    case.number,
                    "不满意",
                    "慢",
                    "赵六",
                    "13600000000",
                ],
                ["G2", "2026-05-04", department.name, "", "", "", 5, "", "", ""],
            ]
        )
        assert self.upload(api, data, dry_run=True).json() == {"rows": 2, "dry_run": True}
        assert not Evaluation.objects.exists()
        assert self.upload(api, data).json() == {"rows": 2, "dry_run": False}
        imported = Evaluation.objects.get(external_ref="G1")
        assert (imported.level, imported.channel, imported.case) == (2, "hotline", case)
        assert imported.rectification.status == Rectification.Status.OPEN
        assert_error(self.upload(api, data), 400)  # the same work orders again: nothing changes
        assert Evaluation.objects.count() == 2

    def test_bad_row_is_named_and_nothing_is_kept(self, api, admin_user, department):
        api.force_authenticate(admin_user)
        data = xlsx(
            [
                self.HEADER,
                ["G1", "2026-05-03", department.name, "", "", "", 5, "", "", ""],
                ["G2", "2026-05-03", "不存在的局", "", "", "", 5, "", "", ""],
            ]
        )
        response = self.upload(api, data)
        assert_error(response, 400)
        assert "第3行" in response.json()["message"] and "不存在的局" in response.json()["message"]
        assert not Evaluation.objects.exists()

    @pytest.mark.parametrize("kind", ["ratings", "complaints"])
    def test_a_time_still_to_come_is_refused(self, api, admin_user, department, kind):
        """A work order cannot be rated or received tomorrow (a mistyped year, 2062 for 2026,
        would file the rating and its rectification decades ahead, out of every month)."""
        api.force_authenticate(admin_user)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        header, row = (
            (["工单号", "评价时间", "部门", "评价等级"], ["G1", str(tomorrow), department.name, 1])
            if kind == "ratings"
            else (["工单号", "受理时间", "反映内容"], ["T1", str(tomorrow), "没人接电话"])
        )
        response = self.upload(api, xlsx([header, row]), kind=kind)
        assert_error(response, 400, "row_invalid")
        assert "第2行" in response.json()["message"]
        assert not Evaluation.objects.exists() and not Complaint.objects.exists()

    def test_complaints_from_csv(self, api, admin_user, department):
        api.force_authenticate(admin_user)
        text = (
            "工单号,受理时间,部门,反映内容,联系电话\nT1,2026-05-05 10:00,{d},窗口推诿,13500000000\n"
        )
        response = self.upload(
            api, text.format(d=department.name).encode("gb18030"), name="c.csv", kind="complaints"
        )
        assert response.json()["rows"] == 1
        complaint = Complaint.objects.get()
        assert (complaint.channel, complaint.external_ref) == ("hotline", "T1")

    @pytest.mark.parametrize(
        ("name", "data"),
        [("x.txt", b"abc"), ("x.xlsx", b"not a zip"), ("x.csv", "评价时间\n".encode())],
    )
    def test_unreadable_files_are_refused(self, api, admin_user, name, data):
        api.force_authenticate(admin_user)
        assert_error(self.upload(api, data, name=name), 400)

    def test_needs_the_permission(self, api, clerk):
        api.force_authenticate(clerk.user)
        assert_error(self.upload(api, xlsx([self.HEADER])), 403)


class TestOutOfRangeDates:
    def test_refused_not_crashed(self, api, admin_user, client):
        assert_error(api.get("/api/feedback/disclosure/", {"month": "0000-01"}), 400)
        api.force_authenticate(admin_user)
        assert_error(
            api.get("/api/feedback/figures/", {"start": "9999-12-30", "end": "9999-12-31"}), 400
        )
        assert client.get("/disclosure/", {"month": "0000-01"}).status_code == 200
