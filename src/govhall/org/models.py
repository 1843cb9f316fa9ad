"""The organisation of the hall: departments (进驻单位), windows (窗口) and staff (工作人员)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.models import CenterScopedModel, foreign_key, unique_in_center, user_key
from govhall.core.validators import validate_phone, validate_uscc


class Department(CenterScopedModel):
    """A unit with a place in the hall: a government department (政府部门), or an enterprise the
    centre brought in to serve people there (seed 003: "引进水、电、气、电信、复印和印章刻制等16家
    企业"), counted apart from the departments in the hall's figures."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("政府部门")
        ENTERPRISE = "enterprise", _("入驻企业")

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    code = models.CharField(_("部门编码"), max_length=32, blank=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc]
    )
    kind = models.CharField(
        _("单位类别"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.GOVERNMENT,
        help_text=_(
            "水电气、电信、复印、刻章等入驻企业及其服务事项不计入大厅的部门数和政务服务事项数,单列为企业服务。"
        ),
    )
    entered = models.BooleanField(_("已进驻"), default=True)
    lead = user_key(_("首席代表"), related_name="led_departments")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("进驻单位")
        ordering = ["sort_order", "name"]
        constraints = [unique_in_center("name", "org_department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Window(CenterScopedModel):
    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("综合窗口")
        DEPARTMENT = "department", _("部门窗口")
        ENTERPRISE = "enterprise", _("企业服务窗口")
        GREEN_CHANNEL = "green_channel", _("绿色通道")
        LOVE = "love", _("爱心窗口")
        CROSS_PROVINCE = "cross_province", _("跨省通办窗口")
        COMPLAINT = "complaint", _("办不成事反映窗口")

    number = models.CharField(_("窗口号"), max_length=16)
    name = models.CharField(_("窗口名称"), max_length=100)
    floor = models.CharField(_("楼层"), max_length=16, blank=True)
    area = models.CharField(_("区域"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, default=Kind.DEPARTMENT)
    departments = models.ManyToManyField(
        Department, verbose_name=_("可办理部门"), related_name="windows", blank=True
    )
    is_open = models.BooleanField(_("开放"), default=True)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = verbose_name_plural = _("窗口")
        ordering = ["floor", "number"]
        constraints = [unique_in_center("number", "org_window_unique_number")]

    def __str__(self) -> str:
        return gettext("%(number)s号 %(name)s") % {"number": self.number, "name": self.name}


class StaffProfile(CenterScopedModel):
    user = foreign_key(
        settings.AUTH_USER_MODEL, _("用户"), related_name="staff_profile", one_to_one=True
    )
    department = foreign_key(Department, _("所属单位"), null=True, related_name="staff")
    windows = models.ManyToManyField(
        Window, verbose_name=_("窗口"), related_name="staff", blank=True
    )
    staff_number = models.CharField(_("工号"), max_length=32)
    phone = models.CharField(_("电话"), max_length=20, blank=True, validators=[validate_phone])
    active = models.BooleanField(_("在岗"), default=True)
    history = HistoricalRecords(m2m_fields=[windows])

    class Meta:
        verbose_name = verbose_name_plural = _("工作人员")
        ordering = ["staff_number"]
        constraints = [unique_in_center("staff_number", "org_staff_unique_number")]

    def __str__(self) -> str:
        return f"{self.user} ({self.staff_number})"
