from django.contrib import admin

from govhall.org.admin_base import (
    CenterScopedAdmin,
    ReadOnlyInline,
    ReadOnlyMixin,
    RowsInline,
    ScopedAdmin,
)
from govhall.performance.models import (
    BulletinSettings,
    DepartmentScore,
    EvaluationPeriod,
    EvaluationRun,
    ManualScore,
    Rubric,
    RubricAward,
    RubricDimension,
    RubricRule,
    StaffScore,
)


class RubricDimensionInline(RowsInline):
    model = RubricDimension
    show_change_link = True


class RubricAwardInline(RowsInline):
    model = RubricAward


@admin.register(Rubric)
class RubricAdmin(CenterScopedAdmin):
    list_display = ("name", "version", "is_active", "no_data_policy", "award_min_volume_share")
    list_filter = ("is_active", "center")
    inlines = [RubricDimensionInline, RubricAwardInline]


class RubricRuleInline(RowsInline):
    model = RubricRule
    fields = ("rule", "points", "params", "scale", "order")


@admin.register(RubricDimension)
class RubricDimensionAdmin(CenterScopedAdmin):
    scope_center_field = "rubric__center"
    list_display = ("name", "rubric", "weight", "method", "order")
    list_filter = ("method", "rubric")
    inlines = [RubricRuleInline]


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(CenterScopedAdmin):
    list_display = ("label", "code", "kind", "start", "end")
    list_filter = ("kind", "center")


@admin.register(ManualScore)
class ManualScoreAdmin(ScopedAdmin):
    list_display = ("period", "dimension", "department", "evaluator", "score", "entered_at")
    list_filter = ("period", "dimension")


class DepartmentScoreInline(ReadOnlyInline):
    model = DepartmentScore
    fields = ("rank", "department", "standing", "total", "award", "dimension_scores", "flags")


class StaffScoreInline(ReadOnlyInline):
    model = StaffScore
    fields = ("rank", "staff", "score", "award")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyMixin, CenterScopedAdmin):
    """Runs are computed and published by services only; the admin shows them."""

    list_display = ("period", "version", "status", "computed_at", "published_at")
    list_filter = ("status", "center")
    inlines = [DepartmentScoreInline, StaffScoreInline]


@admin.register(BulletinSettings)
class BulletinSettingsAdmin(CenterScopedAdmin):
    list_display = ("center", "addressees", "issuer")
