"""好差评 ratings and their invitations, appeals and rectifications; complaints (办不成事);
assisted services (帮办代办); the centre's feedback settings and the window rating pads.

DOMAIN.md "Ratings" and "Figures". Workflow lives in the package `services/`; aggregates in
`selectors.py`.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.crypto import EncryptedTextField, KeyedHashField
from govhall.core.models import (
    ActorEvent,
    CenterScopedModel,
    CenterSettings,
    foreign_key,
    settings_owner,
    timeline_parent,
    unique_in_center,
    unique_unless_blank,
    user_key,
)
from govhall.core.uploads import UploadField

DEFAULT_ASPECTS = [
    "承诺履行",
    "服务态度",
    "申请材料",
    "办事效率",
    "跑趟次数",
    "服务机制",
    "勤政廉洁",
]


def default_aspects() -> list[str]:
    return list(DEFAULT_ASPECTS)


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


GOOD_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED)
BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
BAD_LEVEL_MAX = 2


class Channel(models.TextChoices):
    PAD = "pad", _("窗口评价器")
    QR = "qr", _("二维码")
    WEB = "web", _("网站")
    SMS = "sms", _("短信")
    HOTLINE = "hotline", _("12345热线")


class FeedbackSettings(CenterSettings):
    """The centre's rules for ratings, rectifications and complaints (created with the centre)."""

    center = settings_owner("feedback_settings")
    rectification_days = models.PositiveSmallIntegerField(_("差评整改时限(工作日)"), default=15)
    complaint_days = models.PositiveSmallIntegerField(_("投诉办理时限(工作日)"), default=5)
    invitation_valid_days = models.PositiveSmallIntegerField(_("评价链接有效期(天)"), default=7)
    pad_prompt_minutes = models.PositiveSmallIntegerField(
        _("评价器等待评价时间(分钟)"),
        default=10,
        help_text=_("窗口办结后评价器显示评价按钮的时间。"),
    )
    aspects = models.JSONField(_("分项评价"), default=default_aspects, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("好差评设置")

    def clean(self) -> None:
        """分项评价 is a list of names, each once: a single text would be offered on the rating
        page character by character (and any piece of it accepted)."""
        aspects = self.aspects
        if not (
            isinstance(aspects, list)
            and all(isinstance(a, str) and a.strip() == a and a for a in aspects)
            and len(set(aspects)) == len(aspects)
        ):
            example = '["服务态度", "办事效率"]'
            raise ValidationError(
                {"aspects": _("分项评价应为不重复的名称列表,例如 %(e)s。") % {"e": example}}
            )


class Invitation(CenterScopedModel):
    """The window's invitation to rate one service, with its signed single-use link."""

    class Source(models.TextChoices):
        TICKET = "ticket", _("窗口办结")
        CASE = "case", _("办件办结")

    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    channel = models.CharField(_("邀评渠道"), max_length=16, choices=Channel.choices)
    ticket = foreign_key(
        "queueing.Ticket", _("排队票"), null=True, related_name="rating_invitation", one_to_one=True
    )
    case = foreign_key(
        "cases.Case", _("办件"), null=True, related_name="rating_invitation", one_to_one=True
    )
    department = foreign_key("org.Department", _("部门"))
    window = foreign_key("org.Window", _("窗口"), null=True)
    staff = foreign_key("org.StaffProfile", _("工作人员"), null=True)
    invited_by = user_key(_("邀评人"))
    rater_name = models.CharField(_("办事人"), max_length=50, blank=True)
    rater_phone = EncryptedTextField(_("联系电话"), blank=True)
    rater_phone_hash = KeyedHashField(source="rater_phone")
    created_at = models.DateTimeField(_("邀评时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("邀评")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["center", "created_at"]),
            models.Index(fields=["window", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Evaluation(CenterScopedModel):
    """One rating of one service (一次一评 / 一事一评).

    Never deleted: an upheld appeal only sets `excluded`, which takes it out of the figures.
    """

    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    channel = models.CharField(_("评价渠道"), max_length=16, choices=Channel.choices)
    invitation = foreign_key(
        Invitation, _("邀评"), null=True, related_name="evaluation", one_to_one=True
    )
    # One rating per service (一次一评) and per case (一事一评): the one-to-one keys enforce it.
    ticket = foreign_key(
        "queueing.Ticket", _("排队票"), null=True, related_name="evaluation", one_to_one=True
    )
    case = foreign_key(
        "cases.Case", _("办件"), null=True, related_name="evaluation", one_to_one=True
    )
    department = foreign_key("org.Department", _("部门"))
    window = foreign_key("org.Window", _("窗口"), null=True)
    staff = foreign_key("org.StaffProfile", _("工作人员"), null=True)
    aspects = models.JSONField(_("分项评价"), default=list, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)
    rater_name = models.CharField(_("评价人"), max_length=50, blank=True)
    rater_phone = EncryptedTextField(_("评价人电话"), blank=True)
    rater_phone_hash = KeyedHashField(source="rater_phone")
    external_ref = models.CharField(_("12345工单号"), max_length=64, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    excluded = models.BooleanField(_("申诉核销(不计入统计)"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("好差评")
        ordering = ["-rated_at", "-id"]
        permissions = [
            ("view_rater_identity", _("查看评价人实名信息")),
            ("appeal_evaluation", _("对评价提出申诉")),
            ("decide_appeal", _("复核申诉")),
            ("import_hotline", _("导入12345热线数据")),
            ("view_feedback_figures", _("查看好差评统计")),
            ("pair_rating_pad", _("配对窗口评价器")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="feedback_evaluation_level_1_5"
            ),
            models.CheckConstraint(
                condition=Q(ticket__isnull=False) | Q(case__isnull=False) | Q(channel="hotline"),
                name="feedback_evaluation_rates_a_service",
            ),
            unique_unless_blank(
                ["center", "external_ref"], "feedback_evaluation_unique_external_ref"
            ),
        ]
        indexes = [
            models.Index(fields=["center", "rated_at"]),
            models.Index(fields=["department", "rated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} #{self.pk}"

    @property
    def is_bad(self) -> bool:
        return self.level <= BAD_LEVEL_MAX


class EvaluationEvent(ActorEvent):
    class Kind(models.TextChoices):
        CREATED = "created", _("评价")
        APPEAL_FILED = "appeal_filed", _("提出申诉")
        APPEAL_UPHELD = "appeal_upheld", _("申诉成立")
        APPEAL_REJECTED = "appeal_rejected", _("申诉驳回")

    evaluation = timeline_parent(Evaluation, _("评价"))
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)

    class Meta(ActorEvent.Meta):
        verbose_name = verbose_name_plural = _("评价记录")


class Appeal(CenterScopedModel):
    """申诉复核: the department holds a rating mistaken or malicious; the centre decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待复核")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("申诉驳回")

    evaluation = foreign_key(Evaluation, _("评价"), related_name="appeal", one_to_one=True)
    department = foreign_key("org.Department", _("申诉单位"))
    reason = models.TextField(_("申诉理由"))
    evidence = UploadField(_("证明材料"), blank=True)
    filed_by = user_key(_("申诉人"), blank=False)
    filed_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = user_key(_("复核人"))
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    decision_note = models.TextField(_("复核意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("申诉复核")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.get_status_display()}"


def past_deadline(deadline: dt.date, done_at: dt.datetime | None, today: dt.date | None) -> bool:
    """Whether work due on `deadline` is late: done work by the day it was done, open work by
    `today` (the current date unless given)."""
    if done_at is not None:
        return timezone.localdate(done_at) > deadline
    return (today or timezone.localdate()) > deadline


class CallbackSatisfaction(models.TextChoices):
    """How satisfied the person called back after a rectification or a complaint said they were."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


def callback_satisfaction_field() -> models.CharField:
    return models.CharField(
        _("回访满意度"), max_length=16, choices=CallbackSatisfaction.choices, blank=True
    )


class Rectification(CenterScopedModel):
    """差评整改: opened with every bad rating; verify → rectify → call back → close."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        VERIFIED = "verified", _("已核实")
        RECTIFIED = "rectified", _("已整改")
        CALLED_BACK = "called_back", _("已回访")
        CLOSED = "closed", _("已办结")
        VOID = "void", _("申诉成立,已撤销")

    Satisfaction = CallbackSatisfaction

    class Kind(models.TextChoices):
        """国办发〔2019〕51号: clear and reasonable → at once; complex → a ledger entry with a
        deadline; no legal basis (or not borne out) → an explanation."""

        IMMEDIATE = "immediate", _("立行立改")
        DEADLINE = "deadline", _("限期整改")
        EXPLANATION = "explanation", _("解释说明")

    evaluation = foreign_key(Evaluation, _("差评"), related_name="rectification", one_to_one=True)
    department = foreign_key("org.Department", _("责任单位"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    deadline = models.DateField(_("整改期限"))
    deadline_provisional = models.BooleanField(_("期限待日历确认"), default=False)
    valid = models.BooleanField(_("核实属实"), null=True, blank=True)
    verify_reason = models.TextField(_("核实情况"), blank=True)
    evidence = UploadField(_("核实佐证"), blank=True)
    measures = models.TextField(_("整改措施(或解释说明)"), blank=True)
    kind = models.CharField(_("整改方式"), max_length=16, choices=Kind.choices, blank=True)
    rectify_by = models.DateField(_("限期整改期限"), null=True, blank=True)
    callback_reached = models.BooleanField(_("回访联系上"), null=True, blank=True)
    callback_satisfaction = callback_satisfaction_field()
    callback_note = models.TextField(_("回访记录"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("差评整改")
        ordering = ["deadline", "id"]
        permissions = [("handle_rectification", _("办理差评整改"))]
        indexes = [
            models.Index(fields=["center", "deadline"]),
            models.Index(fields=["department", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="deadline", rectify_by__isnull=False)
                | (~Q(kind="deadline") & Q(rectify_by__isnull=True)),
                name="feedback_rectification_deadline_kind_has_date",
            )
        ]

    def __str__(self) -> str:
        return _("差评整改 #%(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.VOID)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Late, unless voided or of a rating an upheld appeal took out (as the figures count)."""
        return (
            self.status != self.Status.VOID
            and not self.evaluation.excluded
            and past_deadline(self.deadline, self.closed_at, today)
        )


class RectificationEvent(ActorEvent):
    class Kind(models.TextChoices):
        OPENED = "opened", _("开始整改")
        VERIFIED = "verified", _("核实")
        RECTIFIED = "rectified", _("整改")
        CALLED_BACK = "called_back", _("回访")
        CLOSED = "closed", _("办结")
        VOIDED = "voided", _("撤销")

    rectification = timeline_parent(Rectification, _("整改"))
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)

    class Meta(ActorEvent.Meta):
        verbose_name = verbose_name_plural = _("整改记录")


class Complaint(CenterScopedModel):
    """办不成事反映 / 投诉: received, assigned, resolved, called back, closed."""

    class Channel(models.TextChoices):
        WINDOW = "window", _("办不成事反映窗口")
        PHONE = "phone", _("电话")
        WEB = "web", _("网站")
        HOTLINE = "hotline", _("12345热线")

    class Status(models.TextChoices):
        OPEN = "open", _("待分派")
        ASSIGNED = "assigned", _("办理中")
        RESOLVED = "resolved", _("已答复")
        CLOSED = "closed", _("已办结")

    Satisfaction = CallbackSatisfaction

    number = models.CharField(_("编号"), max_length=32)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    complainant_name = models.CharField(_("反映人"), max_length=50, blank=True)
    complainant_phone = EncryptedTextField(_("联系电话"), blank=True)
    complainant_phone_hash = KeyedHashField(source="complainant_phone")
    content = models.TextField(_("反映内容"))
    department = foreign_key("org.Department", _("涉及部门"), null=True)
    window = foreign_key("org.Window", _("涉及窗口"), null=True)
    staff = foreign_key("org.StaffProfile", _("涉及人员"), null=True)
    item = foreign_key("catalog.ServiceItem", _("涉及事项"), null=True)
    external_ref = models.CharField(_("12345工单号"), max_length=64, blank=True)
    assignee = user_key(_("承办人"))
    deadline = models.DateField(_("办理期限"))
    deadline_provisional = models.BooleanField(_("期限待日历确认"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    valid = models.BooleanField(_("投诉属实"), null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    deduction = models.DecimalField(_("扣分"), max_digits=5, decimal_places=2, default=0)
    callback_reached = models.BooleanField(_("回访联系上"), null=True, blank=True)
    satisfaction = callback_satisfaction_field()
    resolved_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("投诉与办不成事反映")
        ordering = ["-received_at", "-id"]
        permissions = [("handle_complaint", _("办理投诉"))]
        constraints = [
            unique_in_center("number", "feedback_complaint_unique_number"),
            unique_unless_blank(
                ["center", "external_ref"], "feedback_complaint_unique_external_ref"
            ),
            models.CheckConstraint(
                condition=Q(deduction__gte=0) & (Q(deduction=0) | Q(valid=True)),
                name="feedback_complaint_deduction_only_if_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["center", "received_at"]),
            models.Index(fields=["department", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return past_deadline(self.deadline, self.resolved_at or self.closed_at, today)


class ComplaintEvent(ActorEvent):
    class Kind(models.TextChoices):
        RECEIVED = "received", _("受理")
        ASSIGNED = "assigned", _("分派")
        RESOLVED = "resolved", _("答复")
        CALLED_BACK = "called_back", _("回访")
        CLOSED = "closed", _("办结")

    complaint = timeline_parent(Complaint, _("投诉"))
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)

    class Meta(ActorEvent.Meta):
        verbose_name = verbose_name_plural = _("投诉记录")


# Bounds of one assisted-service record (a day's help of one kind by one department).
MAX_COUNT = 10_000
MAX_QUANTITY = 100_000
MAX_SAVING = Decimal("10000000")


class AssistRecord(CenterScopedModel):
    """帮办代办: help beyond the counter, counted by type (seed 000: 391 = 86 + 34 + 117 + 154),
    with the households helped, the quantity and the money saved (seed 004: 免费刻章 673 户,
    3,311 枚, 节省 52.9 万元). Every figure is bounded per record: one record is one day's help
    of one kind, and the sums feed the ranking."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("上门服务")
        AFTER_HOURS = "after_hours", _("延时服务")
        COACHING = "coaching", _("咨询辅导")
        WEEKEND = "weekend", _("双休日服务")
        APPOINTMENT = "appointment", _("预约服务")
        FREE_MAIL = "free_mail", _("免费邮寄")
        FREE_SEAL = "free_seal", _("免费刻章")
        VIDEO = "video", _("视频帮办")
        OTHER = "other", _("其他")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    department = foreign_key("org.Department", _("部门"))
    staff = foreign_key("org.StaffProfile", _("工作人员"), null=True)
    date = models.DateField(_("日期"))
    beneficiary = models.CharField(_("服务对象"), max_length=100, blank=True)
    count = models.PositiveIntegerField(
        _("次数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)],
    )
    households = models.PositiveIntegerField(
        _("受益户数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    quantity = models.PositiveIntegerField(
        _("数量"),
        default=0,
        validators=[MaxValueValidator(MAX_QUANTITY)],
        help_text=_("如免费刻章的枚数、邮寄的件数。"),
    )
    unit = models.CharField(_("数量单位"), max_length=8, blank=True, help_text=_("如“枚”“件”。"))
    saving = models.DecimalField(
        _("为群众节省(元)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_SAVING)],
    )
    notes = models.TextField(_("说明"), blank=True)
    recorded_by = user_key(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("帮办代办")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1), name="feedback_assist_count_positive"
            ),
            models.CheckConstraint(
                condition=Q(count__lte=MAX_COUNT)
                & Q(households__gte=0, households__lte=MAX_COUNT)
                & Q(quantity__gte=0, quantity__lte=MAX_QUANTITY)
                & Q(saving__gte=0, saving__lte=MAX_SAVING),
                name="feedback_assist_figures_bounded",
            ),
        ]
        indexes = [models.Index(fields=["center", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.count}"


class RatingPad(CenterScopedModel):
    """A window's rating pad (评价器): a device that holds a token, never a staff login."""

    window = foreign_key("org.Window", _("窗口"), related_name="rating_pads")
    name = models.CharField(_("名称"), max_length=50, blank=True)
    pairing_code = models.CharField(_("配对码"), max_length=8, blank=True)
    pairing_expires_at = models.DateTimeField(_("配对码失效时间"), null=True, blank=True)
    token_hash = models.CharField(_("设备令牌摘要"), max_length=64, blank=True, editable=False)
    paired_at = models.DateTimeField(_("配对时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最近在线"), null=True, blank=True)
    prompt_cleared_at = models.DateTimeField(
        _("评价提示跳过时间"),
        null=True,
        blank=True,
        help_text=_("群众在评价器上选择“跳过”的时间;此前办结的服务不再提示。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords(excluded_fields=["last_seen_at", "token_hash", "prompt_cleared_at"])

    class Meta:
        verbose_name = verbose_name_plural = _("窗口评价器")
        ordering = ["window__number", "id"]
        constraints = [
            unique_unless_blank(["token_hash"], "feedback_pad_unique_token"),
            unique_unless_blank(["pairing_code"], "feedback_pad_unique_pairing_code"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.window)
