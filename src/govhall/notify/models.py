"""The SMS outbox: one row per message to send, its attempts, and the phones that opted out.

Workflow lives in `services.py`; these are the tables and their constraints.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.crypto import EncryptedTextField, KeyedHashField
from govhall.core.models import CenterScopedModel, foreign_key, unique_unless_blank
from govhall.core.validators import mask_phone, validate_phone


class Notification(CenterScopedModel):
    """One SMS to one phone about one thing (a ticket, an appointment, a rating, a case)."""

    class Kind(models.TextChoices):
        TICKET_DUE = "ticket_due", _("到号提醒")
        APPOINTMENT_REMINDER = "appointment_reminder", _("预约提醒")
        RATING_INVITATION = "rating_invitation", _("评价邀请")
        CASE_READY = "case_ready", _("办结领取通知")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        OPTED_OUT = "opted_out", _("已退订,未发送")
        FAILED = "failed", _("发送失败")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    subject_id = models.PositiveBigIntegerField(
        _("对象编号"), help_text=_("排队票、预约、评价邀请或办件的编号:同一对象同类通知只发一次。")
    )
    phone = EncryptedTextField(_("手机号"), validators=[validate_phone])
    phone_hash = KeyedHashField(source="phone")
    params = models.JSONField(_("模板参数"), default=list)
    text = models.CharField(_("短信内容"), max_length=500)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    provider_id = models.CharField(_("服务商流水号"), max_length=64, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("短信通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id"], name="notify_once_per_subject"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="notify_due",
            ),
            models.Index(fields=["center", "created_at"], name="notify_center_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.masked_phone}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class DeliveryAttempt(models.Model):
    """One try at handing a notification to the SMS backend: the log of every message."""

    notification = foreign_key(Notification, _("短信通知"), related_name="deliveries")
    at = models.DateTimeField(_("时间"))
    backend = models.CharField(_("发送通道"), max_length=32)
    ok = models.BooleanField(_("成功"))
    detail = models.CharField(_("结果"), max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("发送记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.at:%Y-%m-%d %H:%M:%S}"


class OptOut(CenterScopedModel):
    """A phone that asked the centre for no more SMS (退订)."""

    phone = EncryptedTextField(_("手机号"), validators=[validate_phone])
    phone_hash = KeyedHashField(source="phone")
    created_at = models.DateTimeField(_("退订时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("短信退订")
        constraints = [
            unique_unless_blank(["center", "phone_hash"], "notify_optout_once"),
        ]

    def __str__(self) -> str:
        return mask_phone(self.phone)
