"""The tenant (Center), users, the working-day calendar and the outbox.

Every domain row in govhall belongs to a Center (`CenterScopedModel`).
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

region_code_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为6位数字。"))


def foreign_key(
    to: type[models.Model] | str,
    verbose_name: str | Promise,
    *,
    null: bool = False,
    blank: bool | None = None,
    on_delete: Any = models.PROTECT,
    related_name: str = "+",
    one_to_one: bool = False,
    **options: Any,
) -> models.ForeignKey:
    """A foreign key the way the house writes them: PROTECT unless told, no reverse accessor
    unless named, and blank when null unless told otherwise."""
    field = models.OneToOneField if one_to_one else models.ForeignKey
    return field(
        to,
        verbose_name=verbose_name,
        null=null,
        blank=null if blank is None else blank,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def user_key(
    verbose_name: str | Promise,
    *,
    blank: bool = True,
    on_delete: Any = models.SET_NULL,
    related_name: str = "+",
) -> models.ForeignKey:
    """The user who did something (an actor, a recorder, a decider): kept empty when unknown."""
    return foreign_key(
        settings.AUTH_USER_MODEL,
        verbose_name,
        null=True,
        blank=blank,
        on_delete=on_delete,
        related_name=related_name,
    )


class Center(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")
        TOWN = "town", _("乡镇(街道)")

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[region_code_validator], unique=True
    )
    parent = foreign_key("self", _("上级中心"), null=True, related_name="children")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("政务服务中心")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. `center` is the hall they work for (empty for a platform operator)."""

    center = foreign_key(Center, _("所属中心"), null=True, related_name="users")
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Empty for a password set before the expiry control (its age counts from date_joined).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "password_changed_at"])

    class Meta:
        verbose_name = verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


def settings_owner(related_name: str) -> models.OneToOneField:
    """The centre a per-centre settings row belongs to (one row per centre)."""
    return foreign_key(
        Center, _("中心"), on_delete=models.CASCADE, related_name=related_name, one_to_one=True
    )


class CenterSettings(models.Model):
    """Abstract base of a centre's settings row: one per centre (`center = settings_owner(...)`),
    created with the centre (`core.settings_rows`), every change kept in its history."""

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.center)


def unique_in_center(field: str, name: str) -> models.UniqueConstraint:
    """Unique within the centre: each centre names (or numbers) its own rows."""
    return models.UniqueConstraint(fields=["center", field], name=name)


def unique_unless_blank(fields: list[str], name: str) -> models.UniqueConstraint:
    """Unique among the rows whose last field is filled in: a blank value may repeat."""
    return models.UniqueConstraint(
        fields=fields, condition=~models.Q(**{fields[-1]: ""}), name=name
    )


def unique_while_null(fields: list[str], null_field: str, name: str) -> models.UniqueConstraint:
    """Unique among the rows whose `null_field` is still empty (one open session per window)."""
    condition = models.Q(**{f"{null_field}__isnull": True})
    return models.UniqueConstraint(fields=fields, condition=condition, name=name)


def ends_after(start: str, end: str, name: str) -> models.CheckConstraint:
    """`end`, once filled in, is not before `start`."""
    condition = models.Q(**{f"{end}__isnull": True}) | models.Q(**{f"{end}__gte": models.F(start)})
    return models.CheckConstraint(condition=condition, name=name)


class CenterScopedModel(models.Model):
    """Abstract base: the row belongs to one Center."""

    center = models.ForeignKey(Center, verbose_name=_("中心"), on_delete=models.PROTECT)

    class Meta:
        abstract = True


def timeline_parent(to: type[models.Model], verbose_name: str | Promise) -> models.ForeignKey:
    """The record a timeline row belongs to: deleted with it, and its rows are `record.events`."""
    return foreign_key(to, verbose_name, on_delete=models.CASCADE, related_name="events")


class ActorEvent(CenterScopedModel):
    """Abstract base of a timeline row: who did it, when, and the details; the concrete model
    adds the parent it belongs to and its `kind`."""

    actor = user_key(_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class WorkCalendarYear(models.Model):
    """One year of calendar data and where it came from."""

    class Source(models.TextChoices):
        CHINESE_CALENDAR = "chinese_calendar", _("chinese-calendar 内置数据")
        IMPORT = "import", _("国务院办公厅通知导入")

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=32, choices=Source.choices)
    official = models.BooleanField(_("官方数据"), default=True)
    imported_file = models.CharField(_("导入文件"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("工作日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class WorkCalendarDay(models.Model):
    """A holiday on a weekday, or a make-up working day (调休) on a weekend.

    Every other date of a known year follows the weekday rule; the arithmetic lives in
    `govhall.core.workdays`.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休工作日")

    year = foreign_key(WorkCalendarYear, _("年份"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class OutboxEvent(CenterScopedModel):
    """A change to push upstream, written in the same transaction as the change itself.

    `stream` groups the events of one object (e.g. ``case:<number>``) whose order must be kept;
    `exchange` drains the table, nothing imports it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待推送")
        SENT = "sent", _("已确认")
        DEAD = "dead", _("死信")

    idempotency_key = models.UUIDField(_("幂等键"), default=uuid.uuid4, unique=True, editable=False)
    stream = models.CharField(_("对象"), max_length=100)
    kind = models.CharField(_("事件类型"), max_length=64)
    payload = models.JSONField(_("数据"))
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    acked_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("推送事件")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at", "id"]),
            # The worker's "is this the head of its stream?" lookup (govhall.exchange).
            models.Index(fields=["center", "stream", "id"], name="core_outbox_stream_order_idx"),
            # The worker claims pending rows in id order: only they are indexed, so a claim
            # never walks past the rows already sent (the drain stays linear).
            models.Index(
                fields=["center", "id"],
                condition=models.Q(status="pending"),
                name="core_outbox_pending_idx",
            ),
            # The month's backlog (`core.selectors.upstream_backlog`) counts a period's events
            # by status: from this index alone on SQLite, where with `created_at` only each of a
            # city month's 610,000 events was read from the table.
            models.Index(
                fields=["center", "created_at", "status"], name="core_outbox_center_created_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.stream}"


class SecurityEvent(models.Model):
    """One entry of the security audit trail (安全审计记录): a login, a logout, a lockout, a
    permission change, an export. Written by `govhall.core.services.record_security_event`;
    never changed or deleted, except by the retention purge of rows past the kept period."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        SESSION_EXPIRED = "session_expired", _("会话超时退出")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        OTP_ENROLLED = "otp_enrolled", _("绑定动态口令")
        OTP_FAILED = "otp_failed", _("动态口令错误")
        PERMISSION_CHANGED = "permission_changed", _("权限变更")
        EXPORT = "export", _("数据导出")
        UNMASK = "unmask", _("查看完整个人信息")

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    center = foreign_key(
        Center, _("中心"), null=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    # The account (kept as a bare id: a row outlives the account) and the name typed or held.
    actor = foreign_key(
        User, _("账号"), null=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    address = models.CharField(_("来源地址"), max_length=45, blank=True)
    target = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("安全审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["center", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"
