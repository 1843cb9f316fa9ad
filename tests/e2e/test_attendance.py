"""In the browser: a staff member signs in and asks for leave; the unit lead approves it."""

import pytest

from govhall.attendance.models import LeaveRequest, Punch
from govhall.core.roles import Role
from tests.attendance.factories import assign

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_then_leave_approved_by_the_lead(page, login, live_server, make_user, department):
    staff = make_user(Role.WINDOW_STAFF, department=department)
    lead = make_user(Role.UNIT_LEAD, department=department)
    for user in (staff, lead):
        assign(user.staff_profile)
    login(staff)
    page.goto(live_server.url + "/attendance/me/")
    page.click("button[name=kind][value=in]")
    assert "签到成功" in page.inner_text(".messages")
    assert Punch.objects.filter(staff=staff.staff_profile).count() == 1
    page.select_option("select[name=kind]", "annual")
    page.fill("input[name=start]", "2026-12-21T08:00")
    page.fill("input[name=end]", "2026-12-21T18:00")
    page.fill("textarea[name=reason]", "年休假探亲")
    page.click("text=提交申请")
    assert "等待单位审批" in page.inner_text(".messages")
    page.context.clear_cookies()
    login(lead)
    page.goto(live_server.url + "/attendance/approvals/")
    assert "年休假探亲" in page.inner_text("main")
    page.click("button[name=decision][value=approve]")
    assert "已同意" in page.inner_text(".messages")
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.PENDING_CENTER
