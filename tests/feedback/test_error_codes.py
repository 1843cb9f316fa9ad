"""Every refusal of feedback names its code of `FeedbackError` (docs/architecture.md): the API
and JSON clients read it, and nothing is changed."""

import datetime as dt
import io
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from rest_framework.test import APIClient

from govhall.core.errors import DomainError
from govhall.core.roles import Role
from govhall.feedback import links, services
from govhall.feedback.errors import FeedbackError as E
from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    Channel,
    Complaint,
    Evaluation,
    Rectification,
)
from govhall.feedback.views import PAD_COOKIE
from tests.factories import CenterFactory, ServiceItemFactory, StaffProfileFactory, UserFactory
from tests.feedback.factories import served_ticket

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def refused(code, call):
    """`call()` raises the error of `code`, of its kind."""
    with pytest.raises(DomainError) as caught:
        call()
    assert (caught.value.code, type(caught.value)) == (code, code.error)
    return caught.value


def answers(response, code):
    assert (response.status_code, response.json()["code"]) == (code.status, code), response.content


@pytest.fixture
def invitation(clerk, window):
    return services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
    )


def token(invitation):
    return links.sign_invitation(invitation.pk)


def rate_bad(invitation, phone="13800001234"):
    return services.rate_with_link(
        token=token(invitation), level=1, rater_phone=phone, comment="慢", actor=None
    )


@pytest.fixture
def lead(make_user, department):
    return make_user(Role.UNIT_LEAD, department=department)


class TestRatings:
    def test_the_rating_links_refusals(self, invitation, citizen, center):
        rate = services.rate_with_link
        refused(E.LINK_FORGED, lambda: rate(token="garbage", level=5, actor=citizen))
        refused(E.LINK_UNKNOWN, lambda: rate(token=links.sign_invitation(999999), level=5))
        refused(E.LEVEL_INVALID, lambda: rate(token=token(invitation), level=6, actor=citizen))
        refused(
            E.CHANNEL_INVALID,
            lambda: rate(token=token(invitation), level=5, channel=Channel.PAD, actor=citizen),
        )
        refused(
            E.ASPECT_UNKNOWN,
            lambda: rate(token=token(invitation), level=5, aspects=["好看"], actor=citizen),
        )
        refused(
            E.PHONE_INVALID,
            lambda: rate(token=token(invitation), level=5, rater_phone="12", actor=citizen),
        )
        assert not Evaluation.objects.exists()
        rate(token=token(invitation), level=5, actor=citizen)
        refused(E.ALREADY_RATED, lambda: rate(token=token(invitation), level=1, actor=citizen))
        record = services.ratings._record_evaluation
        common = {"center_id": center.pk, "department": invitation.department}
        common |= {"window": None, "staff": None}
        refused(E.CHANNEL_INVALID, lambda: record(level=5, channel="fax", **common))
        refused(
            E.ALREADY_RATED,
            lambda: record(level=5, channel="hotline", ticket=invitation.ticket, **common),
        )
        assert Evaluation.objects.count() == 1

    def test_the_appeals_refusals(self, invitation, lead, admin_user):
        evaluation = rate_bad(invitation)
        appeal = services.file_appeal(evaluation=evaluation, reason="不服", actor=lead)
        refused(
            E.APPEAL_EXISTS,
            lambda: services.file_appeal(evaluation=evaluation, reason="再次", actor=lead),
        )
        services.decide_appeal(appeal=appeal, upheld=True, actor=admin_user)
        refused(
            E.APPEAL_DECIDED,
            lambda: services.decide_appeal(appeal=appeal, upheld=False, actor=admin_user),
        )
        Appeal.objects.all().delete()
        refused(
            E.EVALUATION_EXCLUDED,
            lambda: services.file_appeal(evaluation=evaluation, reason="再次", actor=lead),
        )
        refused(
            E.RECORD_NOT_FOUND,
            lambda: services.decide_appeal(appeal=appeal, upheld=False, actor=admin_user),
        )


class TestRectification:
    def test_the_steps_refusals(self, invitation, lead):
        rect = rate_bad(invitation).rectification
        verify, rectify = services.verify_rectification, services.rectify
        refused(
            E.RECTIFICATION_WRONG_STEP,
            lambda: services.close_rectification(rectification=rect, actor=lead),
        )
        refused(
            E.FIELD_REQUIRED,
            lambda: verify(rectification=rect, valid=False, reason=" ", actor=lead),
        )
        verify(rectification=rect, valid=False, reason="不属实", actor=lead)
        for measures, kind, by, code in [
            ("", "explanation", None, E.FIELD_REQUIRED),
            ("说明", "", None, E.FIELD_REQUIRED),
            ("整改", "deadline", None, E.DEADLINE_INVALID),
            ("整改", "deadline", dt.date(2000, 1, 1), E.DEADLINE_INVALID),
            ("整改", "immediate", None, E.EXPLANATION_ONLY),
        ]:
            refused(
                code,
                lambda m=measures, k=kind, b=by: rectify(
                    rectification=rect, measures=m, kind=k, rectify_by=b, actor=lead
                ),
            )
        rectify(rectification=rect, measures="说明", kind="explanation", actor=lead)
        refused(
            E.SATISFACTION_REQUIRED,
            lambda: services.record_callback(rectification=rect, reached=True, actor=lead),
        )
        rect.refresh_from_db()
        assert rect.status == Rectification.Status.RECTIFIED

    def test_a_rating_without_a_phone_was_not_reached(self, clerk, window, lead):
        ticket = served_ticket(staff=clerk, window=window, phone="")
        invitation = services.invite_for_ticket(ticket=ticket, actor=clerk.user)
        rect = rate_bad(invitation, phone="").rectification
        services.verify_rectification(rectification=rect, valid=True, reason="属实", actor=lead)
        services.rectify(rectification=rect, measures="整改", kind="immediate", actor=lead)
        refused(
            E.NO_PHONE,
            lambda: services.record_callback(
                rectification=rect, reached=True, satisfaction="satisfied", actor=lead
            ),
        )


class TestComplaints:
    def test_receiving_refusals(self, center, department, other_department, clerk):
        create = services.create_complaint
        item = ServiceItemFactory(center=center, department=other_department)
        elsewhere = StaffProfileFactory(center=CenterFactory())
        for code, about in [
            (E.NOT_IN_DEPARTMENT, {"department": department, "item": item}),
            (E.DEPARTMENT_AMBIGUOUS, {"staff": clerk, "item": item}),
            (E.OTHER_CENTER, {"staff": elsewhere}),
            (E.PHONE_INVALID, {"complainant_phone": "12"}),
            (E.FIELD_INVALID, {"content": " "}),
        ]:
            content = about.pop("content", "x")
            refused(
                code,
                lambda a=about, c=content: create(center=center, channel="phone", content=c, **a),
            )
        create(center=center, channel="phone", content="x", external_ref="G1")
        refused(
            E.ALREADY_IMPORTED,
            lambda: create(center=center, channel="phone", content="y", external_ref="G1"),
        )
        assert Complaint.objects.count() == 1

    def test_handling_refusals(self, center, department, lead):
        complaint = services.create_complaint(
            center=center,
            channel="phone",
            content="x",
            department=department,
            complainant_phone="13700000000",
        )
        stranger = UserFactory(center=CenterFactory())
        refused(
            E.OTHER_CENTER,
            lambda: services.assign_complaint(complaint=complaint, assignee=stranger, actor=lead),
        )
        resolve = services.resolve_complaint
        refused(
            E.COMPLAINT_WRONG_STEP,
            lambda: resolve(complaint=complaint, valid=True, resolution="已办", actor=lead),
        )
        services.assign_complaint(complaint=complaint, assignee=lead, actor=lead)
        for code, verdict in [
            (E.FIELD_REQUIRED, {"valid": True, "resolution": " "}),
            (E.DEDUCTION_INVALID, {"valid": True, "resolution": "已办", "deduction": "两分"}),
            (E.DEDUCTION_INVALID, {"valid": True, "resolution": "已办", "deduction": -1}),
            (E.DEDUCTION_NOT_ALLOWED, {"valid": False, "resolution": "已办", "deduction": 1}),
        ]:
            refused(code, lambda v=verdict: resolve(complaint=complaint, actor=lead, **v))
        resolve(complaint=complaint, valid=True, resolution="已办", actor=lead)
        refused(
            E.SATISFACTION_REQUIRED,
            lambda: services.callback_complaint(complaint=complaint, reached=True, actor=lead),
        )
        refused(
            E.CALLBACK_REQUIRED,
            lambda: services.close_complaint(complaint=complaint, actor=lead),
        )


def test_the_assists_refusals(center, department, other_department, clerk):
    def record(staff, date=dt.date(2026, 5, 6)):
        return services.record_assist(
            center=center,
            kind="weekend",
            department=department,
            staff=staff,
            date=date,
            count=1,
            actor=clerk.user,
        )

    refused(E.OTHER_CENTER, lambda: record(StaffProfileFactory(center=CenterFactory())))
    refused(
        E.NOT_IN_DEPARTMENT,
        lambda: record(StaffProfileFactory(center=center, department=other_department)),
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(E.TIME_IN_FUTURE, lambda: record(None, tomorrow))
    assert not AssistRecord.objects.filter(date=tomorrow).exists()


def xlsx(*rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_hotline_imports_refusals(center, department, admin_user):
    def upload(data, kind="ratings"):
        return services.import_hotline(
            center=center, kind=kind, filename="r.xlsx", data=data, dry_run=False, actor=admin_user
        )

    header = ["工单号", "评价时间", "部门", "评价等级"]
    for code, data, kind in [
        (E.IMPORT_KIND_INVALID, xlsx(header, ["G1", "2026-05-03", department.name, 5]), "x"),
        (E.COLUMN_MISSING, xlsx(["工单号"], ["G1"]), "ratings"),
        (E.CELL_REQUIRED, xlsx(header, ["G1", "", department.name, 5]), "ratings"),
        (E.NO_ROWS, xlsx(header), "ratings"),
        (E.ROW_INVALID, xlsx(header, ["G1", "2026-05-03", "无此部门", 5]), "ratings"),
    ]:
        refused(code, lambda d=data, k=kind: upload(d, k))
    assert not Evaluation.objects.exists()


class TestPads:
    @pytest.fixture(autouse=True)
    def _fresh_counts(self):
        cache.clear()  # the pairing failures counted over all clients
        yield
        cache.clear()

    def test_the_pairing_refusals(self, center, window, clerk, other_department):
        from tests.factories import WindowFactory

        other = WindowFactory(center=center, departments=[other_department])
        refused(
            E.NOT_OWN_WINDOW,
            lambda: services.issue_pairing_code(window=other, actor=clerk.user),
        )
        refused(E.BAD_CODE, lambda: services.pair_pad(code="ABCDEFGH", client="10.9.9.9"))
        for _ in range(20):
            try:
                services.pair_pad(code="ABCDEFGH", client="10.9.9.9")
            except DomainError as exc:
                if exc.code == E.PAIRING_LOCKED:
                    break
        refused(E.PAIRING_LOCKED, lambda: services.pair_pad(code="ABCDEFGH", client="10.9.9.9"))

    def test_the_pad_pages_refusals(self, client, window, clerk):
        answers(client.get(reverse("feedback:pad_state"), **JSON), E.PAD_UNKNOWN)
        code = services.issue_pairing_code(window=window, actor=clerk.user).pairing_code
        client.post(reverse("feedback:pad_pair"), {"code": code})
        assert client.cookies[PAD_COOKIE].value
        rate = reverse("feedback:pad_rate")
        answers(client.post(rate, {"invitation": "x", "level": "5"}, **JSON), E.RATING_INCOMPLETE)
        answers(client.post(rate, {"invitation": "1", "level": "x"}, **JSON), E.RATING_INCOMPLETE)
        skip = reverse("feedback:pad_skip")
        skipped = client.post(skip, {"invitation": ""})  # the pad shows why, and goes on
        assert skipped.status_code == 200 and "评价数据不完整" in skipped.content.decode()
        assert not Evaluation.objects.exists()

    def test_the_pad_api_needs_its_token(self):
        answers(APIClient().post("/api/feedback/pad/rate/", {}, format="json"), E.PAD_UNKNOWN)


class TestApi:
    def test_records_outside_the_scope(self, admin_user):
        api = APIClient()
        api.force_authenticate(admin_user)
        for url in [
            "/api/feedback/evaluations/999999/appeal/",
            "/api/feedback/appeals/999999/decide/",
            "/api/feedback/rectifications/999999/verify/",
        ]:
            answers(api.post(url, {}, format="json"), E.RECORD_NOT_FOUND)

    def test_whole_centre_figures_and_disclosure(self, lead):
        api = APIClient()
        api.force_authenticate(lead)
        period = {"start": "2026-05-01", "end": "2026-05-31", "by": "center"}
        answers(api.get("/api/feedback/figures/", period), E.CENTER_ONLY)
        answers(api.get("/api/feedback/figures/callbacks/", period), E.CENTER_ONLY)
        answers(
            api.get("/api/feedback/disclosure/", {"center": "999999", "month": "2026-05"}),
            E.CENTER_NOT_FOUND,
        )

    def test_a_user_of_no_centre(self, make_user):
        api = APIClient()
        api.force_authenticate(make_user(Role.CENTER_ADMIN, user_center=None))
        answers(
            api.post("/api/feedback/complaints/", {"channel": "phone", "content": "x"}),
            E.NO_CENTER,
        )


class TestPages:
    def test_records_and_links_that_are_not_there(self, client, admin_user):
        answers(client.get(f"/feedback/t/{uuid.uuid4()}/", **JSON), E.TICKET_NOT_FOUND)
        answers(client.get("/feedback/c/garbage/", **JSON), E.LINK_FORGED)
        answers(client.get("/disclosure/", {"center": "nowhere"}, **JSON), E.CENTER_NOT_FOUND)
        client.force_login(admin_user)
        answers(
            client.get(reverse("feedback:rectification", args=[999999]), **JSON),
            E.RECORD_NOT_FOUND,
        )

    def test_a_step_posted_from_a_stale_page(self, client, invitation, lead):
        rect = rate_bad(invitation).rectification
        client.force_login(lead)
        url = reverse("feedback:rectification", args=[rect.pk])
        answers(client.post(url, {"step": "close"}, **JSON), E.STEP_STALE)
        rect.refresh_from_db()
        assert rect.status == Rectification.Status.OPEN

    def test_who_may_open_the_desk(self, client, make_user):
        client.force_login(make_user())
        answers(client.get(reverse("feedback:home"), **JSON), E.NO_ROLE)
        client.force_login(make_user(Role.CENTER_ADMIN, user_center=None))
        answers(client.get(reverse("feedback:hotline_import"), **JSON), E.NO_CENTER)

    def test_the_rating_deadline_is_on_the_link(self, invitation, citizen):
        from govhall.feedback.models import Invitation

        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
        refused(
            E.LINK_EXPIRED,
            lambda: services.rate_with_link(token=token(invitation), level=5, actor=citizen),
        )
