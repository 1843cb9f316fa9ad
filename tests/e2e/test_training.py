"""The office records a training session in the browser, ticks who took part, and the year's
page counts the session, the attendances and the coverage by unit."""

import pytest

from govhall.core.roles import Role, sync_roles
from govhall.training.models import TrainingSession
from tests.factories import CenterFactory, DepartmentFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_session_recorded_and_counted(page, login, live_server, settings):
    sync_roles()  # a transactional test database is flushed: the groups come back here
    center = CenterFactory()
    tax = DepartmentFactory(center=center, name="市税务局")
    clerks = [StaffProfileFactory(center=center, department=tax) for _ in range(4)]
    office = UserFactory(center=center, roles=[Role.CENTER_ADMIN])
    login(office)

    page.goto(f"{live_server.url}/training/")
    page.get_by_role("link", name="登记培训").click()
    page.get_by_label("培训名称").fill("服务礼仪与沟通技巧")
    page.get_by_label("培训内容").select_option("etiquette")
    page.get_by_label("培训日期").fill("2026-03-10")
    page.get_by_label("学时").fill("3")
    page.get_by_label("市税务局").check()
    page.get_by_role("button", name="登记").click()

    page.get_by_text("培训已登记").wait_for()
    for clerk in clerks[:3]:
        page.locator(f"#present-{clerk.pk}").check()
    page.get_by_role("button", name="保存参训情况").click()
    page.get_by_text("参训情况已保存").wait_for()
    page.goto(f"{live_server.url}/training/?year=2026")
    screens = settings.VAR_DIR / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screens / "training-year.png"), full_page=True)

    session = TrainingSession.objects.get()
    assert session.state == TrainingSession.State.HELD
    row = page.locator("tr", has_text="市税务局")
    assert row.locator("td").all_inner_texts() == ["市税务局", "4", "3", "75%", "3", "9.0", "0"]
