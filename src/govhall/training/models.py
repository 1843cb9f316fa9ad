"""Training of the hall's staff (培训) and their rotation between posts (轮岗交流).

Seeds 003 and 004 report them per year: "开展3期1500余人次参加的标准化培训", "开展政务服务业务
培训5期,组织中心窗口工作人员轮岗交流学习18余次,学习覆盖率达到100%". A session's attendance is a
row per person of its audience, present or not, so a correction never deletes what the year's
figures count.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.models import CenterScopedModel, ends_after, foreign_key, user_key
from govhall.org.models import Department, StaffProfile, Window


class TrainingSession(CenterScopedModel):
    """One session (一期) of training for the hall's staff or some departments' staff."""

    class Topic(models.TextChoices):
        BUSINESS = "business", _("业务技能")
        ETIQUETTE = "etiquette", _("服务礼仪")
        POLICY = "policy", _("政策理论")
        CONDUCT = "conduct", _("纪律作风")
        STANDARDS = "standards", _("标准化建设")
        PLATFORM = "platform", _("平台操作")
        SAFETY = "safety", _("安全消防")
        OTHER = "other", _("其他")

    class Provider(models.TextChoices):
        CENTER = "center", _("中心组织")
        DEPARTMENT = "department", _("部门组织")
        THIRD_PARTY = "third_party", _("第三方机构")

    class State(models.TextChoices):
        PLANNED = "planned", _("计划")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("培训名称"), max_length=200)
    topic = models.CharField(_("培训内容"), max_length=16, choices=Topic.choices)
    provider = models.CharField(
        _("组织方式"), max_length=16, choices=Provider.choices, default=Provider.CENTER
    )
    provider_name = models.CharField(_("承办单位"), max_length=100, blank=True)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    location = models.CharField(_("地点"), max_length=100, blank=True)
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("参训单位"),
        related_name="training_sessions",
        blank=True,
        help_text=_("留空表示全体驻厅人员。"),
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PLANNED)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = user_key(_("登记人"), blank=False, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = verbose_name_plural = _("培训")
        ordering = ["-held_on", "-pk"]
        permissions = [("manage_training", _("可组织培训、登记参训和轮岗"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="training_session_hours_in_range",
            )
        ]
        indexes = [models.Index(fields=["center", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class TrainingAttendance(CenterScopedModel):
    """Whether one person of a held session's audience took part (参训人次 counts the present)."""

    session = foreign_key(TrainingSession, _("培训"), related_name="attendances")
    staff = foreign_key(StaffProfile, _("工作人员"), related_name="training_attendances")
    # The person's unit when they were trained: a later transfer does not move the figure.
    department = foreign_key(Department, _("所属单位"), null=True, blank=False)
    present = models.BooleanField(_("参训"), default=True)
    recorded_by = user_key(_("登记人"), blank=False, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("登记时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("参训记录")
        ordering = ["session", "staff__staff_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "staff"], name="training_attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.staff}"


class Rotation(CenterScopedModel):
    """A stay of one person at another post: 轮岗 (rotation) or 交流学习 (exchange learning)."""

    class Kind(models.TextChoices):
        ROTATION = "rotation", _("轮岗")
        EXCHANGE = "exchange", _("交流学习")

    staff = foreign_key(StaffProfile, _("工作人员"), related_name="rotations")
    department = foreign_key(Department, _("所属单位"), null=True, blank=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    to_window = foreign_key(Window, _("轮至窗口"), null=True)
    to_post = models.CharField(_("轮至岗位"), max_length=100, blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = user_key(_("登记人"), blank=False, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("轮岗交流")
        ordering = ["-started_on", "-pk"]
        constraints = [
            ends_after("started_on", "ended_on", "training_rotation_ends_after_start"),
            models.CheckConstraint(
                condition=Q(to_window__isnull=False) | ~Q(to_post=""),
                name="training_rotation_has_destination",
            ),
        ]
        indexes = [models.Index(fields=["center", "started_on"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.started_on}"
