"""The 12345 hotline import of ratings and complaints: all rows or none."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases.models import Case
from govhall.catalog.models import ServiceItem
from govhall.core.errors import (
    DomainError,
)
from govhall.core.models import Center
from govhall.feedback import hotline
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import (
    Channel,
    Complaint,
    Evaluation,
)
from govhall.feedback.services.complaints import _receive_complaint
from govhall.feedback.services.ratings import _record_evaluation
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import ANY_UNIT, require_perm


class _Lookup:
    """Departments, windows, staff, cases and items of one centre, by the names a file uses."""

    def __init__(self, center: Center) -> None:
        self.center = center
        self.departments: dict[str, Department] = {}
        for d in Department.objects.filter(center=center):
            for name in (d.name, d.short_name, d.code):
                if name:
                    self.departments.setdefault(name, d)
        self.windows = {w.number: w for w in Window.objects.filter(center=center)}
        self.staff = {
            s.staff_number: s
            for s in StaffProfile.objects.filter(center=center).select_related("department")
        }

    def get(self, table: dict[str, Any], value: Any, label: str) -> Any:
        return _found(value, table.get, _("%(label)s“%(v)s”不存在。"), label=label)

    def case(self, number: Any) -> Any:
        return _found(
            number,
            lambda v: Case.objects.filter(center=self.center, number=v).first(),
            _("办件编号“%(v)s”不存在。"),
        )

    def item(self, code: Any) -> Any:
        return _found(
            code,
            lambda v: ServiceItem.objects.filter(center=self.center, code=v).first(),
            _("事项编码“%(v)s”不存在。"),
        )


def _found(value: Any, find: Callable[[str], Any], missing: str, **names: Any) -> Any:
    """What `find` answers for a file's cell `value` (None for an empty cell); when it answers
    None, RowProblem with the message `missing` (``%(v)s``: the value, and `names`)."""
    if value in ("", None):
        return None
    found = find(str(value))
    if found is None:
        raise hotline.RowProblem(missing % {**names, "v": value})
    return found


def _import_rating(lookup: _Lookup, row: dict[str, Any], actor: Any) -> None:
    external_ref = str(row["external_ref"])
    if Evaluation.objects.filter(center=lookup.center, external_ref=external_ref).exists():
        raise hotline.RowProblem(_("工单号“%(v)s”已导入。") % {"v": external_ref})
    department = lookup.get(lookup.departments, row["department"], _("部门"))
    case = lookup.case(row.get("case"))
    if case is not None and case.department_id != department.pk:
        raise hotline.RowProblem(_("办件不属于所填部门。"))
    aspects = str(row.get("aspects") or "").replace(",", "、").replace(",", "、").split("、")
    _record_evaluation(
        center_id=lookup.center.pk,
        level=hotline.parse_level(row["level"]),
        channel=Channel.HOTLINE,
        department=department,
        window=lookup.get(lookup.windows, row.get("window"), _("窗口号")),
        staff=lookup.get(lookup.staff, row.get("staff"), _("工号")),
        case=case,
        aspects=aspects,
        comment=str(row.get("comment") or ""),
        rater_name=str(row.get("name") or ""),
        rater_phone=str(row.get("phone") or ""),
        external_ref=external_ref,
        rated_at=hotline.parse_time(row["at"]),
        actor=actor,
    )


def _import_complaint(lookup: _Lookup, row: dict[str, Any], actor: Any) -> None:
    _receive_complaint(
        center=lookup.center,
        channel=Complaint.Channel.HOTLINE,
        content=str(row["content"]),
        complainant_name=str(row.get("name") or ""),
        complainant_phone=str(row.get("phone") or ""),
        department=lookup.get(lookup.departments, row.get("department"), _("部门")),
        window=lookup.get(lookup.windows, row.get("window"), _("窗口号")),
        staff=lookup.get(lookup.staff, row.get("staff"), _("工号")),
        item=lookup.item(row.get("item")),
        external_ref=str(row["external_ref"]),
        received_at=hotline.parse_time(row["at"]),
        actor=actor,
    )


def authorize_hotline_import(*, actor: Any, center: Center) -> None:
    """The centre's people with the import permission import its 12345 work orders."""
    require_perm(actor, "feedback.import_hotline", center_id=center.pk, department_id=ANY_UNIT)


def import_hotline(
    *, center: Center, kind: str, filename: str, data: bytes, dry_run: bool, actor: Any
) -> int:
    """Import a 12345 export of ratings or complaints: all rows or none.

    A bad row is named by its number (``第N行``) and nothing is kept; a dry run checks every
    row the same way and then rolls back. Returns the number of rows.
    """
    authorize_hotline_import(actor=actor, center=center)
    if kind not in ("ratings", "complaints"):
        raise FeedbackError.IMPORT_KIND_INVALID(_("数据类型应为评价或投诉。"))
    rows = hotline.read_rows(kind, filename, data)
    write = _import_rating if kind == "ratings" else _import_complaint
    with transaction.atomic():
        lookup = _Lookup(center)
        for number, row in rows:
            try:
                write(lookup, row, actor)
            except (ValueError, DomainError) as exc:
                if isinstance(exc, DomainError):
                    message = exc.message
                elif isinstance(exc, hotline.RowProblem):
                    message = str(exc)
                else:
                    message = _("内容无法识别。")
                raise FeedbackError.ROW_INVALID(
                    _("第%(n)s行:%(msg)s") % {"n": number, "msg": message},
                    detail={"row": number},
                ) from exc
        if dry_run:
            transaction.set_rollback(True)
    return len(rows)
