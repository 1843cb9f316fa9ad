"""Rectification campaigns (排查整改) and the window census (窗口统计表), modelled on seed 002.

A `Campaign` names the units it covers (`CampaignUnit`: departments, towns, separately run
halls), its problem categories, its three phases and the documents it was issued with. Each unit
keeps a problem list (`Problem`, with evidence and an event timeline), files one census report
(`CensusReport` with its `CensusEntry` rows, or a zero report) and finally signs off (`SignOff`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.models import (
    ActorEvent,
    CenterScopedModel,
    CenterSettings,
    foreign_key,
    settings_owner,
    timeline_parent,
    unique_unless_blank,
    unique_while_null,
    user_key,
)
from govhall.core.uploads import UploadField


class SupervisionSettings(CenterSettings):
    """The centre's choices for its campaigns (created with the centre: `core.settings_rows`)."""

    center = settings_owner("supervision_settings")
    signoff_requires_confirmation = models.BooleanField(
        _("签字确认前须全部经督查确认"),
        default=False,
        help_text=_(
            "不勾选时,单位的问题全部整改完成(已整改或已确认)即可签字;勾选后须全部经督查人员确认。"
        ),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("排查整改设置")


class Campaign(CenterScopedModel):
    title = models.CharField(_("名称"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    summary = models.TextField(_("工作要求"), blank=True)
    census_due = models.DateTimeField(
        _("窗口统计表报送截止"),
        null=True,
        blank=True,
        help_text=_("各单位须在此之前报送窗口和服务大厅统计表或零报告。"),
    )
    created_by = user_key(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("排查整改活动")
        ordering = ["-issued_on", "-id"]
        permissions = [
            ("manage_campaign", _("管理排查整改活动")),
            ("record_problem", _("为任一单位登记问题(督查、群众反映、数据生成)")),
            ("confirm_problem", _("确认或退回整改")),
            ("edit_problem_list", _("维护本单位整改清单")),
            ("file_census", _("报送窗口统计表")),
            ("sign_off", _("单位负责人签字确认")),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignUnit(CenterScopedModel):
    """A unit the campaign covers: a department of the hall, a town (镇/园区) or a separate hall."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("部门")
        TOWN = "town", _("镇(园区)")
        HALL = "hall", _("办事大厅")

    campaign = foreign_key(Campaign, _("活动"), on_delete=models.CASCADE, related_name="units")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    department = foreign_key(
        "org.Department", _("进驻单位"), null=True, related_name="campaign_units"
    )
    name = models.CharField(_("名称"), max_length=100)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("排查单位")
        ordering = ["campaign", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"], name="supervision_unit_unique_name"
            ),
            models.UniqueConstraint(
                fields=["campaign", "department"],
                condition=Q(department__isnull=False),
                name="supervision_unit_unique_department",
            ),
            models.CheckConstraint(
                condition=Q(kind="department", department__isnull=False)
                | (~Q(kind="department") & Q(department__isnull=True)),
                name="supervision_unit_department_iff_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProblemCategory(CenterScopedModel):
    """One of a campaign's problem categories; `key` marks the six of seed 002 for data imports."""

    class Key(models.TextChoices):
        UNCLEAR_REQUIREMENTS = "unclear_requirements", _("群众不清楚办事要求")
        EXCESSIVE_CERTIFICATES = "excessive_certificates", _("办事证明材料过多过滥")
        NOT_CENTRALISED = "not_centralised", _("大厅事项不集中授权不到位")
        FEW_FACILITIES = "few_facilities", _("便民服务设施少")
        LONG_WAITS = "long_waits", _("办事排队等待时间长")
        OTHER = "other", _("其他")

    campaign = foreign_key(Campaign, _("活动"), on_delete=models.CASCADE, related_name="categories")
    key = models.CharField(_("标识"), max_length=32, choices=Key.choices, blank=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("重点排查内容"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("问题类别")
        ordering = ["campaign", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"], name="supervision_category_unique_name"
            ),
            unique_unless_blank(["campaign", "key"], "supervision_category_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(CenterScopedModel):
    class Kind(models.TextChoices):
        SELF_CHECK = "self_check", _("自查自纠")
        INSPECTION = "inspection", _("集中督查")
        CONSOLIDATION = "consolidation", _("巩固提升")

    ORDER = (Kind.SELF_CHECK, Kind.INSPECTION, Kind.CONSOLIDATION)

    campaign = foreign_key(Campaign, _("活动"), on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("阶段"), max_length=16, choices=Kind.choices)
    ends_on = models.DateField(_("截止日期"), help_text=_("本阶段工作在此日期(含)前完成。"))
    description = models.TextField(_("工作内容"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("工作阶段")
        ordering = ["campaign", "ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="supervision_phase_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}({self.ends_on:%Y-%m-%d}前)"


class CampaignDocument(CenterScopedModel):
    campaign = foreign_key(Campaign, _("活动"), on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    file = UploadField(_("文件"))
    uploaded_by = user_key(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("活动文件")
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.doc_number}".strip()


class Problem(CenterScopedModel):
    """One line of a unit's rectification list (整改清单)."""

    class Source(models.TextChoices):
        SELF_CHECK = "self_check", _("自查")
        INSPECTION = "inspection", _("督查")
        PUBLIC_REPORT = "public_report", _("群众反映")
        GUIDE_LINT = "guide_lint", _("数据:办事指南检查")
        OVERDUE_CASES = "overdue_cases", _("数据:超期办件")
        LONG_WAITS = "long_waits", _("数据:排队等待过长")
        ZERO_CASES = "zero_cases", _("数据:零办件单位")

    DATA_SOURCES = (Source.GUIDE_LINT, Source.OVERDUE_CASES, Source.LONG_WAITS, Source.ZERO_CASES)

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        FIXED = "fixed", _("已整改")
        CONFIRMED = "confirmed", _("已确认")
        REOPENED = "reopened", _("退回重改")

    OPEN_STATUSES = (Status.OPEN, Status.REOPENED)
    DONE_STATUSES = (Status.FIXED, Status.CONFIRMED)

    campaign = foreign_key(Campaign, _("活动"), related_name="problems")
    unit = foreign_key(CampaignUnit, _("单位"), related_name="problems")
    category = foreign_key(ProblemCategory, _("类别"), related_name="problems")
    description = models.TextField(_("问题"))
    found_by = models.CharField(_("发现方式"), max_length=16, choices=Source.choices)
    found_on = models.DateField(_("发现日期"))
    source_key = models.CharField(
        _("来源标识"),
        max_length=200,
        blank=True,
        help_text=_("由数据生成的问题的唯一标识,同一发现不重复登记。"),
    )
    source_ref = models.JSONField(_("来源"), default=dict, blank=True)
    item = foreign_key(
        "catalog.ServiceItem", _("事项"), null=True, related_name="rectification_problems"
    )
    measure = models.TextField(_("整改措施"), blank=True)
    owner = models.CharField(_("责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("整改时限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    fix_note = models.TextField(_("整改情况"), blank=True)
    fixed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = user_key(_("确认人"))
    created_by = user_key(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改清单")
        ordering = ["campaign", "unit__sort_order", "unit_id", "id"]
        constraints = [
            unique_unless_blank(["campaign", "source_key"], "supervision_problem_unique_source"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "reopened"], fixed_on__isnull=True)
                | Q(status__in=["fixed", "confirmed"], fixed_on__isnull=False),
                name="supervision_problem_fixed_on_iff_done",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "unit", "status"])]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ProblemEvidence(CenterScopedModel):
    problem = foreign_key(Problem, _("问题"), on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("说明"), max_length=200, blank=True)
    file = UploadField(_("佐证材料"))
    uploaded_by = user_key(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("佐证材料")
        ordering = ["problem", "id"]

    def __str__(self) -> str:
        return self.title or self.file.name


class ProblemEvent(ActorEvent):
    """The timeline of a problem: every state change, written with it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        UPDATED = "updated", _("修改")
        EVIDENCE = "evidence", _("上传佐证")
        FIXED = "fixed", _("整改完成")
        CONFIRMED = "confirmed", _("督查确认")
        REOPENED = "reopened", _("退回重改")

    problem = timeline_parent(Problem, _("问题"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)

    class Meta(ActorEvent.Meta):
        verbose_name = verbose_name_plural = _("整改记录")
        ordering = ["problem", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CensusReport(CenterScopedModel):
    """A unit's census (窗口统计表): its separately run halls and windows, or a zero report."""

    campaign = foreign_key(
        Campaign, _("活动"), on_delete=models.CASCADE, related_name="census_reports"
    )
    unit = foreign_key(CampaignUnit, _("单位"), related_name="census")
    zero_report = models.BooleanField(
        _("零报告"), default=False, help_text=_("未单独设立窗口和服务大厅。")
    )
    signed_by_name = models.CharField(_("主要负责人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    note = models.TextField(_("备注"), blank=True)
    first_filed_at = models.DateTimeField(_("首次报送时间"))
    filed_at = models.DateTimeField(_("最近报送时间"))
    filed_by = user_key(_("报送人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("窗口统计表")
        ordering = ["campaign", "unit__sort_order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="supervision_census_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.campaign}"


class CensusEntry(CenterScopedModel):
    class Kind(models.TextChoices):
        HALL = "hall", _("服务大厅")
        WINDOW = "window", _("服务窗口")

    report = foreign_key(
        CensusReport, _("统计表"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.HALL)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    windows = models.PositiveIntegerField(_("窗口数"))
    items = models.PositiveIntegerField(_("办理事项数"))
    staff = models.PositiveIntegerField(_("工作人员数"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("窗口和服务大厅")
        ordering = ["report", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class SignOff(CenterScopedModel):
    """The unit lead's signature on its list (主要负责人签字); revoked when a problem reopens."""

    campaign = foreign_key(Campaign, _("活动"), on_delete=models.CASCADE, related_name="signoffs")
    unit = foreign_key(CampaignUnit, _("单位"), related_name="signoffs")
    signed_by = user_key(_("签字人账号"), blank=False)
    signer_name = models.CharField(_("签字人"), max_length=50)
    signed_at = models.DateTimeField(_("签字时间"))
    note = models.TextField(_("说明"), blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("签字确认")
        ordering = ["campaign", "unit", "-signed_at"]
        constraints = [
            unique_while_null(["campaign", "unit"], "revoked_at", "supervision_signoff_one_active")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.signer_name} {self.signed_at:%Y-%m-%d %H:%M}"
