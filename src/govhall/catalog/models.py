"""The service catalogue (事项目录): items, their materials and the themes they are listed under."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.models import CenterScopedModel, CenterSettings, foreign_key, unique_in_center
from govhall.org.models import Department, Window


class Theme(CenterScopedModel):
    name = models.CharField(_("主题"), max_length=50)
    audience = models.CharField(
        _("对象"),
        max_length=16,
        choices=[("person", _("个人")), ("company", _("法人"))],
        default="person",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("办事主题")
        ordering = ["sort_order", "name"]
        constraints = [unique_in_center("name", "catalog_theme_unique_name")]

    def __str__(self) -> str:
        return self.name


class ServiceItem(CenterScopedModel):
    class Kind(models.TextChoices):
        LICENSE = "license", _("行政许可")
        CONFIRMATION = "confirmation", _("行政确认")
        PAYMENT = "payment", _("行政给付")
        RULING = "ruling", _("行政裁决")
        PUBLIC_SERVICE = "public_service", _("公共服务")
        OTHER = "other", _("其他")

    class Visits(models.IntegerChoices):
        NONE = 0, _("不见面审批")
        ONCE = 1, _("最多跑一次")
        MORE = 2, _("跑多次")

    code = models.CharField(_("事项编码"), max_length=64)
    name = models.CharField(_("事项名称"), max_length=200)
    keywords = models.TextField(
        _("搜索关键词"),
        blank=True,
        help_text=_(
            "群众常用的叫法,用逗号、顿号或换行分隔,如“营业执照、开公司、注册公司”;"
            "办事指南搜索按它找到本事项。"
        ),
    )
    department = foreign_key(Department, _("实施部门"), related_name="items")
    kind = models.CharField(_("事项类型"), max_length=32, choices=Kind.choices)
    legal_limit_days = models.PositiveIntegerField(_("法定办结时限(工作日)"), default=20)
    promised_limit_days = models.PositiveIntegerField(_("承诺办结时限(工作日)"), default=0)
    immediate = models.BooleanField(_("即办件"), default=False)
    online = models.BooleanField(_("可网上办理"), default=False)
    max_visits = models.PositiveSmallIntegerField(
        _("到现场次数"), choices=Visits.choices, default=Visits.ONCE
    )
    entered = models.BooleanField(_("已进驻大厅"), default=True)
    window_authorized = models.BooleanField(_("窗口已授权"), default=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    basis = models.TextField(_("设定依据"), blank=True)
    fees = models.TextField(_("收费标准"), blank=True, help_text=_("不收费请填写“不收费”。"))
    steps = models.TextField(_("办理流程"), blank=True)
    step_count = models.PositiveSmallIntegerField(
        _("办理环节数"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(50)],
        help_text=_("如申请、受理、审查、决定、送达为5个环节;“四减”统计按它计算减环节。"),
    )
    fee_amount = models.DecimalField(
        _("收费金额(元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("每件的收费标准,不收费填0;“四减”统计按它计算减费用。"),
    )
    location = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    supervise_phone = models.CharField(_("监督投诉电话"), max_length=40, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("主题"), related_name="items", blank=True)
    windows = models.ManyToManyField(
        Window, verbose_name=_("可办理窗口"), related_name="items", blank=True
    )
    is_active = models.BooleanField(_("在用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[themes, windows])

    class Meta:
        verbose_name = verbose_name_plural = _("政务服务事项")
        ordering = ["department__sort_order", "code"]
        constraints = [unique_in_center("code", "catalog_item_unique_code")]
        permissions = [("view_guide_lint", _("查看办事指南检查结果"))]

    def __str__(self) -> str:
        return self.name

    @property
    def limit_days(self) -> int:
        """The limit the centre promises and its ranking checks (0 for 即办件)."""
        return 0 if self.immediate else self.promised_limit_days or self.legal_limit_days


class Material(models.Model):
    item = foreign_key(ServiceItem, _("事项"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=300)
    required = models.BooleanField(_("必要"), default=True)
    originals = models.PositiveSmallIntegerField(_("原件份数"), default=0)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    needs_form = models.BooleanField(_("需填写表格"), default=False)
    form_file = models.FileField(_("空白表格"), upload_to="catalog/forms/", blank=True)
    sample_file = models.FileField(_("示范文本"), upload_to="catalog/samples/", blank=True)
    notes = models.TextField(_("备注"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("申请材料")
        ordering = ["item", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


DEFAULT_CATCH_ALL_PATTERNS = "\n".join(
    [
        "其他材料",
        "其它材料",
        "根据*规定*材料",
        "根据*规定*提交",
        "相关材料",
        "相关证明材料",
        "有关材料",
        "有关证明",
        "等材料",
        "等证明",
        "等文件",
        "其他证明",
        "其他文件",
        "其他必要",
        "要求提供的其他",
    ]
)


class CatalogSettings(CenterSettings):
    """The centre's settings for its catalogue; created with the centre (`core.settings_rows`)."""

    center = foreign_key(
        "core.Center",
        _("中心"),
        on_delete=models.CASCADE,
        related_name="catalog_settings",
        one_to_one=True,
    )
    catch_all_patterns = models.TextField(
        _("兜底条款用语"),
        default=DEFAULT_CATCH_ALL_PATTERNS,
        blank=True,
        help_text=_("每行一个用语,材料名称包含其中任一用语即视为兜底条款;“*”代表任意文字。"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("事项目录设置")

    @property
    def pattern_list(self) -> list[str]:
        return [line.strip() for line in self.catch_all_patterns.splitlines() if line.strip()]
