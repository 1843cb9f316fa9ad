"""Tables of the upstream exchange: the centre's push settings, and the province's receiver side.

A centre pushes its `core.OutboxEvent` rows upstream (`ExchangeSettings` says where and how).
A province runs the same software as a receiver: `RemoteCenter` registers each sending centre
and its key, `ReceivedEvent` is the log of everything accepted, `RemoteCase` / `RemoteRating`
hold the latest state of each case and rating for the province's ranking.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.crypto import EncryptedTextField
from govhall.core.models import (
    CenterScopedModel,
    OutboxEvent,
    foreign_key,
    region_code_validator,
    unique_in_center,
)


class ExchangeSettings(CenterScopedModel):
    """One centre's settings for pushing upstream and for receiving (province mode)."""

    upstream_url = models.URLField(_("上级平台接收地址"), blank=True, help_text=_("留空则不推送。"))
    key_id = models.CharField(_("密钥标识"), max_length=64, blank=True)
    secret = EncryptedTextField(_("签名密钥"), blank=True)
    batch_size = models.PositiveIntegerField(
        _("每批条数"), default=200, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    max_attempts = models.PositiveIntegerField(
        _("最多尝试次数"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    lag_alert_seconds = models.PositiveIntegerField(
        _("积压告警阈值(秒)"), default=900, validators=[MinValueValidator(1)]
    )
    timeout_seconds = models.FloatField(
        _("请求超时(秒)"), default=10.0, validators=[MinValueValidator(0.1), MaxValueValidator(300)]
    )
    backoff_base_seconds = models.FloatField(
        _("重试基础间隔(秒)"), default=2.0, validators=[MinValueValidator(0.01)]
    )
    backoff_max_seconds = models.FloatField(
        _("重试最长间隔(秒)"), default=3600.0, validators=[MinValueValidator(0.01)]
    )
    timestamp_window_seconds = models.PositiveIntegerField(
        _("接收时间戳容差(秒)"),
        default=300,
        validators=[MinValueValidator(1)],
        help_text=_("省级接收端拒绝早于或晚于当前时间超过此值的推送。"),
    )
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = verbose_name_plural = _("数据归集设置")
        constraints = [
            models.UniqueConstraint(fields=["center"], name="exchange_settings_one_per_center")
        ]
        permissions = [
            ("view_exchange_status", _("查看数据归集对账")),
            ("redrive_outbox", _("重新推送死信")),
        ]

    def __str__(self) -> str:
        return str(self.center)

    @property
    def lease_seconds(self) -> float:
        """How long a claimed row is reserved for the worker that claimed it."""
        return self.timeout_seconds * 2 + 1


class DeadLetter(OutboxEvent):
    """Outbox rows that ran out of attempts: the list an administrator inspects and re-drives."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = _("死信")


class RemoteCenter(CenterScopedModel):
    """A centre that pushes to this one; `center` is the receiving (province) centre."""

    name = models.CharField(_("名称"), max_length=100)
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[region_code_validator]
    )
    key_id = models.CharField(_("密钥标识"), max_length=64, unique=True)
    secret = EncryptedTextField(_("签名密钥"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = verbose_name_plural = _("下级中心")
        ordering = ["region_code"]
        constraints = [unique_in_center("region_code", "exchange_remote_unique_region")]
        permissions = [("view_province_ranking", _("查看各中心排名"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.region_code})"


class ReceivedEvent(CenterScopedModel):
    """One event accepted from a remote centre: the receiver's log, unique per idempotency key."""

    remote = foreign_key(RemoteCenter, _("来源中心"), related_name="events")
    idempotency_key = models.UUIDField(_("幂等键"))
    sequence = models.BigIntegerField(_("序号"))
    stream = models.CharField(_("对象"), max_length=100)
    kind = models.CharField(_("事件类型"), max_length=64)
    occurred_at = models.DateTimeField(_("产生时间"))
    data = models.JSONField(_("数据"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("接收事件")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["remote", "idempotency_key"], name="exchange_received_unique_key"
            )
        ]
        indexes = [models.Index(fields=["remote", "stream", "sequence"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.stream}"


class RemoteCase(CenterScopedModel):
    """The latest state of one remote case (the event with the highest sequence wins)."""

    remote = foreign_key(RemoteCenter, _("来源中心"), related_name="cases")
    case_number = models.CharField(_("办件编号"), max_length=64)
    item_code = models.CharField(_("事项编码"), max_length=64, blank=True)
    item_name = models.CharField(_("事项名称"), max_length=200, blank=True)
    department_code = models.CharField(_("部门编码"), max_length=64, blank=True)
    department_name = models.CharField(_("部门名称"), max_length=200, blank=True)
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    applicant_type = models.CharField(_("申请人类型"), max_length=32, blank=True)
    channel = models.CharField(_("申请渠道"), max_length=32, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    state = models.CharField(_("办件状态"), max_length=32)
    result = models.CharField(_("办理结果"), max_length=32, blank=True)
    last_event = models.CharField(_("最近事件"), max_length=64)
    last_event_at = models.DateTimeField(_("最近事件时间"))
    last_sequence = models.BigIntegerField(_("最近序号"))

    class Meta:
        verbose_name = verbose_name_plural = _("下级办件")
        ordering = ["remote", "case_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["remote", "case_number"], name="exchange_remotecase_unique_number"
            )
        ]
        indexes = [
            models.Index(fields=["remote", "accepted_at"]),
            models.Index(fields=["remote", "completed_at"]),
        ]

    def __str__(self) -> str:
        return self.case_number


class RemoteRating(CenterScopedModel):
    """The latest state of one remote rating (好差评)."""

    remote = foreign_key(RemoteCenter, _("来源中心"), related_name="ratings")
    rating_id = models.CharField(_("评价编号"), max_length=64)
    level = models.PositiveSmallIntegerField(_("评价等级"))
    channel = models.CharField(_("评价渠道"), max_length=32, blank=True)
    department_code = models.CharField(_("部门编码"), max_length=64, blank=True)
    department_name = models.CharField(_("部门名称"), max_length=200, blank=True)
    window_number = models.CharField(_("窗口号"), max_length=16, blank=True)
    staff_number = models.CharField(_("被评价人工号"), max_length=32, blank=True)
    case_number = models.CharField(_("办件编号"), max_length=64, blank=True)
    ticket_number = models.CharField(_("排队号"), max_length=32, blank=True)
    rated_at = models.DateTimeField(_("评价时间"))
    is_bad = models.BooleanField(_("差评"), default=False)
    excluded = models.BooleanField(_("申诉剔除"), default=False)
    last_event = models.CharField(_("最近事件"), max_length=64)
    last_event_at = models.DateTimeField(_("最近事件时间"))
    last_sequence = models.BigIntegerField(_("最近序号"))

    class Meta:
        verbose_name = verbose_name_plural = _("下级评价")
        ordering = ["remote", "rating_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["remote", "rating_id"], name="exchange_remoterating_unique_id"
            )
        ]
        indexes = [models.Index(fields=["remote", "rated_at"])]

    def __str__(self) -> str:
        return self.rating_id
