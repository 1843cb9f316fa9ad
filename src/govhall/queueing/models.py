"""The hall's queue: categories, tickets and their timeline, appointments, window presence.

Workflow lives in `services/`; these are the tables and their constraints.
"""

import datetime as dt
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.crypto import EncryptedTextField, KeyedHashField
from govhall.core.models import (
    CenterScopedModel,
    CenterSettings,
    ends_after,
    foreign_key,
    timeline_parent,
    unique_in_center,
    unique_while_null,
    user_key,
)
from govhall.core.validators import (
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)

prefix_validator = RegexValidator(r"^[A-Z]$", _("号段前缀应为一个大写字母。"))


class QueueSettings(CenterSettings):
    """A centre's queue rules (one row per centre, created with it: `core.settings_rows`)."""

    class ClosingPolicy(models.TextChoices):
        EXPIRE = "expire", _("闭厅作废未叫号票")
        CARRY_OVER = "carry_over", _("次日继续有效并优先叫号")

    center = foreign_key(
        "core.Center",
        _("中心"),
        on_delete=models.CASCADE,
        related_name="queue_settings",
        one_to_one=True,
    )
    morning_start = models.TimeField(_("上午开始"), default=dt.time(9, 0))
    morning_end = models.TimeField(_("上午结束"), default=dt.time(12, 0))
    afternoon_start = models.TimeField(_("下午开始"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("下午结束"), default=dt.time(17, 30))
    enforce_opening_hours = models.BooleanField(
        _("仅在办公时间取号"),
        default=True,
        help_text=_("关闭后全天可取号(如 24 小时自助区或演示环境)。"),
    )
    closing_policy = models.CharField(
        _("闭厅时未叫号的票"),
        max_length=16,
        choices=ClosingPolicy.choices,
        default=ClosingPolicy.CARRY_OVER,
        help_text=_("“头天排号第二天不能用”:选择次日继续有效时,未叫号的票次日开厅排在最前。"),
    )
    recall_limit = models.PositiveSmallIntegerField(
        _("重呼次数上限"),
        default=2,
        help_text=_("首次叫号之后可重呼的次数;用完后仍未到窗口的记为过号。"),
    )
    recall_cooldown_seconds = models.PositiveIntegerField(_("重呼间隔(秒)"), default=20)
    pause_limit_minutes = models.PositiveIntegerField(_("单次暂停上限(分钟)"), default=30)
    wait_alert_minutes = models.PositiveIntegerField(_("等待预警阈值(分钟)"), default=30)
    appointment_slot_minutes = models.PositiveIntegerField(
        _("预约时段长度(分钟)"), default=30, validators=[MinValueValidator(10)]
    )
    appointment_early_minutes = models.PositiveIntegerField(_("预约最早提前签到(分钟)"), default=30)
    appointment_late_minutes = models.PositiveIntegerField(_("预约最迟签到(分钟)"), default=15)
    appointment_days_ahead = models.PositiveIntegerField(_("可预约天数"), default=7)
    appointment_daily_limit = models.PositiveIntegerField(
        _("每人每日预约上限"), default=2, validators=[MinValueValidator(1)]
    )
    prediction_sample = models.PositiveIntegerField(
        _("预测取近期办理样本数"), default=30, validators=[MinValueValidator(1)]
    )
    default_handling_seconds = models.PositiveIntegerField(
        _("无样本时的默认办理时长(秒)"), default=300
    )
    due_reminder_ahead = models.PositiveSmallIntegerField(
        _("到号提醒:前面剩余人数"),
        default=3,
        help_text=_("留了手机号的票,前面只剩这么多人时发短信提醒;0 为不提醒。"),
    )
    appointment_reminder_minutes = models.PositiveIntegerField(
        _("预约提醒:提前分钟数"),
        default=120,
        help_text=_("预约时段开始前这么多分钟内发短信提醒;0 为不提醒。"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("排队叫号设置")

    def sessions(self) -> list[tuple[dt.time, dt.time]]:
        return [(self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)]


class QueueCategory(CenterScopedModel):
    """A line of the queue (号段): a prefix letter, the items and departments it serves."""

    prefix = models.CharField(_("号段前缀"), max_length=1, validators=[prefix_validator])
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    departments = models.ManyToManyField(
        "org.Department", verbose_name=_("服务单位"), related_name="queue_categories", blank=True
    )
    items = models.ManyToManyField(
        "catalog.ServiceItem",
        verbose_name=_("服务事项"),
        related_name="queue_categories",
        blank=True,
    )
    windows = models.ManyToManyField(
        "org.Window",
        verbose_name=_("服务窗口"),
        related_name="queue_categories",
        blank=True,
        help_text=_("叫号时窗口按:绿色通道优先,其次已签到预约,再按取号时间。"),
    )
    floor = models.CharField(_("楼层"), max_length=16, blank=True)
    daily_capacity = models.PositiveIntegerField(_("每日号源"), default=300)
    number_start = models.PositiveIntegerField(_("起始号"), default=1)
    number_end = models.PositiveIntegerField(
        _("最大号"), default=999, validators=[MaxValueValidator(9999)]
    )
    appointment_capacity = models.PositiveIntegerField(
        _("每时段预约名额"), default=4, help_text=_("0 表示不开放预约。")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords(m2m_fields=[departments, items, windows])

    class Meta:
        verbose_name = verbose_name_plural = _("排队类别")
        ordering = ["sort_order", "prefix"]
        constraints = [
            unique_in_center("prefix", "queueing_category_prefix"),
            models.CheckConstraint(
                condition=Q(number_end__gte=models.F("number_start")),
                name="queueing_category_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class TicketCounter(CenterScopedModel):
    """The last sequence number given out per category per day (locked while issuing)."""

    category = foreign_key(QueueCategory, _("排队类别"))
    day = models.DateField(_("日期"))
    last_seq = models.PositiveIntegerField(_("已发号"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("号段计数")
        constraints = [
            models.UniqueConstraint(fields=["category", "day"], name="queueing_counter_day")
        ]


class MaskedContact:
    """The citizen's phone and ID number as pages and staff lists show them."""

    phone: str
    id_number: str

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class Appointment(MaskedContact, CenterScopedModel):
    class State(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到")
        CANCELLED = "cancelled", _("已取消")
        NO_SHOW = "no_show", _("爽约")

    code = models.CharField(_("预约码"), max_length=12, unique=True)
    category = foreign_key(QueueCategory, _("排队类别"), related_name="appointments")
    item = foreign_key("catalog.ServiceItem", _("事项"), null=True)
    date = models.DateField(_("预约日期"))
    slot_start = models.TimeField(_("时段开始"))
    slot_end = models.TimeField(_("时段结束"))
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedTextField(_("手机号"), validators=[validate_phone])
    phone_hash = KeyedHashField(source="phone")
    id_number = EncryptedTextField(_("身份证号"), validators=[validate_id_number])
    id_number_hash = KeyedHashField(source="id_number")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.BOOKED)
    booked_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("预约")
        ordering = ["date", "slot_start", "id"]
        indexes = [
            models.Index(fields=["category", "date", "slot_start", "state"]),
            models.Index(fields=["center", "id_number_hash", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.slot_start:%H:%M} {self.code}"


class Ticket(MaskedContact, CenterScopedModel):
    class State(models.TextChoices):
        WAITING = "waiting", _("等待中")
        CALLED = "called", _("已叫号")
        SERVING = "serving", _("办理中")
        DONE = "done", _("已办结")
        NO_SHOW = "no_show", _("过号")
        TRANSFERRED = "transferred", _("已转移")
        CANCELLED = "cancelled", _("已取消")
        EXPIRED = "expired", _("已作废")

    class Priority(models.TextChoices):
        NONE = "", _("普通")
        ELDERLY = "elderly", _("老年人")
        DISABLED = "disabled", _("残疾人")
        PREGNANT = "pregnant", _("孕妇")
        SERVICEMAN = "serviceman", _("军人")
        OTHER = "other", _("其他优先")

    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("取号机")
        WEB = "web", _("网页")
        PHONE = "phone", _("手机")
        STAFF = "staff", _("工作人员代取")
        APPOINTMENT = "appointment", _("预约签到")
        API = "api", _("第三方接口")
        TRANSFER = "transfer", _("转移")

    ACTIVE_STATES = (State.WAITING, State.CALLED, State.SERVING)
    FINAL_STATES = (
        State.DONE,
        State.NO_SHOW,
        State.TRANSFERRED,
        State.CANCELLED,
        State.EXPIRED,
    )

    token = models.UUIDField(_("查询码"), default=uuid.uuid4, unique=True, editable=False)
    category = foreign_key(QueueCategory, _("排队类别"), related_name="tickets")
    item = foreign_key("catalog.ServiceItem", _("事项"), null=True, related_name="tickets")
    number = models.CharField(_("号码"), max_length=8)
    seq = models.PositiveIntegerField(_("序号"))
    issue_date = models.DateField(_("取号日期"))
    priority = models.BooleanField(_("绿色通道优先"), default=False)
    priority_reason = models.CharField(
        _("优先原因"), max_length=16, choices=Priority.choices, default="", blank=True
    )
    phone = EncryptedTextField(_("手机号"), blank=True, validators=[validate_phone])
    phone_hash = KeyedHashField(source="phone")
    id_number = EncryptedTextField(_("身份证号"), blank=True, validators=[validate_id_number])
    id_number_hash = KeyedHashField(source="id_number")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.WAITING)
    channel = models.CharField(_("取号渠道"), max_length=16, choices=Channel.choices)
    target_window = foreign_key("org.Window", _("指定窗口"), null=True)
    window = foreign_key("org.Window", _("办理窗口"), null=True, related_name="tickets")
    staff = foreign_key("org.StaffProfile", _("办理人员"), null=True, related_name="tickets")
    department = foreign_key(
        "org.Department",
        _("办理单位"),
        null=True,
        related_name="tickets",
        help_text=_("叫号时记为办理人员所属单位。"),
    )
    appointment = foreign_key(
        Appointment, _("预约"), null=True, related_name="ticket", one_to_one=True
    )
    appointment_at = models.DateTimeField(
        _("预约时段"), null=True, blank=True, help_text=_("预约签到的票按预约时段排在普通票之前。")
    )
    transferred_from = foreign_key(
        "self", _("转自"), null=True, related_name="transferred_to", one_to_one=True
    )
    queue_at = models.DateTimeField(
        _("排队时间"), help_text=_("叫号排序所用时间:转移的票保留原取号时间。")
    )
    issued_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("最近呼叫时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    # Stored at call and finish so the figures are plain aggregates over one index.
    wait_seconds = models.PositiveIntegerField(_("等待时长(秒)"), null=True, blank=True)
    handling_seconds = models.PositiveIntegerField(_("办理时长(秒)"), null=True, blank=True)
    carried_over = models.BooleanField(_("跨日保留"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("排队票")
        ordering = ["-issued_at", "-id"]
        permissions = [
            ("call_ticket", _("可在窗口叫号办理")),
            ("issue_ticket_for_citizen", _("可代群众取号")),
            ("view_hall_monitor", _("可查看大厅监控")),
            ("view_queue_figures", _("可查看排队统计")),
        ]
        constraints = [
            # A number is given out once per category and day; a transfer continues its ticket.
            unique_while_null(
                ["category", "issue_date", "seq"], "transferred_from", "queueing_ticket_seq_per_day"
            ),
            unique_while_null(
                ["center", "issue_date", "number"],
                "transferred_from",
                "queueing_ticket_number_per_day",
            ),
            # One waiting ticket per person (phone or ID number) per category and day; the
            # issuing service checks it under the category's counter lock first. On the keyed
            # hashes: the numbers themselves are encrypted, each encryption different.
            models.UniqueConstraint(
                fields=["category", "issue_date", "phone_hash"],
                condition=Q(state="waiting", transferred_from__isnull=True) & ~Q(phone_hash=""),
                name="queueing_ticket_one_waiting_per_phone",
            ),
            models.UniqueConstraint(
                fields=["category", "issue_date", "id_number_hash"],
                condition=Q(state="waiting", transferred_from__isnull=True) & ~Q(id_number_hash=""),
                name="queueing_ticket_one_waiting_per_id_number",
            ),
            models.CheckConstraint(
                condition=Q(priority=False) | ~Q(priority_reason=""),
                name="queueing_ticket_priority_reason",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "waiting",
                        "called",
                        "serving",
                        "done",
                        "no_show",
                        "transferred",
                        "cancelled",
                        "expired",
                    ]
                ),
                name="queueing_ticket_state_valid",
            ),
            ends_after("issued_at", "called_at", "queueing_ticket_called_after_issue"),
        ]
        indexes = [
            # The line itself: calling, people ahead and waiting counts read only waiting
            # tickets, however many the day has already served.
            models.Index(
                fields=["center", "issue_date"],
                condition=Q(state="waiting"),
                name="queueing_ticket_waiting_day",
            ),
            # One category's line: people ahead and the waiting per category on every page.
            models.Index(
                fields=["category", "issue_date"],
                condition=Q(state="waiting"),
                name="queueing_ticket_waiting_line",
            ),
            models.Index(fields=["center", "issue_date"], name="queueing_ticket_day"),
            models.Index(fields=["window", "state"], name="queueing_ticket_window"),
            models.Index(fields=["category", "state", "finished_at"], name="queueing_ticket_done"),
            models.Index(fields=["center", "called_at"], name="queueing_ticket_called"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_final(self) -> bool:
        return self.state in self.FINAL_STATES


class TicketEvent(CenterScopedModel):
    """One step of a ticket's life: its timeline and the audit of the queue."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("取号")
        CALLED = "called", _("叫号")
        RECALLED = "recalled", _("重呼")
        STARTED = "started", _("开始办理")
        FINISHED = "finished", _("办结")
        NO_SHOW = "no_show", _("过号")
        TRANSFERRED = "transferred", _("转移")
        CANCELLED = "cancelled", _("取消")
        EXPIRED = "expired", _("作废")
        CARRIED_OVER = "carried_over", _("跨日保留")

    ticket = timeline_parent(Ticket, _("排队票"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    actor = user_key(_("操作人"), on_delete=models.PROTECT)
    window = foreign_key("org.Window", _("窗口"), null=True)
    staff = foreign_key("org.StaffProfile", _("工作人员"), null=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("排队票事件")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["center", "kind", "at"], name="queueing_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.get_kind_display()}"


class WindowSession(CenterScopedModel):
    """A staff member logged in at a window's terminal (opened → closed)."""

    window = foreign_key("org.Window", _("窗口"), related_name="sessions")
    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="window_sessions")
    opened_at = models.DateTimeField(_("登录时间"))
    closed_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("窗口登录记录")
        ordering = ["-opened_at"]
        constraints = [
            unique_while_null(["window"], "closed_at", "queueing_one_open_session_per_window"),
        ]
        indexes = [models.Index(fields=["staff", "opened_at"], name="queueing_session_staff")]

    def __str__(self) -> str:
        return f"{self.window} {self.staff} {self.opened_at:%Y-%m-%d %H:%M}"


class WindowPause(CenterScopedModel):
    """A pause of a window (暂停服务) with its reason; attendance reads paused time from here."""

    class Reason(models.TextChoices):
        BREAK = "break", _("临时休息")
        MEETING = "meeting", _("会议")
        BUSINESS = "business", _("公务外出")
        CONSULT = "consult", _("业务咨询")
        EQUIPMENT = "equipment", _("设备故障")
        OTHER = "other", _("其他")

    window = foreign_key("org.Window", _("窗口"), related_name="pauses")
    staff = foreign_key("org.StaffProfile", _("工作人员"), related_name="window_pauses")
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("窗口暂停记录")
        ordering = ["-started_at"]
        constraints = [
            unique_while_null(["window"], "ended_at", "queueing_one_open_pause_per_window"),
        ]
        indexes = [models.Index(fields=["staff", "started_at"], name="queueing_pause_staff")]

    def __str__(self) -> str:
        return f"{self.window} {self.get_reason_display()} {self.started_at:%Y-%m-%d %H:%M}"
