"""Cases (办件): one application from acceptance to delivery, its timeline and its stopped clock.

The workflow lives in `services/`; here are the tables, their constraints and small properties.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.catalog.models import ServiceItem
from govhall.core.crypto import EncryptedTextField, KeyedHashField
from govhall.core.models import (
    CenterScopedModel,
    CenterSettings,
    ends_after,
    foreign_key,
    settings_owner,
    timeline_parent,
    unique_in_center,
    user_key,
)
from govhall.org.models import Department, Window
from govhall.queueing.models import Ticket


class CaseSettings(CenterSettings):
    """A centre's rules for cases (created with the centre: `core.settings_rows`)."""

    center = settings_owner("case_settings")
    missing_materials_stop_clock = models.BooleanField(
        _("容缺补交期间停止计时"),
        default=False,
        help_text=_("默认不停止:容缺材料补交期间审查照常进行。"),
    )
    yellow_on_last_day = models.BooleanField(_("最后一个工作日亮黄灯"), default=True)
    yellow_percent = models.PositiveSmallIntegerField(
        _("剩余时限比例亮黄灯(%)"),
        default=20,
        help_text=_("剩余工作日不超过承诺时限的该比例时亮黄灯;0 表示不按比例预警。"),
    )
    missing_supply_days = models.PositiveSmallIntegerField(
        _("容缺材料默认补交期限(工作日)"), default=5
    )
    commitment_check_days = models.PositiveSmallIntegerField(
        _("告知承诺默认核查期限(工作日)"), default=20
    )

    class Meta:
        verbose_name = verbose_name_plural = _("办件设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_percent__lte=100), name="cases_settings_percent_le_100"
            )
        ]


class CaseSequence(CenterScopedModel):
    """The last case number handed out for one centre on one day (locked while incremented)."""

    day = models.DateField(_("日期"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("办件编号序列")
        constraints = [unique_in_center("day", "cases_sequence_unique_day")]

    def __str__(self) -> str:
        return f"{self.center_id} {self.day} {self.last}"


class Light(models.TextChoices):
    """The supervision light of a running case, worked out from its deadline by
    `cases.selectors` (never stored)."""

    RED = "red", _("红灯(超期)")
    YELLOW = "yellow", _("黄灯(临近)")
    GREEN = "green", _("绿灯")
    PAUSED = "paused", _("暂停计时")


class Case(CenterScopedModel):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        ACCEPTED = "accepted", _("已受理")
        IN_REVIEW = "in_review", _("审查中")
        CORRECTION = "correction", _("补正中")
        SUSPENDED = "suspended", _("特别程序")
        COMPLETED = "completed", _("已办结")
        DELIVERED = "delivered", _("已送达")
        REFUSED = "refused", _("不予受理")
        WITHDRAWN = "withdrawn", _("已撤回")

    # States in which the deadline runs (or is stopped) and the case is supervised.
    RUNNING_STATES = (State.ACCEPTED, State.IN_REVIEW, State.CORRECTION, State.SUSPENDED)
    STOPPED_STATES = (State.CORRECTION, State.SUSPENDED)
    DONE_STATES = (State.COMPLETED, State.DELIVERED)
    CLOSED_STATES = (State.REFUSED, State.WITHDRAWN)

    # 行政许可法 art. 42: one extension of 10 working days; art. 32: a correction notice within
    # 5 working days of receipt; art. 44: the certificate delivered within 10 working days of
    # the decision.
    EXTENSION_DAYS = 10
    NOTICE_DAYS = 5
    DELIVERY_DAYS = 10

    # action → the states it may start from (the services refuse any other: InvalidTransition)
    ACTION_STATES = {
        "accept": (State.SUBMITTED,),
        "refuse": (State.SUBMITTED,),
        "review": (State.ACCEPTED,),
        "correction": (State.ACCEPTED, State.IN_REVIEW),
        "resubmit": (State.CORRECTION,),
        "supply": RUNNING_STATES,
        "suspend": (State.ACCEPTED, State.IN_REVIEW),
        "resume": (State.SUSPENDED,),
        "complete": (State.ACCEPTED, State.IN_REVIEW),
        "deliver": (State.COMPLETED,),
        "extend": (State.ACCEPTED, State.IN_REVIEW),
        "notify": (State.SUBMITTED,),
        "withdraw": (State.SUBMITTED, *RUNNING_STATES),
        "verify": DONE_STATES,
        "revoke": DONE_STATES,
    }

    class Result(models.TextChoices):
        NONE = "", _("未办结")
        APPROVED = "approved", _("准予许可")
        DENIED = "denied", _("不予许可")
        REVOKED = "revoked", _("撤销许可")

    class ApplicantType(models.TextChoices):
        PERSON = "person", _("自然人")
        COMPANY = "company", _("法人")

    class Channel(models.TextChoices):
        WINDOW = "window", _("窗口")
        ONLINE = "online", _("网上")
        MOBILE = "mobile", _("移动端")
        MAIL = "mail", _("邮寄")

    class Mode(models.TextChoices):
        NORMAL = "normal", _("一般受理")
        MISSING = "missing", _("容缺受理")
        COMMITMENT = "commitment", _("告知承诺")

    class Delivery(models.TextChoices):
        NONE = "", _("未送达")
        WINDOW = "window", _("窗口领取")
        MAIL = "mail", _("邮寄送达")

    class Commitment(models.TextChoices):
        NONE = "", _("不适用")
        PENDING = "pending", _("待核查")
        VERIFIED = "verified", _("核查属实")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    item = foreign_key(ServiceItem, _("事项"), related_name="cases")
    department = foreign_key(Department, _("办理部门"), related_name="cases")
    applicant_type = models.CharField(_("申请人类型"), max_length=16, choices=ApplicantType.choices)
    applicant_name = models.CharField(_("申请人"), max_length=200)
    id_number = EncryptedTextField(_("身份证号码"), blank=True)
    id_number_hash = KeyedHashField(source="id_number")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    phone = EncryptedTextField(_("联系电话"))
    phone_hash = KeyedHashField(source="phone")
    channel = models.CharField(_("申报渠道"), max_length=16, choices=Channel.choices)
    window = foreign_key(Window, _("受理窗口"), null=True, related_name="cases")
    ticket = foreign_key(Ticket, _("来源排队票"), null=True, related_name="cases")
    accepted_by = user_key(_("受理人"), on_delete=models.PROTECT, related_name="accepted_cases")
    decided_by = user_key(_("审批人"), on_delete=models.PROTECT, related_name="decided_cases")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    result = models.CharField(
        _("办理结果"), max_length=16, choices=Result.choices, blank=True, default=""
    )
    mode = models.CharField(_("受理方式"), max_length=16, choices=Mode.choices, default=Mode.NORMAL)
    reason = models.TextField(_("不予受理/不予许可理由"), blank=True)
    materials_received = models.JSONField(_("已收材料"), default=list, blank=True)
    materials_missing = models.JSONField(_("容缺材料"), default=list, blank=True)
    supply_by = models.DateField(_("容缺材料补交期限"), null=True, blank=True)
    supply_by_provisional = models.BooleanField(_("补交期限为暂估(缺少日历数据)"), default=False)
    supplied_at = models.DateTimeField(_("容缺材料补齐时间"), null=True, blank=True)
    commitment_status = models.CharField(
        _("告知承诺核查"), max_length=16, choices=Commitment.choices, blank=True, default=""
    )
    commitment_check_by = models.DateField(_("承诺核查期限"), null=True, blank=True)
    commitment_check_provisional = models.BooleanField(
        _("核查期限为暂估(缺少日历数据)"), default=False
    )
    delivery_method = models.CharField(
        _("送达方式"), max_length=16, choices=Delivery.choices, blank=True, default=""
    )
    tracking_number = models.CharField(_("邮寄单号"), max_length=64, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("承诺时限(工作日)"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("延长期限(工作日)"), default=0)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_approved_by = user_key(
        _("延期批准人"), on_delete=models.PROTECT, related_name="extended_cases"
    )
    extended_at = models.DateTimeField(_("延期批准时间"), null=True, blank=True)
    deemed_accepted_on = models.DateField(
        _("视为受理日"),
        null=True,
        blank=True,
        help_text=_("网上或邮寄申请收到后5个工作日内未告知补正的,自收到材料之日起即为受理。"),
    )
    correction_notices = models.PositiveSmallIntegerField(_("补正告知次数"), default=0)
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    due_date = models.DateField(_("办结期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为暂估(缺少日历数据)"), default=False)
    yellow_from = models.DateField(_("黄灯起始日"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    completed_late = models.BooleanField(_("超期办结"), default=False)
    elapsed_workdays = models.PositiveIntegerField(_("办理用时(工作日)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    delivery_due_provisional = models.BooleanField(_("送达期限为暂估(缺少日历数据)"), default=False)
    delivered_late = models.BooleanField(_("超期送达"), default=False)
    delivery_window = foreign_key(Window, _("出件窗口"), null=True, related_name="delivered_cases")
    closed_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    imported = models.BooleanField(_("历史导入"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("办件")
        ordering = ["-accepted_at", "-id"]
        permissions = [
            ("accept_case", _("受理办件")),
            ("refuse_case", _("不予受理")),
            ("review_case", _("审查办件")),
            ("request_correction", _("要求补正")),
            ("resubmit_case", _("登记补正材料")),
            ("supply_materials", _("登记容缺材料补交")),
            ("suspend_case", _("启动/结束特别程序")),
            ("complete_case", _("办结办件")),
            ("deliver_case", _("送达办件")),
            ("withdraw_case", _("撤回办件")),
            ("check_commitment", _("告知承诺核查")),
            ("extend_case", _("批准延长办理期限")),
            ("view_supervision", _("查看电子监察")),
            ("import_cases", _("导入历史办件")),
            ("export_cases", _("导出办件")),
        ]
        indexes = [
            models.Index(fields=["center", "accepted_at"], name="cases_center_accepted"),
            models.Index(fields=["center", "completed_at"], name="cases_center_completed"),
            models.Index(fields=["center", "state", "due_date"], name="cases_center_state_due"),
            models.Index(fields=["department", "state", "due_date"], name="cases_dept_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(applicant_type="person") & ~Q(id_number=""))
                | (Q(applicant_type="company") & ~Q(uscc="")),
                name="cases_case_applicant_identifier",
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(state="refused") | Q(accepted_at__isnull=False),
                name="cases_case_accepted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["completed", "delivered"])
                | (Q(completed_at__isnull=False) & ~Q(result="")),
                name="cases_case_completed_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
                name="cases_case_delivered_has_time",
            ),
            models.CheckConstraint(
                condition=Q(extension_days__lte=15)
                & (Q(extension_days=0) | Q(extended_at__isnull=False)),
                name="cases_case_extension_once_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_id}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING_STATES

    @property
    def clock_stopped(self) -> bool:
        return self.state in self.STOPPED_STATES

    @property
    def applicant_identifier(self) -> str:
        return self.id_number if self.applicant_type == self.ApplicantType.PERSON else self.uscc

    @property
    def result_label(self) -> str:
        """The result as its item's kind names it (`result_label`)."""
        return result_label(self.result, self.item)


# The results of an item that is not a 行政许可 (行政确认, 公共服务…), by `Case.Result`.
OTHER_RESULT_LABELS = {
    Case.Result.APPROVED: _("准予办理"),
    Case.Result.DENIED: _("不予办理"),
    Case.Result.REVOKED: _("撤销办理"),
}


def result_label(result: str, item: ServiceItem) -> str:
    """A result (`Case.Result` value) as `item`'s kind names it: 准予许可 / 不予许可 / 撤销许可 for
    a licence, 准予办理 / 不予办理 / 撤销办理 for any other item (a birth registration is not a
    许可); a value that is no result reads as itself."""
    if item.kind != ServiceItem.Kind.LICENSE and result in OTHER_RESULT_LABELS:
        return str(OTHER_RESULT_LABELS[result])
    return str(Case.Result(result).label) if result in Case.Result.values else str(result)


class ClockStop(CenterScopedModel):
    """A period in which the case's clock does not run (补正, a procedure the law excludes, 容缺).

    Working days d with ``started_on < d <= ended_on`` do not count; counting restarts on the
    next working day after `ended_on`. An open stop (no `ended_on`) runs through today.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("补正")
        MISSING = "missing", _("容缺材料补交")
        HEARING = "hearing", _("听证")
        TESTING = "testing", _("检验检测")
        EXPERT_REVIEW = "expert_review", _("专家评审")
        NOTICE = "notice", _("公示公告")
        OTHER = "other", _("其他法定特别程序")

    PROCEDURES = (Kind.HEARING, Kind.TESTING, Kind.EXPERT_REVIEW, Kind.NOTICE, Kind.OTHER)

    case = foreign_key(Case, _("办件"), on_delete=models.CASCADE, related_name="clock_stops")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("说明"), blank=True)
    told_days = models.PositiveSmallIntegerField(_("告知所需时间(工作日)"), null=True, blank=True)
    told_until = models.DateField(_("告知的结束日"), null=True, blank=True)
    resume_state = models.CharField(_("恢复后状态"), max_length=16, choices=Case.State.choices)
    started_on = models.DateField(_("停止计时日"))
    ended_on = models.DateField(_("恢复日"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("停止计时")
        ordering = ["case", "started_at", "id"]
        constraints = [ends_after("started_on", "ended_on", "cases_stop_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.started_on}–{self.ended_on or ''}"


class StateEvent(CenterScopedModel):
    """Abstract base of a step in the timeline of a case or of a joint case; the concrete model
    names the record it belongs to in `parent_field`."""

    parent_field: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        parent = self.serializable_value(self.parent_field)
        return f"{parent} {self.type} {self.at:%Y-%m-%d %H:%M}"


class CaseEvent(StateEvent):
    """One step of a case's timeline; each one is pushed upstream through the outbox."""

    class Type(models.TextChoices):
        SUBMITTED = "submitted", _("网上申报")
        ACCEPTED = "accepted", _("受理")
        REFUSED = "refused", _("不予受理")
        REVIEW_STARTED = "review_started", _("开始审查")
        CORRECTION_REQUESTED = "correction_requested", _("要求补正")
        RESUBMITTED = "resubmitted", _("补正材料已提交")
        CORRECTION_NOTIFIED = "correction_notified", _("告知补正(受理前)")
        EXTENDED = "extended", _("延长办理期限")
        MATERIALS_SUPPLIED = "materials_supplied", _("容缺材料已补齐")
        SUSPENDED = "suspended", _("启动特别程序")
        RESUMED = "resumed", _("特别程序结束")
        COMPLETED = "completed", _("办结")
        DELIVERED = "delivered", _("送达")
        WITHDRAWN = "withdrawn", _("撤回")
        COMMITMENT_VERIFIED = "commitment_verified", _("承诺核查属实")
        COMMITMENT_REVOKED = "commitment_revoked", _("承诺不实,撤销许可")
        IMPORTED = "imported", _("历史数据导入")

    parent_field = "case"

    case = timeline_parent(Case, _("办件"))
    type = models.CharField(_("事件"), max_length=32, choices=Type.choices)
    actor = user_key(_("操作人"), on_delete=models.PROTECT, related_name="case_events")
    at = models.DateTimeField(_("时间"))
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("办件记录")
        ordering = ["case", "at", "id"]


class JointPackage(CenterScopedModel):
    """一件事: a set of items one application asks for, handled jointly by their departments.

    行政许可法 art. 26: one department (the lead, 牵头部门) takes the application in and the
    decisions are delivered together; art. 42 para. 2: the whole within 45 working days, once
    extendable by 15 with the approval of the government's head. A centre may promise less.
    """

    name = models.CharField(_("名称"), max_length=100)
    lead_department = foreign_key(Department, _("牵头部门"), related_name="led_joint_packages")
    items = models.ManyToManyField(
        ServiceItem, verbose_name=_("联办事项"), related_name="joint_packages"
    )
    limit_days = models.PositiveSmallIntegerField(
        _("联办承诺时限(工作日)"),
        default=45,
        help_text=_("并联审批、联合办理、集中办理的,办理时间不得超过45个工作日。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("一件事")
        ordering = ["name"]
        constraints = [
            unique_in_center("name", "cases_joint_package_name"),
            models.CheckConstraint(
                condition=Q(limit_days__gte=1) & Q(limit_days__lte=45),
                name="cases_joint_package_limit_le_45",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JointCase(CenterScopedModel):
    """并联审批: one application of a package, handled by several departments, each in its own
    step (a `Case` of its item, linked by `JointStep`), the whole under the joint limit."""

    class State(models.TextChoices):
        RUNNING = "running", _("办理中")
        COMPLETED = "completed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Result(models.TextChoices):
        NONE = "", _("未办结")
        APPROVED = "approved", _("准予许可")
        DENIED = "denied", _("不予许可")

    # 行政许可法 art. 42 para. 2: 45 working days, once extended by at most 15.
    LIMIT_DAYS = 45
    EXTENSION_DAYS = 15

    number = models.CharField(_("联办编号"), max_length=40, unique=True)
    package = foreign_key(JointPackage, _("一件事"), related_name="cases")
    lead_department = foreign_key(Department, _("牵头部门"), related_name="led_joint_cases")
    applicant_name = models.CharField(_("申请人"), max_length=200)
    window = foreign_key(Window, _("受理窗口"), null=True, related_name="joint_cases")
    accepted_by = user_key(
        _("受理人"), on_delete=models.PROTECT, related_name="accepted_joint_cases"
    )
    accepted_at = models.DateTimeField(_("受理时间"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.RUNNING)
    result = models.CharField(
        _("办理结果"), max_length=16, choices=Result.choices, blank=True, default=""
    )
    reason = models.TextField(_("不予许可理由"), blank=True)
    limit_days = models.PositiveSmallIntegerField(_("联办时限(工作日)"), default=LIMIT_DAYS)
    extension_days = models.PositiveSmallIntegerField(_("延长期限(工作日)"), default=0)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_approved_by = user_key(
        _("延期批准人"), on_delete=models.PROTECT, related_name="extended_joint_cases"
    )
    extended_at = models.DateTimeField(_("延期批准时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("并联审批件")
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["center", "accepted_at"], name="cases_joint_center_accepted"),
            models.Index(fields=["center", "state"], name="cases_joint_center_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_days__gte=1) & Q(limit_days__lte=45),
                name="cases_joint_limit_le_45",
            ),
            models.CheckConstraint(
                condition=Q(extension_days__lte=15)
                & (Q(extension_days=0) | Q(extended_at__isnull=False)),
                name="cases_joint_extension_once_bounded",
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | (Q(completed_at__isnull=False) & ~Q(result="")),
                name="cases_joint_completed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class JointStep(CenterScopedModel):
    """One department's step of a joint case: its own `Case` (item, department, limit, state,
    decision date), counted on its own and towards the whole."""

    joint = foreign_key(JointCase, _("并联审批件"), on_delete=models.CASCADE, related_name="steps")
    case = foreign_key(
        Case, _("办件"), on_delete=models.CASCADE, related_name="joint_step", one_to_one=True
    )

    class Meta:
        verbose_name = verbose_name_plural = _("联办环节")
        ordering = ["joint", "id"]

    def __str__(self) -> str:
        return f"{self.joint_id} {self.case_id}"


class JointEvent(StateEvent):
    """One step of the whole's timeline (the steps' own events are `CaseEvent`s)."""

    class Type(models.TextChoices):
        ACCEPTED = "accepted", _("联办受理")
        EXTENDED = "extended", _("延长联办期限")
        COMPLETED = "completed", _("联办办结")
        WITHDRAWN = "withdrawn", _("联办撤回")

    parent_field = "joint"

    joint = timeline_parent(JointCase, _("并联审批件"))
    type = models.CharField(_("事件"), max_length=16, choices=Type.choices)
    actor = user_key(_("操作人"), on_delete=models.PROTECT, related_name="joint_events")
    at = models.DateTimeField(_("时间"))
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("联办记录")
        ordering = ["joint", "at", "id"]
