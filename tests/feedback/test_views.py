import re

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.core.roles import Role
from govhall.feedback import links, services
from govhall.feedback.models import Appeal, AssistRecord, Complaint, Evaluation, Rectification
from govhall.feedback.views import PAD_COOKIE
from tests.feedback.factories import completed_case, served_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(clerk, window):
    return services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
    )


@pytest.fixture
def bad_rating(invitation):
    return services.rate_with_link(
        token=links.sign_invitation(invitation.pk), level=1, rater_name="李四", actor=None
    )


class TestRatePage:
    def test_citizen_rates_through_the_link(self, client, invitation):
        url = reverse("feedback:rate", args=[links.sign_invitation(invitation.pk)])
        page = client.get(url)
        assert page.status_code == 200 and "提交评价" in page.content.decode()
        done = client.post(
            url + "?via=qr", {"level": "4", "aspects": ["服务态度"], "rater_phone": "13911112222"}
        )
        assert done.status_code == 200 and "感谢您的评价" in done.content.decode()
        evaluation = Evaluation.objects.get()
        assert (evaluation.level, evaluation.channel) == (4, "qr")
        assert evaluation.aspects == ["服务态度"]

    def test_used_forged_and_bad_input_are_refused_with_a_message(self, client, invitation):
        url = reverse("feedback:rate", args=[links.sign_invitation(invitation.pk)])
        bad = client.post(url, {"level": "9"})
        assert bad.status_code == 200 and not Evaluation.objects.exists()
        client.post(url, {"level": "5"})
        again = client.get(url)
        assert again.status_code == 409 and "只能评价一次" in again.content.decode()
        forged = client.get(reverse("feedback:rate", args=["1:abc:def"]))
        assert forged.status_code == 403 and "篡改" in forged.content.decode()
        assert Evaluation.objects.count() == 1

    def test_staff_member_cannot_rate_their_own_service(self, client, invitation, clerk):
        client.force_login(clerk.user)
        url = reverse("feedback:rate", args=[links.sign_invitation(invitation.pk)])
        response = client.post(url, {"level": "5"})
        assert response.status_code == 403
        assert not Evaluation.objects.exists()

    def test_an_anonymous_bad_rating_needs_a_comment(self, client, clerk, window):
        ticket = served_ticket(staff=clerk, window=window, phone="")
        invitation = services.invite_for_ticket(ticket=ticket, actor=clerk.user)
        url = reverse("feedback:rate", args=[links.sign_invitation(invitation.pk)])
        refused = client.post(url, {"level": "1"}).content.decode()
        assert re.search(r'name="comment"[^>]*>[^<]*</textarea>\s*<ul class="errorlist"', refused)
        assert not Evaluation.objects.exists()
        client.post(url, {"level": "1", "comment": "等了很久没人理"})
        assert Evaluation.objects.get().comment == "等了很久没人理"

    def test_a_bad_rating_with_a_phone_to_call_back_needs_no_comment(self, client, invitation):
        url = reverse("feedback:rate", args=[links.sign_invitation(invitation.pk)])
        assert "感谢您的评价" in client.post(url, {"level": "2"}).content.decode()

    def test_staff_have_no_page_listing_citizens_links(self, client, invitation, clerk):
        client.force_login(clerk.user)
        assert client.get(f"/feedback/invitations/{invitation.pk}/").status_code == 404
        for page in ("/feedback/", "/feedback/ratings/"):
            assert links.sign_invitation(invitation.pk) not in client.get(page).content.decode()


class TestRatingEntrances:
    """Issue 18 item 1: the ticket's holder and the receipt's holder meet the rating."""

    def test_finished_tickets_page_leads_to_its_rating(self, client, invitation):
        url = reverse("feedback:rate_ticket", args=[invitation.ticket.token])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == links.rating_path(invitation.pk) + "?via=qr"
        client.post(response["Location"], {"level": "5"})
        page = client.get(url)
        assert page.status_code == 200 and "您已评价本次服务" in page.content.decode()

    def test_a_ticket_not_yet_served_says_when_to_rate(self, client, clerk, window):
        from govhall.queueing.models import Ticket

        ticket = served_ticket(staff=clerk, window=window)
        Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.SERVING)
        page = client.get(reverse("feedback:rate_ticket", args=[ticket.token]))
        assert page.status_code == 200 and "办理完成后可在此评价" in page.content.decode()

    def test_receipt_code_rates_the_visit_then_the_completed_case(
        self, client, clerk, window, department
    ):
        from govhall.core.refs import CASE_RATING_SALT, sign_ref
        from tests.feedback.factories import completed_case

        case = completed_case(department=department, window=window, accepted_by=clerk.user)
        url = reverse("feedback:rate_case", args=[sign_ref(case.pk, salt=CASE_RATING_SALT)])
        assert "办件办结后可在此评价" in client.get(url).content.decode()
        invitation = services.invite_for_case(case=case, actor=None)
        assert client.get(url)["Location"].startswith(links.rating_path(invitation.pk))
        forged = reverse("feedback:rate_case", args=[sign_ref(case.pk, salt="other")])
        assert client.get(forged).status_code == 403


class TestPad:
    def test_pair_poll_tap_and_back_to_idle(self, client, window, clerk):
        assert "配对码" in client.get(reverse("feedback:pad")).content.decode()
        code = services.issue_pairing_code(window=window, actor=clerk.user).pairing_code
        response = client.post(reverse("feedback:pad_pair"), {"code": code})
        assert response.status_code == 302 and client.cookies[PAD_COOKIE].value
        idle = client.get(reverse("feedback:pad_state"))
        assert "pad-idle" in idle.content.decode()
        invitation = services.invite_for_ticket(
            ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
        )
        buttons = client.get(reverse("feedback:pad_state")).content.decode()
        assert "非常满意" in buttons and "非常不满意" in buttons
        thanks = client.post(
            reverse("feedback:pad_rate"), {"invitation": invitation.pk, "level": "5"}
        )
        assert "感谢您的评价" in thanks.content.decode()
        assert Evaluation.objects.get().channel == "pad"
        assert "pad-idle" in client.get(reverse("feedback:pad_state")).content.decode()

    def test_polling_answers_204_while_the_screen_is_right(self, client, window, clerk):
        code = services.issue_pairing_code(window=window, actor=clerk.user).pairing_code
        client.post(reverse("feedback:pad_pair"), {"code": code})
        state = reverse("feedback:pad_state")
        assert client.get(state, {"shown": "0"}).status_code == 204
        invitation = services.invite_for_ticket(
            ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
        )
        assert "非常满意" in client.get(state, {"shown": "0"}).content.decode()
        assert client.get(state, {"shown": str(invitation.pk)}).status_code == 204
        skipped = client.post(reverse("feedback:pad_skip"), {"invitation": invitation.pk})
        assert "pad-idle" in skipped.content.decode()
        assert client.get(state, {"shown": "0"}).status_code == 204

    def test_unpaired_device_is_refused(self, client):
        assert client.get(reverse("feedback:pad_state")).status_code == 403
        assert (
            client.post(reverse("feedback:pad_rate"), {"invitation": 1, "level": 5}).status_code
            == 403
        )

    def test_wrong_code_is_a_form_error(self, client):
        response = client.post(reverse("feedback:pad_pair"), {"code": "000000"})
        assert response.status_code == 400 and "配对码无效" in response.content.decode()

    def test_staff_issue_codes_only_for_their_windows(
        self, client, clerk, window, center, department
    ):
        from tests.factories import WindowFactory

        other = WindowFactory(center=center, departments=[department])  # shared, not theirs
        client.force_login(clerk.user)
        page = client.post(reverse("feedback:pad_code"), {"window": other.pk})
        assert "pairing-code" not in page.content.decode()
        page = client.post(reverse("feedback:pad_code"), {"window": window.pk})
        assert 'data-testid="pairing-code"' in page.content.decode()


def _users(make_user, department, other_department):
    return {
        "inspector": make_user(Role.INSPECTOR),
        "lead": make_user(Role.UNIT_LEAD, department=department),
        "other_lead": make_user(Role.UNIT_LEAD, department=other_department),
        "staff": make_user(Role.WINDOW_STAFF, department=department),
    }


class TestRectificationScoping:
    @pytest.mark.parametrize(
        ("who", "sees"),
        [("inspector", True), ("lead", True), ("staff", True), ("other_lead", False)],
    )
    def test_list_is_scoped(
        self, client, bad_rating, make_user, department, other_department, who, sees
    ):
        client.force_login(_users(make_user, department, other_department)[who])
        page = client.get(reverse("feedback:rectifications")).content.decode()
        link = reverse("feedback:rectification", args=[bad_rating.rectification.pk])
        assert (link in page) is sees

    def test_anonymous_is_sent_to_login(self, client, bad_rating):
        response = client.get(reverse("feedback:rectifications"))
        assert response.status_code == 302 and "login" in response["Location"]

    @pytest.mark.parametrize(
        ("who", "status"),
        [("other_lead", 404), ("staff", 403), ("inspector", 403), ("lead", 302)],
    )
    def test_only_the_units_lead_verifies(
        self, client, bad_rating, make_user, department, other_department, who, status
    ):
        client.force_login(_users(make_user, department, other_department)[who])
        rect = bad_rating.rectification
        response = client.post(
            reverse("feedback:rectification", args=[rect.pk]),
            {"step": "verify", "valid": "1", "reason": "属实"},
        )
        assert response.status_code == status
        rect.refresh_from_db()
        expected = Rectification.Status.VERIFIED if status == 302 else Rectification.Status.OPEN
        assert rect.status == expected

    def test_rater_identity_is_whole_only_for_those_who_call_back(
        self, client, bad_rating, make_user, department, other_department
    ):
        users = _users(make_user, department, other_department)
        url = reverse("feedback:rectification", args=[bad_rating.rectification.pk])
        client.force_login(users["lead"])
        assert "李四" in client.get(url).content.decode()
        client.force_login(users["inspector"])
        page = client.get(url).content.decode()
        assert "李*" in page and "李四" not in page and "13800000001" not in page


class TestRatedCaseStaysAnonymous:
    """A case's rating names its case only to those who call back: the case page shows the
    applicant (the rater) in full, so the number would undo the masking."""

    @pytest.fixture
    def case_rating(self, department):
        case = completed_case(department=department)
        invitation = services.invite_for_case(case=case, actor=None)
        services.rate_with_link(token=links.sign_invitation(invitation.pk), level=1)
        return case

    @pytest.mark.parametrize(
        ("who", "shown"), [("lead", True), ("staff", False), ("inspector", False)]
    )
    def test_pages_and_api(
        self, client, case_rating, make_user, department, other_department, who, shown
    ):
        client.force_login(_users(make_user, department, other_department)[who])
        evaluation = Evaluation.objects.get(case=case_rating)
        for url in (
            reverse("feedback:evaluation", args=[evaluation.pk]),
            reverse("feedback:rectification", args=[evaluation.rectification.pk]),
        ):
            page = client.get(url).content.decode()
            assert (case_rating.number in page) is shown
            assert ("张三" in page) is shown
        for url in (
            f"/api/feedback/evaluations/{evaluation.pk}/",
            f"/api/feedback/rectifications/{evaluation.rectification.pk}/",
        ):
            body = client.get(url).content.decode()
            assert (case_rating.number in body) is shown
        assert client.get(reverse("cases:detail", args=[case_rating.number])).status_code == 200


class TestDeskPages:
    def test_window_staff_registers_a_complaint_and_an_assist(self, client, clerk, department):
        client.force_login(clerk.user)
        response = client.post(
            reverse("feedback:complaints"),
            {"channel": "window", "content": "办不成", "department": department.pk},
        )
        assert response.status_code == 302
        assert Complaint.objects.get().department == department
        response = client.post(
            reverse("feedback:assists"),
            {"kind": "weekend", "department": department.pk, "date": "2026-05-09", "count": 2},
        )
        assert response.status_code == 302
        assert AssistRecord.objects.get().count == 2

    def test_window_staff_cannot_record_for_another_unit(self, client, clerk, other_department):
        client.force_login(clerk.user)
        response = client.post(
            reverse("feedback:assists"),
            {"kind": "weekend", "department": other_department.pk, "date": "2026-05-09"},
        )
        assert response.status_code == 200 and not AssistRecord.objects.exists()

    def test_complaint_flow_through_the_page(self, client, make_user, department, center):
        lead = make_user(Role.UNIT_LEAD, department=department)
        complaint = services.create_complaint(
            center=center, channel="phone", content="x", department=department
        )
        client.force_login(lead)
        url = reverse("feedback:complaint", args=[complaint.pk])
        client.post(url, {"step": "assign", "assignee": lead.staff_profile.pk})
        client.post(url, {"step": "resolve", "valid": "1", "resolution": "已办", "deduction": "1"})
        client.post(url, {"step": "close"})
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.CLOSED and complaint.deduction == 1

    def test_disclosure_is_public(self, client, bad_rating, department):
        month = timezone.localdate(bad_rating.rated_at).strftime("%Y-%m")
        page = client.get(reverse("feedback:disclosure"), {"month": month})
        body = page.content.decode()
        assert page.status_code == 200 and department.name in body
        rated = timezone.localdate(bad_rating.rated_at)
        assert f"{rated.year}年{rated.month}月政务服务好差评公示" in body
        assert page.context["total"]["bad_ratings"] == 1
        assert "<tfoot><tr><th>合计</th>" in body

    @pytest.mark.parametrize("who", ["inspector", "lead"])
    def test_figures_page(self, client, bad_rating, make_user, department, other_department, who):
        client.force_login(_users(make_user, department, other_department)[who])
        today = timezone.localdate()
        for by in ("department", "window", "staff"):
            page = client.get(
                reverse("feedback:figures"),
                {"start": today.replace(day=1), "end": today, "by": by},
            )
            assert page.status_code == 200

    def test_figures_page_opens_on_the_month_so_far(self, client, make_user, department):
        """Like the hall's other figure pages: from the first of the month to today."""
        client.force_login(make_user(Role.INSPECTOR, department=department))
        form = client.get(reverse("feedback:figures")).context["form"]
        today = timezone.localdate()
        assert (form["start"].value(), form["end"].value()) == (today.replace(day=1), today)

    def test_figures_refused_to_window_staff(self, client, clerk):
        client.force_login(clerk.user)
        assert client.get(reverse("feedback:figures")).status_code == 403

    def test_home(self, client, bad_rating, make_user, department):
        client.force_login(make_user(Role.UNIT_LEAD, department=department))
        assert client.get(reverse("feedback:home")).status_code == 200


class TestAppealPages:
    @pytest.mark.parametrize(
        ("who", "status"),
        [("anonymous", 302), ("staff", 403), ("other_lead", 404), ("lead", 302)],
    )
    def test_only_the_rated_units_lead_appeals(
        self, client, bad_rating, make_user, department, other_department, who, status
    ):
        if who != "anonymous":
            client.force_login(_users(make_user, department, other_department)[who])
        response = client.post(
            reverse("feedback:evaluation", args=[bad_rating.pk]), {"reason": "恶意差评"}
        )
        assert response.status_code == status
        assert Appeal.objects.filter(evaluation=bad_rating).exists() is (who == "lead")

    @pytest.mark.parametrize("who", ["lead", "inspector", "admin"])
    def test_only_the_centre_decides(
        self, client, bad_rating, make_user, department, other_department, admin_user, who
    ):
        users = {**_users(make_user, department, other_department), "admin": admin_user}
        appeal = services.file_appeal(evaluation=bad_rating, reason="恶意", actor=users["lead"])
        client.force_login(users[who])
        client.post(reverse("feedback:evaluation", args=[bad_rating.pk]), {"upheld": "1"})
        appeal.refresh_from_db()
        bad_rating.refresh_from_db()
        decided = who == "admin"
        assert (appeal.status == Appeal.Status.UPHELD) is decided
        assert bad_rating.excluded is decided
        assert appeal.evaluation.events.filter(kind="appeal_upheld").exists() is decided


class TestComplaintPermissions:
    @pytest.mark.parametrize(
        ("who", "changed"),
        [("staff", False), ("other_lead", False), ("inspector", False), ("lead", True)],
    )
    def test_assign(self, client, center, make_user, department, other_department, who, changed):
        users = _users(make_user, department, other_department)
        complaint = services.create_complaint(
            center=center, channel="phone", content="x", department=department
        )
        client.force_login(users[who])
        client.post(
            reverse("feedback:complaint", args=[complaint.pk]),
            {"step": "assign", "assignee": users["lead"].staff_profile.pk},
        )
        complaint.refresh_from_db()
        assert (complaint.status == Complaint.Status.ASSIGNED) is changed
        assert complaint.events.count() == (2 if changed else 1)
