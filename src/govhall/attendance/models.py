"""Attendance and conduct (考勤与巡查): timetables, punches, leave, temporary absence, absence
from post, inspections and violations, staff assignments.

Rows a person edits keep their history; the derived rows (`AttendanceRecord`, `PostAbsence`) are
recomputed by `services.derive_day` and never edited by hand.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.models import (
    CenterScopedModel,
    CenterSettings,
    foreign_key,
    settings_owner,
    timeline_parent,
    unique_in_center,
    unique_unless_blank,
    unique_while_null,
    user_key,
)
from govhall.core.uploads import UploadField


def in_order(
    start: str, end: str, name: str, message: str | None = None, *, open_end: bool = False
) -> models.CheckConstraint:
    """`start` comes before `end`; with `open_end`, an `end` not yet filled in passes."""
    condition = Q(**{f"{start}__lt": F(end)})
    if open_end:
        condition = Q(**{f"{end}__isnull": True}) | condition
    return models.CheckConstraint(condition=condition, name=name, violation_error_message=message)


class AttendanceSettings(CenterSettings):
    """The centre's attendance rules (created with the centre: `core.settings_rows`)."""

    center = settings_owner("attendance_settings")
    late_tolerance_minutes = models.PositiveIntegerField(
        _("迟到宽限(分钟)"),
        default=5,
        help_text=_("签到晚于开始时间超过该分钟数记为迟到。"),
    )
    early_tolerance_minutes = models.PositiveIntegerField(
        _("早退宽限(分钟)"),
        default=5,
        help_text=_("签退早于结束时间超过该分钟数记为早退。"),
    )
    pause_limit_minutes = models.PositiveIntegerField(
        _("暂停服务时限(分钟)"),
        default=15,
        help_text=_("窗口暂停超过该时长且未登记原因,记为空岗。"),
    )
    post_gap_minutes = models.PositiveIntegerField(
        _("空岗起算(分钟)"),
        default=5,
        help_text=_("应开窗口无人登录的时段短于该分钟数不记空岗。"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("考勤设置")


class Timetable(CenterScopedModel):
    """A timetable (作息时间): the default one has no dates; a seasonal one (e.g. summer hours)
    applies between its dates and wins over the default."""

    name = models.CharField(_("名称"), max_length=50)
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("作息时间表")
        ordering = ["valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(valid_from__isnull=True) & Q(valid_to__isnull=True))
                | (
                    Q(valid_from__isnull=False)
                    & Q(valid_to__isnull=False)
                    & Q(valid_from__lte=F("valid_to"))
                ),
                name="attendance_timetable_range",
                violation_error_message=_("季节性作息须同时填写起止日期,且起始不晚于截止。"),
            )
        ]

    def __str__(self) -> str:
        if self.valid_from:
            return f"{self.name} ({self.valid_from}–{self.valid_to})"
        return self.name


class Session(models.Model):
    """One working session of a day (e.g. 09:00–12:00)."""

    timetable = foreign_key(
        Timetable, _("作息时间表"), on_delete=models.CASCADE, related_name="sessions"
    )
    name = models.CharField(_("名称"), max_length=20)
    start = models.TimeField(_("上班时间"))
    end = models.TimeField(_("下班时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("工作时段")
        ordering = ["timetable", "start"]
        constraints = [
            in_order("start", "end", "attendance_session_order", _("下班时间须晚于上班时间。")),
            models.UniqueConstraint(
                fields=["timetable", "start"], name="attendance_session_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start:%H:%M}–{self.end:%H:%M}"


class DutyAssignment(CenterScopedModel):
    """Weekend duty (双休日值班): a staff member expected on a rest day, for the day's sessions."""

    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="duty_assignments")
    date = models.DateField(_("值班日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("已取消"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("值班安排")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "date"], name="attendance_duty_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.staff}"


class PunchImport(CenterScopedModel):
    """One import of an attendance machine's export file."""

    filename = models.CharField(_("文件名"), max_length=255)
    rows = models.PositiveIntegerField(_("行数"))
    created = models.PositiveIntegerField(_("新增打卡"))
    skipped = models.PositiveIntegerField(_("重复跳过"))
    imported_by = user_key(_("导入人"), blank=False)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("考勤机导入")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.filename


class Punch(CenterScopedModel):
    """A check-in or check-out (打卡). Machine punches carry no direction (`ANY`)."""

    class Kind(models.TextChoices):
        IN = "in", _("签到")
        OUT = "out", _("签退")
        ANY = "any", _("打卡")

    class Source(models.TextChoices):
        TERMINAL = "terminal", _("窗口终端登录")
        SELF = "self", _("本人签到")
        ENTRY = "entry", _("管理员补录")
        MACHINE = "machine", _("考勤机导入")

    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="punches")
    punched_at = models.DateTimeField(_("打卡时间"), db_index=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    window = foreign_key("org.Window", _("窗口"), null=True)
    reference = models.CharField(
        _("来源标识"), max_length=64, blank=True, help_text=_("终端会话等来源记录的标识")
    )
    batch = foreign_key(PunchImport, _("导入批次"), null=True, related_name="punches")
    entered_by = user_key(_("录入人"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("打卡记录")
        ordering = ["-punched_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "punched_at", "kind", "source"], name="attendance_punch_unique"
            ),
            unique_unless_blank(
                ["center", "source", "reference"], "attendance_punch_unique_reference"
            ),
        ]
        permissions = [
            ("enter_punch", _("可补录打卡")),
            ("import_punches", _("可导入考勤机数据")),
            ("derive_attendance", _("可计算考勤")),
            ("view_attendance_table", _("可查看考勤考核汇总表")),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.punched_at:%Y-%m-%d %H:%M}"


class LeaveRequest(CenterScopedModel):
    """A leave request (请假): approved by the unit lead, then by the centre; closed by reporting
    back (销假)."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("事假")
        SICK = "sick", _("病假")
        ANNUAL = "annual", _("年休假")
        MARRIAGE = "marriage", _("婚假")
        MATERNITY = "maternity", _("产假")
        BEREAVEMENT = "bereavement", _("丧假")
        OFFICIAL = "official", _("公假")
        COMPENSATORY = "compensatory", _("调休")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING_UNIT = "pending_unit", _("待单位审批")
        PENDING_CENTER = "pending_center", _("待中心审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        CANCELLED = "cancelled", _("已撤销")

    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="leave_requests")
    department = foreign_key("org.Department", _("所属单位"), null=True)
    kind = models.CharField(_("假别"), max_length=16, choices=Kind.choices)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    reason = models.TextField(_("事由"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING_UNIT
    )
    returned_at = models.DateTimeField(_("销假时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("请假")
        ordering = ["-start"]
        constraints = [
            in_order("start", "end", "attendance_leave_order", _("结束时间须晚于开始时间。"))
        ]
        indexes = [models.Index(fields=["center", "status", "start"])]
        permissions = [
            ("approve_leave_unit", _("可审批本单位请假")),
            ("approve_leave_center", _("可终审请假")),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.start:%Y-%m-%d}"

    @property
    def effective_end(self):
        """The leave ends when the person reports back, if earlier than planned."""
        if self.returned_at and self.returned_at < self.end:
            return max(self.returned_at, self.start)
        return self.end


class TimelineEvent(models.Model):
    """One step in the timeline of a leave request or a violation: who, when, what details.
    The concrete model adds `type` and the record it belongs to (named by `parent_field`)."""

    parent_field: str

    actor = user_key(_("操作人"), blank=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.serializable_value(self.parent_field)} {self.get_type_display()}"


class LeaveEvent(TimelineEvent):
    """The timeline of a leave request."""

    class Type(models.TextChoices):
        SUBMITTED = "submitted", _("提交申请")
        UNIT_APPROVED = "unit_approved", _("单位同意")
        CENTER_APPROVED = "center_approved", _("中心批准")
        REJECTED = "rejected", _("驳回")
        CANCELLED = "cancelled", _("撤销")
        RETURNED = "returned", _("销假")

    parent_field = "leave"

    leave = timeline_parent(LeaveRequest, _("请假"))
    type = models.CharField(_("事件"), max_length=20, choices=Type.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = verbose_name_plural = _("请假记录")


class TemporaryAbsence(CenterScopedModel):
    """A temporary absence registered before leaving the post (临时外出登记)."""

    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="temporary_absences")
    department = foreign_key("org.Department", _("所属单位"), null=True)
    left_at = models.DateTimeField(_("外出时间"))
    returned_at = models.DateTimeField(_("返回时间"), null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=200)
    registered_by = user_key(_("登记人"), blank=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("临时外出登记")
        ordering = ["-left_at"]
        constraints = [
            in_order(
                "left_at",
                "returned_at",
                "attendance_temp_order",
                _("返回时间须晚于外出时间。"),
                open_end=True,
            )
        ]
        permissions = [("register_absence_for_others", _("可为他人登记外出"))]

    def __str__(self) -> str:
        return f"{self.staff} {self.left_at:%Y-%m-%d %H:%M}"


class AttendanceRecord(CenterScopedModel):
    """Derived: one staff member in one session of one day (recomputed by `derive_day`)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("出勤")
        OUT = "out", _("外出登记")
        LEAVE = "leave", _("请假")
        ABSENT = "absent", _("缺勤")

    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="attendance_records")
    department = foreign_key("org.Department", _("所属单位"), null=True)
    date = models.DateField(_("日期"))
    session_name = models.CharField(_("时段"), max_length=20)
    starts_at = models.DateTimeField(_("应到时间"))
    ends_at = models.DateTimeField(_("应退时间"))
    day_fraction = models.DecimalField(_("折合天数"), max_digits=5, decimal_places=4)
    on_duty_roster = models.BooleanField(_("值班"), default=False)
    check_in = models.DateTimeField(_("签到"), null=True, blank=True)
    check_out = models.DateTimeField(_("签退"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    late_minutes = models.PositiveIntegerField(_("迟到(分钟)"), default=0)
    early_minutes = models.PositiveIntegerField(_("早退(分钟)"), default=0)
    missing_punches = models.PositiveSmallIntegerField(_("漏打卡次数"), default=0)
    derived_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("考勤结果")
        ordering = ["date", "starts_at", "staff"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "starts_at"], name="attendance_record_unique_session"
            )
        ]
        indexes = [
            models.Index(fields=["center", "date"]),
            models.Index(fields=["center", "department", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session_name} {self.staff}"


class PostAbsence(CenterScopedModel):
    """Derived: absence from post (空岗) of a scheduled staff member away from their window
    during a session (one row per person, kind and start)."""

    class Kind(models.TextChoices):
        NO_LOGIN = "no_login", _("应开未开(无人登录)")
        LONG_PAUSE = "long_pause", _("暂停超时未登记原因")

    window = foreign_key("org.Window", _("窗口"))
    department = foreign_key("org.Department", _("所属单位"), null=True)
    staff = foreign_key("org.StaffProfile", _("工作人员"), null=True)
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"))
    minutes = models.PositiveIntegerField(_("时长(分钟)"))
    derived_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("空岗记录")
        ordering = ["date", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "staff", "kind", "started_at"],
                name="attendance_post_absence_unique",
            )
        ]
        indexes = [models.Index(fields=["center", "date"])]

    def __str__(self) -> str:
        return f"{self.window} {self.started_at:%Y-%m-%d %H:%M} {self.minutes}′"


class ViolationCategory(CenterScopedModel):
    """The centre's list of violation categories (editable; seeded with the centre)."""

    name = models.CharField(_("名称"), max_length=50)
    default_points = models.DecimalField(
        _("默认扣分"),
        max_digits=5,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0)],
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("违规类别")
        ordering = ["sort_order", "id"]
        constraints = [unique_in_center("name", "attendance_category_unique")]

    def __str__(self) -> str:
        return self.name


class Inspection(CenterScopedModel):
    """An inspector's round of the hall (巡查)."""

    inspector = foreign_key(settings.AUTH_USER_MODEL, _("巡查人"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    area = models.CharField(_("巡查区域"), max_length=100, blank=True)
    note = models.TextField(_("情况记录"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("巡查")
        ordering = ["-started_at"]
        permissions = [("record_inspection", _("可记录巡查"))]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.inspector}"


def violation_photo_path(instance: "Violation", filename: str) -> str:
    """Where photos went before they moved to private storage (migration 0001 names it)."""
    return f"attendance/violations/{instance.center_id}/{filename}"


class Violation(CenterScopedModel):
    """A violation found during an inspection. Staff may appeal; the centre decides."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("已记录")
        APPEALED = "appealed", _("申诉中")
        UPHELD = "upheld", _("申诉成立(已撤销)")
        CONFIRMED = "confirmed", _("维持")

    inspection = foreign_key(Inspection, _("巡查"), null=True, related_name="violations")
    category = foreign_key(ViolationCategory, _("类别"))
    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="violations")
    department = foreign_key("org.Department", _("所属单位"), null=True)
    window = foreign_key("org.Window", _("窗口"), null=True)
    occurred_at = models.DateTimeField(_("发现时间"))
    description = models.TextField(_("情况描述"), blank=True)
    photo = UploadField(_("照片"), blank=True)
    points = models.DecimalField(
        _("扣分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECORDED
    )
    recorded_by = user_key(_("记录人"), blank=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("违规记录")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["center", "occurred_at"])]
        permissions = [
            ("appeal_violation", _("可申诉违规记录")),
            ("decide_appeal", _("可裁定申诉")),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.staff} {self.occurred_at:%Y-%m-%d}"

    @property
    def counts(self) -> bool:
        return self.status != self.Status.UPHELD


class ViolationEvent(TimelineEvent):
    """The timeline of a violation: recorded, appealed, decided."""

    class Type(models.TextChoices):
        RECORDED = "recorded", _("记录")
        APPEALED = "appealed", _("申诉")
        UPHELD = "upheld", _("申诉成立")
        CONFIRMED = "confirmed", _("维持原记录")

    parent_field = "violation"

    violation = timeline_parent(Violation, _("违规记录"))
    type = models.CharField(_("事件"), max_length=16, choices=Type.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = verbose_name_plural = _("违规记录事件")


class StaffAssignment(CenterScopedModel):
    """A period during which a staff member belonged to a department and sat at windows."""

    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="assignments")
    department = foreign_key("org.Department", _("所属单位"), null=True)
    windows = models.ManyToManyField(
        "org.Window", verbose_name=_("窗口"), blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    reason = models.CharField(_("变动原因"), max_length=200, blank=True)
    changed_by = user_key(_("操作人"))

    class Meta:
        verbose_name = verbose_name_plural = _("人员派驻记录")
        ordering = ["staff", "started_at"]
        constraints = [
            unique_while_null(["staff"], "ended_at", "attendance_assignment_one_open"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__lte=F("ended_at")),
                name="attendance_assignment_order",
            ),
        ]
        permissions = [("change_staff_assignment", _("可调整人员派驻"))]

    def __str__(self) -> str:
        return f"{self.staff} {self.department} {self.started_at:%Y-%m-%d}"
