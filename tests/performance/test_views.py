"""Role checks of the evaluation's pages and API: refused requests change nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from govhall.core.roles import Role
from govhall.performance import selectors, services
from govhall.performance.models import EvaluationPeriod, EvaluationRun
from tests.cases.factories import accept, on
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(center, department):
    services.ensure_default_rubric(center=center)
    accept(ServiceItemFactory(center=center, department=department), day=dt.date(2026, 5, 11))
    return services.evaluate_period(center=center, code="2026-05")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        (Role.WINDOW_STAFF, 403),
        (Role.UNIT_LEAD, 403),
        (Role.APPROVER, 403),
        (Role.LEADER, 200),
        (Role.INSPECTOR, 200),
        (Role.CENTER_ADMIN, 200),
    ],
)
def test_dashboard_and_run_pages_by_role(client, make_user, department, draft, role, status):
    if role is not None:
        client.force_login(make_user(role, department=department))
    for url in (
        reverse("performance:dashboard") + "?period=2026-05",
        reverse("performance:run_detail", args=[draft.pk]),
        reverse("performance:run_xlsx", args=[draft.pk]),
    ):
        assert client.get(url).status_code == status


@pytest.mark.parametrize("role", [Role.LEADER, Role.INSPECTOR, Role.UNIT_LEAD, Role.WINDOW_STAFF])
def test_only_the_centre_admin_computes_and_publishes(client, make_user, department, draft, role):
    client.force_login(make_user(role, department=department))
    assert client.post(reverse("performance:compute"), {"period": "2026-05"}).status_code == 403
    assert client.post(reverse("performance:publish", args=[draft.pk])).status_code == 403
    assert EvaluationRun.objects.count() == 1
    draft.refresh_from_db()
    assert draft.status == EvaluationRun.Status.DRAFT


def test_admin_computes_publishes_and_gets_the_documents(client, admin_user, draft):
    client.force_login(admin_user)
    response = client.post(reverse("performance:compute"), {"period": "2026-05"})
    run = EvaluationRun.objects.get(version=2)
    assert response.url == reverse("performance:run_detail", args=[run.pk])
    client.post(reverse("performance:publish", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.PUBLISHED
    docx = client.get(reverse("performance:run_docx", args=[run.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.post(reverse("performance:publish", args=[run.pk])).status_code == 409


def test_bad_period_is_a_clear_error(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("performance:compute"), {"period": "2026-13"})
    assert response.status_code == 400
    assert "格式不正确" in response.content.decode()
    assert not EvaluationRun.objects.exists()


def test_api_compute_and_publish(client, admin_user, draft):
    client.force_login(admin_user)
    bad = client.post(
        "/api/performance/compute/", {"period": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_period"
    made = client.post(
        "/api/performance/compute/", {"period": "2026-05"}, content_type="application/json"
    )
    assert made.status_code == 201
    run_id = made.json()["id"]
    published = client.post(f"/api/performance/runs/{run_id}/publish/")
    assert published.json()["status"] == "published"
    listing = client.get("/api/performance/runs/?period=2026-05").json()
    assert {r["version"] for r in listing["results"]} == {1, 2}


def test_api_refuses_unit_roles(client, make_user, department, draft):
    client.force_login(make_user(Role.WINDOW_STAFF, department=department))
    response = client.post(
        "/api/performance/compute/", {"period": "2026-05"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert EvaluationRun.objects.count() == 1


def test_marks_entry_form(client, make_user, department, draft, center):
    leader = make_user(Role.LEADER)
    client.force_login(leader)
    dimension = draft.rubric.dimensions.get(code="competence")
    url = reverse("performance:enter_scores", args=["2026-05", dimension.pk])
    bad = client.post(url, {f"score-{department.pk}": "120"})
    assert bad.status_code == 400
    assert not dimension.manual.exists()
    client.post(url, {f"score-{department.pk}": "88.5"})
    assert dimension.manual.get().score == 88.5
    again = client.get(url)
    assert 'value="88.50"' in again.content.decode()


def test_looking_at_a_period_creates_nothing(client, admin_user, center, department):
    """The dashboard and the marks form of a period never evaluated are reads: no period row."""
    services.ensure_default_rubric(center=center)
    dimension = selectors.manual_dimensions(center_id=center.pk)[0]
    client.force_login(admin_user)
    assert client.get(reverse("performance:dashboard") + "?period=2026-03").status_code == 200
    marks = client.get(reverse("performance:enter_scores", args=["2026-03", dimension.pk]))
    assert marks.status_code == 200
    assert "2026年3月" in marks.content.decode()
    assert not EvaluationPeriod.objects.exists()
    assert (
        client.get(reverse("performance:enter_scores", args=["2026-13", dimension.pk])).status_code
        == 400
    )


def test_dashboard_ranks_only_the_ranked_units(client, admin_user, center, department):
    """A unit listed apart has a total but no rank: the table names its standing (it printed
    "None"), and the ranking chart leaves it out (its 84.62 was drawn beside the ranked)."""
    services.ensure_default_rubric(center=center)
    accept(ServiceItemFactory(center=center, department=department), day=dt.date(2026, 5, 11))
    apart = DepartmentFactory(center=center, name="县科学技术局", entered=False)
    services.evaluate_period(center=center, code="2026-05")
    client.force_login(admin_user)
    response = client.get(reverse("performance:dashboard") + "?period=2026-05")
    page = response.content.decode()
    assert "<td>None</td>" not in page
    link = reverse("performance:department", args=[apart.pk])
    assert f'<td>未进驻</td><td><a href="{link}' in page
    assert department.name in response.context["ranking_svg"]
    assert apart.name not in response.context["ranking_svg"]


def test_dashboard_of_a_running_month_says_to_which_day_and_trend_has_no_zero_before_launch(
    client, admin_user, center, department
):
    """The figures of a month still running stop at today; in the trend, the months before the
    centre's first case and after today are gaps, not a climb from 0 and a fall to it."""
    accept(ServiceItemFactory(center=center, department=department), day=dt.date(2026, 5, 11))
    client.force_login(admin_user)
    with on(dt.date(2026, 5, 20)):
        running = client.get(reverse("performance:dashboard") + "?period=2026-05")
    assert "2026年5月(截至5月20日)" in running.content.decode()
    with on(dt.date(2026, 5, 20)):
        unit = client.get(
            reverse("performance:department", args=[department.pk]) + "?period=2026-05"
        )
    assert "2026年5月(截至5月20日)" in unit.content.decode()
    with on(dt.date(2026, 6, 20)):
        client.force_login(admin_user)  # a month idle logs the session out
        ended = client.get(reverse("performance:dashboard") + "?period=2026-05")
    assert "效能看板 · 2026年5月<" in ended.content.decode()
    with on(dt.date(2026, 4, 20)):
        client.force_login(admin_user)
        future = client.get(reverse("performance:dashboard") + "?period=2026-05")
    assert "该考核期尚未开始。" in future.content.decode()
    assert future.context["figures"] is None
    assert not future.context["can_compute"]
    with on(dt.date(2026, 5, 20)):
        trend = selectors.trend(center_id=center.pk, codes=["2026-04", "2026-05", "2026-06"])
    assert [row.get("accepted") for row in trend] == [None, 1, None]
