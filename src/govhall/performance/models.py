"""The monthly efficiency evaluation (服务效能评价): rubric, periods, runs, scores.

A rubric is versioned: a published run keeps the rubric version it was computed with. A run is a
computed ranking of one period; once published it is frozen with a snapshot of its inputs, and a
later recomputation makes a new run (version + 1) that records what changed.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from govhall.core.models import (
    CenterScopedModel,
    CenterSettings,
    foreign_key,
    unique_in_center,
    user_key,
)
from govhall.org.models import Department, StaffProfile
from govhall.performance.defaults import DEFAULT_REQUIREMENTS
from govhall.performance.rules import EVENT, RULES, scale_choices


class Rubric(CenterScopedModel):
    name = models.CharField(_("名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"))
    is_active = models.BooleanField(_("当前使用"), default=False)
    no_data_policy = models.CharField(
        _("无数据的比率"),
        max_length=16,
        choices=[
            ("respread", _("不计该项,分值按其余项折算")),
            ("not_rated", _("该单位列为不参评")),
        ],
        default="respread",
        help_text=_("单位某项比率没有分母(如无评价、无办件)时:从不按满分计。"),
    )
    tie_breakers = models.JSONField(
        _("同分比较顺序"),
        default=list,
        blank=True,
        help_text=_(
            '总分相同时依次比较的指标,如 ["-accepted", "avg_wait_seconds"]:'
            "前加“-”者大者在前,否则小者在前;仍相同按单位排序。"
        ),
    )
    star_rules = models.JSONField(
        _("个人评分规则"),
        default=list,
        blank=True,
        help_text=_("[{rule, points, params}],规则与窗口单位评分规则库相同。"),
    )
    award_min_volume_share = models.DecimalField(
        _("排名服务量门槛"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.25"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_(
            "窗口单位参加排名和评优须达到的服务量(叫号办结+受理办件)占参评单位服务量"
            "中位数的比例,如0.25;未达到的单位单列,不参加排名;0为不设门槛。"
            "无出勤记录的单位一律不评优。"
        ),
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("考核细则")
        ordering = ["center", "-version"]
        constraints = [
            unique_in_center("version", "perf_rubric_unique_version"),
            models.UniqueConstraint(
                fields=["center"],
                condition=models.Q(is_active=True),
                name="perf_rubric_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RubricAward(models.Model):
    """One title the rubric awards (优秀窗口, 群众满意窗口, 党员示范岗, 服务标兵, 业务能手 …):
    exactly `count` winners, the best by `criterion` among the eligible, ties broken by the
    rubric's rule."""

    class Subject(models.TextChoices):
        DEPARTMENT = "department", _("窗口单位")
        STAFF = "staff", _("工作人员")

    rubric = foreign_key(Rubric, _("考核细则"), on_delete=models.CASCADE, related_name="awards")
    name = models.CharField(_("奖项名称"), max_length=30)
    subject = models.CharField(_("评选对象"), max_length=16, choices=Subject.choices)
    count = models.PositiveSmallIntegerField(_("名额"))
    criterion = models.CharField(
        _("评选依据"),
        max_length=40,
        default="total",
        help_text=_(
            "窗口单位:total(总分)或维度代码;工作人员:score(个人评分规则得分)或个人指标,"
            "如 tickets_served。"
        ),
    )
    excludes_overdue = models.BooleanField(_("有超期件者不参评"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("奖项")
        ordering = ["rubric", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "name"], name="perf_award_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RubricDimension(models.Model):
    class Method(models.TextChoices):
        DATA = "data", _("量化测评(数据计算)")
        PEER = "peer", _("互评打分")
        PUBLIC = "public", _("民意测评")
        PANEL = "panel", _("考核组评分")

    rubric = foreign_key(Rubric, _("考核细则"), on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("维度"), max_length=50)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    method = models.CharField(_("评分方式"), max_length=16, choices=Method.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("考核维度")
        ordering = ["rubric", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="perf_dimension_unique_code"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="perf_weight_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name


class RubricRule(models.Model):
    """One scoring item of a data dimension: a rule from the library, its points and parameters."""

    dimension = foreign_key(
        RubricDimension, _("维度"), on_delete=models.CASCADE, related_name="rules"
    )
    rule = models.CharField(_("规则"), max_length=40)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    scale = models.CharField(
        _("扣分口径"),
        max_length=20,
        choices=scale_choices(),
        default=EVENT,
        help_text=_(
            "扣分类规则的扣分除以单位规模:按次(件)计,或按每名工作人员、每百件受理办件、"
            "每百人次服务计,比较的是发生率而非次数;得分类规则只能按次(件)计。"
        ),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("评分规则")
        ordering = ["dimension", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gt=0), name="perf_rule_points_pos")
        ]

    def __str__(self) -> str:
        return f"{self.dimension} · {self.rule}"

    def clean(self) -> None:
        rule = RULES.get(self.rule)
        if rule is not None and self.scale != EVENT and not rule.scalable:
            raise ValidationError(
                {"scale": _("“%(rule)s”不是扣分类规则,只能按次(件)计。") % {"rule": rule.label}}
            )


class EvaluationPeriod(CenterScopedModel):
    class Kind(models.TextChoices):
        WEEK = "week", _("周")
        MONTH = "month", _("月度")
        QUARTER = "quarter", _("季度")
        HALF = "half", _("半年")
        YEAR = "year", _("年度")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    code = models.CharField(
        _("期次"), max_length=10, help_text="2026-W18, 2026-05, 2026-Q2, 2026-H1, 2026"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    label = models.CharField(_("名称"), max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = _("考核期")
        ordering = ["center", "-start", "kind"]
        constraints = [unique_in_center("code", "perf_period_unique_code")]

    def __str__(self) -> str:
        return self.label


class ManualScore(CenterScopedModel):
    """A score entered by an evaluator for a department on a peer / public / panel dimension."""

    period = foreign_key(EvaluationPeriod, _("考核期"), related_name="manual")
    dimension = foreign_key(RubricDimension, _("维度"), related_name="manual")
    department = models.ForeignKey(Department, verbose_name=_("单位"), on_delete=models.PROTECT)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评分人"), on_delete=models.PROTECT
    )
    score = models.DecimalField(_("得分(百分制)"), max_digits=5, decimal_places=2)
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("评分录入")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "dimension", "department", "evaluator"],
                name="perf_manual_one_per_evaluator",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="perf_manual_0_100"
            ),
        ]


class EvaluationRun(CenterScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本取代")

    period = foreign_key(EvaluationPeriod, _("考核期"), related_name="runs")
    rubric = models.ForeignKey(Rubric, verbose_name=_("考核细则"), on_delete=models.PROTECT)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    computed_by = user_key(_("计算人"), on_delete=models.PROTECT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = user_key(_("发布人"), on_delete=models.PROTECT)
    inputs = models.JSONField(_("输入快照"), default=dict)
    narrative_work = models.TextField(
        _("工作情况补充"),
        blank=True,
        help_text=_("管理办公室撰写的段落,列入“一、工作情况”,每段一行(如部门重视、主动作为)。"),
    )
    narrative_problems = models.TextField(
        _("存在问题补充"),
        blank=True,
        help_text=_("管理办公室撰写的段落,列入“二、存在问题”,每段一行。"),
    )
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    bulletin = models.JSONField(
        _("发布时的通报设置"),
        default=dict,
        blank=True,
        help_text=_("发布时冻结:主送、依据、工作要求、结束语、发文机关、中心与考核期名称。"),
    )
    changes = models.JSONField(_("与上一发布版本的差异"), default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("评价结果")
        ordering = ["period", "-version"]
        permissions = [
            ("compute_evaluation", _("计算服务效能评价")),
            ("publish_evaluation", _("发布服务效能评价")),
            ("enter_score", _("录入互评、民意测评、考核组评分")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="perf_run_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"


class DepartmentScore(models.Model):
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="scores")
    department = models.ForeignKey(Department, verbose_name=_("单位"), on_delete=models.PROTECT)
    dimension_scores = models.JSONField(_("各维度得分"), default=dict)

    class Standing(models.TextChoices):
        RANKED = "ranked", _("参加排名")
        NOT_ENTERED = "not_entered", _("未进驻")
        NO_CASES = "no_cases", _("无办件")
        NOT_RATED = "not_rated", _("数据不足,不参评")
        LOW_VOLUME = "low_volume", _("服务量未达到排名门槛")

    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2)
    standing = models.CharField(
        _("参评情况"), max_length=16, choices=Standing.choices, default=Standing.RANKED
    )
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    award = models.CharField(_("奖项"), max_length=100, blank=True)
    flags = models.JSONField(_("提示"), default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("单位得分")
        ordering = [
            "run",
            models.F("rank").asc(nulls_last=True),
            "department__sort_order",
            "department__name",
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "department"], name="perf_score_unique_dept")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.total} #{self.rank}"


class StaffScore(models.Model):
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="staff_scores")
    staff = models.ForeignKey(StaffProfile, verbose_name=_("工作人员"), on_delete=models.PROTECT)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    award = models.CharField(_("奖项"), max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("个人得分")
        ordering = ["run", "rank", "staff__staff_number"]
        constraints = [models.UniqueConstraint(fields=["run", "staff"], name="perf_staff_unique")]

    def __str__(self) -> str:
        return f"{self.staff} {self.score} #{self.rank}"


class BulletinSettings(CenterSettings):
    """The centre's editable bulletin text (addressees, 工作要求, issuer)."""

    center = models.OneToOneField(
        "core.Center", on_delete=models.CASCADE, related_name="bulletin_settings"
    )
    addressees = models.CharField(_("主送"), max_length=200, default="各窗口单位:")
    basis = models.CharField(
        _("评价依据"),
        max_length=200,
        blank=True,
        help_text=_("如:《××市政务服务中心窗口服务效能评价办法》(××〔2021〕5号)"),
    )
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    requirements = models.TextField(_("工作要求"), blank=True, default=DEFAULT_REQUIREMENTS)
    closing = models.TextField(_("结束语"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("通报设置")
