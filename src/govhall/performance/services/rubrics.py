"""Rubrics: the shipped default, a new version copied from an old one, and the checks that make
a rubric usable."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.models import Center
from govhall.org.scoping import ANY_UNIT, require_perm
from govhall.performance import selectors
from govhall.performance.defaults import (
    DEFAULT_AWARD_MIN_VOLUME_SHARE,
    DEFAULT_AWARDS,
    DEFAULT_DIMENSIONS,
    DEFAULT_RUBRIC_NAME,
    DEFAULT_STAR_RULES,
    DEFAULT_TIE_BREAKERS,
)
from govhall.performance.errors import PerformanceError
from govhall.performance.models import Rubric, RubricAward, RubricDimension, RubricRule
from govhall.performance.rules import EVENT, RULES, SCALES


def ensure_default_rubric(*, center: Center) -> Rubric:
    """The centre's active rubric, creating the shipped default (version 1) if it has none."""
    with transaction.atomic():
        rubric = selectors.active_rubric(center_id=center.pk)
        if rubric is not None:
            return rubric
        rubric = Rubric.objects.create(
            center=center,
            name=str(DEFAULT_RUBRIC_NAME),
            version=(Rubric.objects.filter(center=center).count() + 1),
            is_active=True,
            star_rules=DEFAULT_STAR_RULES,
            tie_breakers=DEFAULT_TIE_BREAKERS,
            award_min_volume_share=DEFAULT_AWARD_MIN_VOLUME_SHARE,
        )
        RubricAward.objects.bulk_create(
            RubricAward(
                rubric=rubric,
                name=str(name),
                subject=subject,
                count=count,
                criterion=criterion,
                order=order,
            )
            for order, (name, subject, count, criterion) in enumerate(DEFAULT_AWARDS)
        )
        for order, (code, name, weight, method, rules) in enumerate(DEFAULT_DIMENSIONS):
            dimension = RubricDimension.objects.create(
                rubric=rubric, code=code, name=str(name), weight=weight, method=method, order=order
            )
            RubricRule.objects.bulk_create(
                RubricRule(
                    dimension=dimension,
                    rule=rule,
                    points=points,
                    params=params,
                    scale=scale,
                    order=i,
                )
                for i, (rule, points, params, scale) in enumerate(rules)
            )
        return rubric


def _save_copy(row: Any, **changes: Any) -> Any:
    """Save `row` again as a new row (a copy) with `changes`."""
    row.pk = None
    row.id = None
    for field, value in changes.items():
        setattr(row, field, value)
    row._state.adding = True
    row.save()
    return row


def new_rubric_version(*, rubric: Rubric, actor: Any) -> Rubric:
    """Copy a rubric into the next version (the copy becomes active); published runs keep theirs."""
    require_perm(
        actor, "performance.add_rubric", center_id=rubric.center_id, department_id=ANY_UNIT
    )
    with transaction.atomic():
        center = rubric.center
        version = (
            Rubric.objects.filter(center=center)
            .order_by("-version")
            .values_list("version", flat=True)[0]
            + 1
        )
        Rubric.objects.filter(center=center, is_active=True).update(is_active=False)
        dimensions = list(rubric.dimensions.prefetch_related("rules"))
        awards = list(rubric.awards.all())
        copy = _save_copy(Rubric.objects.get(pk=rubric.pk), version=version, is_active=True)
        for dimension in dimensions:
            rules = list(dimension.rules.all())
            _save_copy(dimension, rubric=copy)
            for rule in rules:
                _save_copy(rule, dimension=dimension)
        RubricAward.objects.bulk_create(
            RubricAward(
                rubric=copy,
                name=a.name,
                subject=a.subject,
                count=a.count,
                criterion=a.criterion,
                excludes_overdue=a.excludes_overdue,
                order=a.order,
            )
            for a in awards
        )
        return copy


def _validate_scale(code: str, scale: str) -> None:
    if scale not in SCALES:
        raise PerformanceError.BAD_RUBRIC(
            _("规则“%(rule)s”的扣分口径“%(scale)s”不存在。") % {"rule": code, "scale": scale},
        )
    if scale != EVENT and not RULES[code].scalable:
        raise PerformanceError.BAD_RUBRIC(
            _("“%(rule)s”不是扣分类规则,只能按次(件)计。") % {"rule": RULES[code].label},
        )


def validate_rubric(*, rubric: Rubric) -> None:
    """A rubric is usable when its weights are positive, every rule exists with its params and
    only deductions are read at a scale other than per event."""
    dimensions = list(rubric.dimensions.prefetch_related("rules"))
    if not dimensions or not sum(d.weight for d in dimensions):
        raise PerformanceError.BAD_RUBRIC(_("考核细则至少要有一个权重大于零的维度。"))
    for dimension in dimensions:
        for rule in dimension.rules.all():
            if rule.rule not in RULES:
                raise PerformanceError.BAD_RUBRIC(
                    _("维度“%(dim)s”使用了不存在的规则“%(rule)s”。")
                    % {"dim": dimension.name, "rule": rule.rule},
                )
            unknown = set(rule.params) - set(RULES[rule.rule].defaults)
            if unknown:
                raise PerformanceError.BAD_RUBRIC(
                    _("规则“%(rule)s”没有参数:%(names)s。")
                    % {"rule": rule.rule, "names": ", ".join(sorted(unknown))},
                )
            _validate_scale(rule.rule, rule.scale)
        if dimension.method == RubricDimension.Method.DATA and not dimension.rules.exists():
            raise PerformanceError.BAD_RUBRIC(
                _("数据计算维度“%(dim)s”没有评分规则。") % {"dim": dimension.name},
            )
    codes = {d.code for d in dimensions}
    figure_keys = selectors.figure_keys()
    for award in rubric.awards.all():
        known = (
            codes | {"total"}
            if award.subject == RubricAward.Subject.DEPARTMENT
            else figure_keys | {"score"}
        )
        if award.criterion not in known:
            raise PerformanceError.BAD_RUBRIC(
                _("奖项“%(award)s”的评选依据“%(criterion)s”不存在。")
                % {"award": award.name, "criterion": award.criterion},
            )
    for star in rubric.star_rules:
        if star.get("rule") not in RULES:
            raise PerformanceError.BAD_RUBRIC(
                _("个人评分规则使用了不存在的规则“%(rule)s”。") % {"rule": star.get("rule")},
            )
        _validate_scale(star["rule"], star.get("scale", EVENT))
    unknown = {name.lstrip("-") for name in rubric.tie_breakers} - figure_keys
    if unknown:
        raise PerformanceError.BAD_RUBRIC(
            _("同分比较顺序中没有这些指标:%(names)s。") % {"names": ", ".join(sorted(unknown))},
        )
