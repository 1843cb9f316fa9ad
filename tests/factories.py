"""factory_boy factories for the foundation models; apps add theirs in tests/<app>/factories.py."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import Group
from django.core.management import call_command

from govhall.attendance.models import AttendanceRecord
from govhall.catalog.models import Material, ServiceItem, Theme
from govhall.core.calendar_data import seed_package_years
from govhall.core.models import Center, User, WorkCalendarDay, WorkCalendarYear
from govhall.core.roles import Role
from govhall.core.services import create_center
from govhall.core.validators import id_number_check_char, uscc_check_char
from govhall.org.models import Department, StaffProfile, Window


def ensure_working_calendar() -> None:
    """The calendar years the migrations seed, back after a transactional test flushed them."""
    if not WorkCalendarYear.objects.exists():
        seed_package_years(WorkCalendarYear, WorkCalendarDay)


def make_id_number(seq: int) -> str:
    """A valid 18-digit ID number (GB 11643) for sequence `seq`."""
    first17 = f"110101199001{(seq % 28) + 1:02d}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


def make_uscc(seq: int) -> str:
    """A valid unified social credit code (GB 32100) for sequence `seq`."""
    first17 = f"11410000{seq:09d}"
    return first17 + uscc_check_char(first17)


class CenterFactory(factory.django.DjangoModelFactory):
    """A centre made the way the application makes one (`create_center`: with its settings
    rows); the centre of a region code already there is returned as it is."""

    class Meta:
        model = Center

    name = factory.Sequence(lambda n: f"测试市民中心{n}")
    level = Center.Level.CITY
    region_code = factory.Sequence(lambda n: f"{411700 + n:06d}")

    @classmethod
    def _create(cls, model_class: type[Center], *args: object, **kwargs: object) -> Center:
        existing = model_class.objects.filter(region_code=kwargs["region_code"]).first()
        return existing or create_center(model_class(*args, **kwargs))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    center = factory.SubFactory(CenterFactory)
    password = factory.PostGenerationMethodCall("set_password", "govhall-test-pw")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=Role(r).value) for r in extracted])
        if create:
            self.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"测试局{n}")
    short_name = factory.Sequence(lambda n: f"测{n}")
    uscc = factory.Sequence(make_uscc)


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    # Far from the small numbers tests give windows by hand, so a sequence never collides.
    number = factory.Sequence(lambda n: f"{n + 101}")
    name = factory.Sequence(lambda n: f"综合窗口{n + 1}")
    floor = "1F"
    kind = Window.Kind.COMPREHENSIVE

    @factory.post_generation
    def departments(
        self, create: bool, extracted: list[Department] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.departments.add(*extracted)


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    user = factory.SubFactory(UserFactory, center=factory.SelfAttribute("..center"))
    department = factory.SubFactory(DepartmentFactory, center=factory.SelfAttribute("..center"))
    staff_number = factory.Sequence(lambda n: f"S{n:05d}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @factory.post_generation
    def windows(self, create: bool, extracted: list[Window] | None, **kwargs: object) -> None:
        if create and extracted:
            self.windows.add(*extracted)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"主题{n}")


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    center = factory.SubFactory(CenterFactory)
    department = factory.SubFactory(DepartmentFactory, center=factory.SelfAttribute("..center"))
    code = factory.Sequence(lambda n: f"11410000MB0000{n:06d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    kind = ServiceItem.Kind.LICENSE
    legal_limit_days = 20
    promised_limit_days = 5
    conditions = "申请人符合法定条件。"
    basis = "《中华人民共和国行政许可法》"
    fees = "不收费"
    steps = "申请、受理、审查、决定、送达"
    consult_phone = "0396-1234567"
    supervise_phone = "12345"


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"申请材料{n}")
    required = True
    originals = 1


class AttendanceRecordFactory(factory.django.DjangoModelFactory):
    """A staff member present for a whole day's session (实出勤 one day), in their department;
    pass `date`, and `late_minutes` / `early_minutes` / `status` for a day that went otherwise."""

    class Meta:
        model = AttendanceRecord

    staff = factory.SubFactory(StaffProfileFactory)
    center = factory.SelfAttribute("staff.center")
    department = factory.SelfAttribute("staff.department")
    date = dt.date(2026, 5, 11)
    session_name = "全天"
    starts_at = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.date, dt.time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=8))
    day_fraction = Decimal("1")
    status = AttendanceRecord.Status.PRESENT
    check_in = factory.SelfAttribute("starts_at")
    check_out = factory.SelfAttribute("ends_at")


# A State Council notice for 2027 as a clerk types it (the dates are the tests', not the real
# notice's): 春节 Fri 02-05 to Sat 02-13 off, Sun 02-14 worked; 元旦 Fri 01-01. Without it 2027
# is provisional: the statutory 春节 is 除夕 Fri 02-05 to 初三 Mon 02-08, the weekend days made
# up on Tue 02-09 and Wed 02-10 (02-11 and 02-12 worked, 02-14 not).
NOTICE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-14,workday,春节
"""


def import_notice(tmp_path: Path, text: str) -> None:
    """Import a notice the one way the calendar changes: `govhall calendar import FILE`."""
    notice = tmp_path / "notice.csv"
    notice.write_text(text, encoding="utf-8")
    call_command("calendar", "import", str(notice), stdout=io.StringIO())
