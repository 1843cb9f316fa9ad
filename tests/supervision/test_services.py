"""Problem lists, census and sign-off through the services, including who may do what."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from govhall.core.roles import Role
from govhall.supervision import selectors, services
from govhall.supervision.models import (
    CampaignUnit,
    CensusReport,
    Problem,
    ProblemCategory,
    ProblemEvent,
    SignOff,
    SupervisionSettings,
)
from tests.factories import CenterFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def _problem(actor, unit, category, **kwargs):
    return services.create_problem(
        actor=actor, unit=unit, category=category, description="咨询电话无人接听", **kwargs
    )


def test_new_campaign_has_seed_002s_six_categories_and_three_phases(campaign):
    assert [c.name for c in campaign.categories.all()] == [
        "群众不清楚办事要求",
        "办事证明材料过多过滥",
        "大厅事项不集中授权不到位",
        "便民服务设施少",
        "办事排队等待时间长",
        "其他",
    ]
    assert [p.get_kind_display() for p in campaign.phases.all()] == [
        "自查自纠",
        "集中督查",
        "巩固提升",
    ]
    assert [u.kind for u in campaign.units.all()] == ["department", "department", "town"]


def test_campaign_categories_can_be_given(admin_user, center, department):
    campaign = services.create_campaign(
        actor=admin_user,
        center_id=center.pk,
        title="t",
        department_ids=[department.pk],
        phase_ends={
            "self_check": dt.date(2026, 1, 1),
            "inspection": dt.date(2026, 2, 1),
            "consolidation": dt.date(2026, 3, 1),
        },
        categories=["证照不齐", "其他问题", "证照不齐"],
    )
    assert [c.name for c in campaign.categories.all()] == ["证照不齐", "其他问题"]


def test_campaign_refuses_foreign_departments(admin_user, center, department):
    foreign = DepartmentFactory(center=CenterFactory())
    with pytest.raises(ValidationFailed):
        services.create_campaign(
            actor=admin_user,
            center_id=center.pk,
            title="t",
            department_ids=[department.pk, foreign.pk],
            phase_ends={
                "self_check": dt.date(2026, 1, 1),
                "inspection": dt.date(2026, 2, 1),
                "consolidation": dt.date(2026, 3, 1),
            },
        )


@pytest.mark.parametrize("role", [None, Role.UNIT_LEAD, Role.INSPECTOR, Role.LEADER])
def test_only_centre_admin_creates_campaigns(make_user, center, department, role):
    user = make_user(*([role] if role else []), department=department)
    with pytest.raises(PermissionDenied):
        services.create_campaign(
            actor=user,
            center_id=center.pk,
            title="t",
            department_ids=[department.pk],
            phase_ends={
                "self_check": dt.date(2026, 1, 1),
                "inspection": dt.date(2026, 2, 1),
                "consolidation": dt.date(2026, 3, 1),
            },
        )


# --- role scoping of the lists -------------------------------------------------------------


def test_unit_lead_edits_only_its_own_list(lead, unit, other_unit, town, category):
    mine = _problem(lead, unit, category)
    assert mine.unit == unit and mine.found_by == Problem.Source.SELF_CHECK
    for foreign in (other_unit, town):
        with pytest.raises(PermissionDenied):
            _problem(lead, foreign, category)
    assert Problem.objects.count() == 1


def test_unit_lead_cannot_touch_another_units_problem(lead, other_lead, unit, category):
    problem = _problem(lead, unit, category)
    with pytest.raises(PermissionDenied):
        services.update_problem(actor=other_lead, problem=problem, measure="改")
    with pytest.raises(PermissionDenied):
        services.mark_fixed(actor=other_lead, problem=problem, fix_note="x", measure="y")
    with pytest.raises(PermissionDenied):
        services.add_evidence(
            actor=other_lead, problem=problem, file=SimpleUploadedFile("a.pdf", b"%PDF")
        )
    problem.refresh_from_db()
    assert (problem.status, problem.measure) == (Problem.Status.OPEN, "")
    assert list(problem.events.values_list("kind", flat=True)) == ["created"]


def test_unit_lead_records_only_self_check(lead, unit, category):
    with pytest.raises(PermissionDenied):
        _problem(lead, unit, category, found_by=Problem.Source.INSPECTION)
    with pytest.raises(ValidationFailed):
        _problem(lead, unit, category, found_by=Problem.Source.GUIDE_LINT)
    assert not Problem.objects.exists()


def test_inspector_records_for_any_unit_but_does_not_fix(inspector, unit, town, category):
    problem = _problem(inspector, town, category, found_by=Problem.Source.PUBLIC_REPORT)
    assert problem.found_by == "public_report"
    with pytest.raises(PermissionDenied):
        _problem(inspector, unit, category)  # self-check is the unit's own
    with pytest.raises(PermissionDenied):
        services.mark_fixed(actor=inspector, problem=problem, fix_note="x", measure="y")


@pytest.mark.parametrize("role", [Role.WINDOW_STAFF, Role.LEADER, Role.APPROVER])
def test_read_only_roles_change_nothing(make_user, department, lead, unit, category, role):
    problem = _problem(lead, unit, category)
    user = make_user(role, department=department)
    with pytest.raises(PermissionDenied):
        _problem(user, unit, category)
    with pytest.raises(PermissionDenied):
        services.update_problem(actor=user, problem=problem, measure="m")
    with pytest.raises(PermissionDenied):
        services.confirm_problem(actor=user, problem=problem)
    assert Problem.objects.count() == 1


def test_users_of_another_centre_are_refused(make_user, unit, category):
    foreign_admin = make_user(Role.CENTER_ADMIN, user_center=CenterFactory())
    with pytest.raises(PermissionDenied):
        _problem(foreign_admin, unit, category, found_by=Problem.Source.INSPECTION)


# --- the problem's life ---------------------------------------------------------------------


def test_fix_confirm_reopen_with_events(lead, inspector, unit, category):
    problem = _problem(lead, unit, category, owner="张三")
    with pytest.raises(ValidationFailed):
        services.mark_fixed(actor=lead, problem=problem, fix_note="已开通热线")  # no measure yet
    with pytest.raises(InvalidTransition):
        services.confirm_problem(actor=inspector, problem=problem)
    services.update_problem(actor=lead, problem=problem, measure="安排专人值守咨询电话")
    services.add_evidence(
        actor=lead,
        problem=problem,
        file=SimpleUploadedFile("值班表.pdf", b"%PDF-1.4"),
        title="值班表",
    )
    problem = services.mark_fixed(actor=lead, problem=problem, fix_note="已开通热线")
    assert problem.status == "fixed" and problem.fixed_on is not None
    with pytest.raises(InvalidTransition):
        services.mark_fixed(actor=lead, problem=problem, fix_note="again")
    with pytest.raises(PermissionDenied):
        services.confirm_problem(actor=lead, problem=problem)
    problem = services.confirm_problem(actor=inspector, problem=problem, note="现场核实")
    assert problem.status == "confirmed" and problem.confirmed_by == inspector
    with pytest.raises(ValidationFailed):
        services.reopen_problem(actor=inspector, problem=problem, reason=" ")
    problem = services.reopen_problem(actor=inspector, problem=problem, reason="暗访仍无人接听")
    assert problem.status == "reopened"
    assert problem.fixed_on is None and problem.confirmed_by is None
    kinds = list(problem.events.values_list("kind", flat=True))
    assert kinds == ["created", "updated", "evidence", "fixed", "confirmed", "reopened"]
    reopened = problem.events.get(kind=ProblemEvent.Kind.REOPENED)
    assert reopened.actor == inspector and reopened.details["reason"] == "暗访仍无人接听"


def test_unit_cannot_move_its_deadline_but_the_centre_can(clock, lead, inspector, unit, category):
    clock(dt.date(2018, 5, 12))
    problem = _problem(lead, unit, category)
    with pytest.raises(PermissionDenied):
        services.update_problem(actor=lead, problem=problem, deadline=dt.date(2018, 7, 1))
    problem.refresh_from_db()
    assert problem.deadline == dt.date(2018, 5, 20)
    services.update_problem(actor=inspector, problem=problem, deadline=dt.date(2018, 7, 1))
    problem.refresh_from_db()
    assert problem.deadline == dt.date(2018, 7, 1)
    assert problem.events.get(kind="updated").details["changes"]["deadline"] == [
        "2018-05-20",
        "2018-07-01",
    ]


def test_category_of_another_campaign_is_refused(admin_user, center, lead, unit, department):
    other = services.create_campaign(
        actor=admin_user,
        center_id=center.pk,
        title="另一活动",
        department_ids=[department.pk],
        phase_ends={
            "self_check": dt.date(2030, 1, 1),
            "inspection": dt.date(2030, 2, 1),
            "consolidation": dt.date(2030, 3, 1),
        },
    )
    with pytest.raises(ValidationFailed):
        _problem(lead, unit, other.categories.first())
    assert not Problem.objects.exists()


def test_evidence_file_type_is_checked(lead, unit, category):
    problem = _problem(lead, unit, category)
    with pytest.raises(ValidationFailed):
        services.add_evidence(actor=lead, problem=problem, file=SimpleUploadedFile("x.exe", b"MZ"))
    assert not problem.evidence.exists()


# --- census ---------------------------------------------------------------------------------


def test_zero_report_and_missing_list(
    clock, campaign, lead, other_lead, unit, other_unit, town, admin_user
):
    assert set(selectors.missing_census_units(campaign_id=campaign.pk)) == {unit, other_unit, town}
    clock(dt.datetime(2018, 5, 10, 9, 30))
    report = services.file_census(actor=lead, unit=unit, zero_report=True, signed_by_name="王局长")
    assert report.zero_report and not report.entries.exists()
    assert set(selectors.missing_census_units(campaign_id=campaign.pk)) == {other_unit, town}

    clock(dt.datetime(2018, 5, 10, 11, 0))  # after 10:00 on the due day: late
    services.file_census(
        actor=other_lead,
        unit=other_unit,
        signed_by_name="李主任",
        entries=[
            services.CensusLine(
                name="不动产登记大厅", address="汽博城8栋", windows=6, items=32, staff=9
            ),
            services.CensusLine(
                name="税务窗口", address="人民路1号", windows=2, items=10, staff=2, kind="window"
            ),
        ],
    )
    assert list(selectors.missing_census_units(campaign_id=campaign.pk)) == [town]
    assert [r.unit for r in selectors.late_census_reports(campaign_id=campaign.pk)] == [other_unit]
    totals = selectors.census_totals(campaign_id=campaign.pk)
    assert totals == {
        "units": 3,
        "missing": 1,
        "filed": 2,
        "zero": 1,
        "halls": 1,
        "window_groups": 1,
        "windows": 8,
        "items": 42,
        "staff": 11,
    }
    # the centre files for a town (代报)
    services.file_census(actor=admin_user, unit=town, zero_report=True, signed_by_name="镇长")
    assert not selectors.missing_census_units(campaign_id=campaign.pk).exists()


def test_census_refiling_keeps_the_first_time(clock, lead, unit):
    first = clock(dt.datetime(2018, 5, 9, 15, 0))
    services.file_census(actor=lead, unit=unit, zero_report=True, signed_by_name="王")
    clock(dt.datetime(2018, 5, 12, 15, 0))
    report = services.file_census(
        actor=lead,
        unit=unit,
        signed_by_name="王",
        entries=[services.CensusLine(name="大厅", address="路", windows=1, items=1, staff=1)],
    )
    assert report.first_filed_at == first and report.filed_at > first
    assert not report.zero_report and report.entries.count() == 1
    assert CensusReport.objects.count() == 1


@pytest.mark.parametrize(
    ("zero", "lines"),
    [(True, 1), (False, 0)],
)
def test_census_zero_report_xor_lines(lead, unit, zero, lines):
    entries = [services.CensusLine(name="大厅", address="路", windows=1, items=1, staff=1)] * lines
    with pytest.raises(ValidationFailed):
        services.file_census(
            actor=lead, unit=unit, zero_report=zero, entries=entries, signed_by_name="王"
        )
    assert not CensusReport.objects.exists()


def test_census_only_for_own_unit(lead, other_unit, town, inspector, unit):
    for foreign in (other_unit, town):
        with pytest.raises(PermissionDenied):
            services.file_census(actor=lead, unit=foreign, zero_report=True, signed_by_name="王")
    with pytest.raises(PermissionDenied):
        services.file_census(actor=inspector, unit=unit, zero_report=True, signed_by_name="王")
    assert not CensusReport.objects.exists()


# --- sign-off -------------------------------------------------------------------------------


def test_sign_off_refused_while_problems_are_open(lead, inspector, unit, category):
    problem = _problem(lead, unit, category, measure="整改")
    with pytest.raises(InvalidTransition):
        services.sign_off(actor=lead, unit=unit)
    services.mark_fixed(actor=lead, problem=problem, fix_note="done")
    signoff = services.sign_off(actor=lead, unit=unit)
    assert signoff.signer_name == lead.display_name and signoff.signed_at
    with pytest.raises(Conflict):
        services.sign_off(actor=lead, unit=unit)
    # reopening a problem revokes the signature; the unit signs again after the next fix
    services.reopen_problem(actor=inspector, problem=problem, reason="未整改到位")
    signoff.refresh_from_db()
    assert signoff.revoked_at is not None
    assert selectors.active_signoff(campaign_id=unit.campaign_id, unit_id=unit.pk) is None
    services.mark_fixed(actor=lead, problem=problem, fix_note="再次整改")
    services.sign_off(actor=lead, unit=unit)
    assert SignOff.objects.count() == 2


def test_sign_off_can_require_confirmation(center, lead, inspector, unit, category):
    SupervisionSettings.objects.update_or_create(
        center=center, defaults={"signoff_requires_confirmation": True}
    )
    problem = _problem(lead, unit, category, measure="整改")
    services.mark_fixed(actor=lead, problem=problem, fix_note="done")
    with pytest.raises(InvalidTransition):
        services.sign_off(actor=lead, unit=unit)
    services.confirm_problem(actor=inspector, problem=problem)
    assert services.sign_off(actor=lead, unit=unit)


def test_sign_off_only_own_unit_by_its_lead(
    lead, other_unit, admin_user, unit, make_user, department
):
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=lead, unit=other_unit)
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=admin_user, unit=unit)  # the centre does not sign for a department
    staff = make_user(Role.WINDOW_STAFF, department=department)
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=staff, unit=unit)
    assert not SignOff.objects.exists()


def test_centre_records_a_towns_paper_signature(admin_user, lead, town):
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=lead, unit=town)
    with pytest.raises(ValidationFailed):
        services.sign_off(actor=admin_user, unit=town)
    signoff = services.sign_off(actor=admin_user, unit=town, signer_name="李庄镇镇长")
    assert signoff.signer_name == "李庄镇镇长" and signoff.signed_by == admin_user


def test_units_added_later_and_categories(admin_user, campaign, center):
    dept = DepartmentFactory(center=center)
    services.add_units(
        actor=admin_user, campaign=campaign, department_ids=[dept.pk], halls=["开发区服务大厅"]
    )
    units = list(campaign.units.values_list("name", "kind", "sort_order"))
    assert units[-2:] == [(dept.name, "department", 4), ("开发区服务大厅", "hall", 5)]
    assert CampaignUnit.objects.filter(campaign=campaign).count() == 5
    assert ProblemCategory.objects.filter(campaign=campaign, key="other").exists()


def test_paper_records_entered_later_keep_their_dates(clock, lead, inspector, unit, category):
    """The services take the moment of a paper record (the demo, imports); never a future one."""
    clock(dt.date(2018, 8, 1))
    found = dt.datetime(2018, 5, 14, 9, 0, tzinfo=dt.UTC)
    problem = _problem(lead, unit, category, measure="整改", at=found)
    assert problem.found_on == dt.date(2018, 5, 14) and problem.deadline == dt.date(2018, 5, 20)
    with pytest.raises(ValidationFailed):
        services.mark_fixed(
            actor=lead, problem=problem, fix_note="x", at=dt.datetime(2018, 5, 1, tzinfo=dt.UTC)
        )
    with pytest.raises(ValidationFailed):
        services.mark_fixed(
            actor=lead, problem=problem, fix_note="x", at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        )
    fixed = dt.datetime(2018, 5, 19, 8, 0, tzinfo=dt.UTC)
    services.mark_fixed(actor=lead, problem=problem, fix_note="x", at=fixed)
    problem.refresh_from_db()
    assert problem.fixed_on == dt.date(2018, 5, 19)
    assert list(problem.events.values_list("at", flat=True)) == [found, fixed]


def _local(*day):
    """10:00 local time on `day` (year, month, day)."""
    return timezone.make_aware(dt.datetime(*day, 10))


def test_a_paper_record_is_not_dated_before_the_problems_last_step(
    lead, inspector, unit, category, clock
):
    """The reports of a past day replay a problem's timeline in the order it was written: a step
    entered later with an earlier moment would be replayed out of order, so it is refused."""
    clock(dt.date(2018, 8, 1))
    problem = _problem(lead, unit, category, measure="整改", at=_local(2018, 5, 14))
    services.mark_fixed(actor=lead, problem=problem, fix_note="x", at=_local(2018, 5, 19))
    services.reopen_problem(actor=inspector, problem=problem, reason="未改", at=_local(2018, 6, 12))
    events = problem.events.count()
    with pytest.raises(ValidationFailed) as refused:
        services.mark_fixed(actor=lead, problem=problem, fix_note="y", at=_local(2018, 6, 1))
    assert refused.value.code == "before_last_step"
    problem.refresh_from_db()
    assert problem.status == Problem.Status.REOPENED and problem.events.count() == events
    services.mark_fixed(actor=lead, problem=problem, fix_note="y", at=_local(2018, 6, 20))
    with pytest.raises(ValidationFailed):
        services.confirm_problem(actor=inspector, problem=problem, at=_local(2018, 6, 19))
    with pytest.raises(ValidationFailed):
        services.reopen_problem(
            actor=inspector, problem=problem, reason="z", at=_local(2018, 6, 19)
        )


def test_new_problem_after_sign_off_revokes_it(lead, inspector, unit, category):
    services.sign_off(actor=lead, unit=unit)
    problem = _problem(inspector, unit, category, found_by=Problem.Source.INSPECTION)
    assert selectors.active_signoff(campaign_id=unit.campaign_id, unit_id=unit.pk) is None
    assert problem.events.get().details["signoff_revoked"] is True
    assert SignOff.objects.get().revoked_reason
