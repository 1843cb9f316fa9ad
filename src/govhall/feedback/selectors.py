"""Every non-trivial read of the feedback app: scoped lists, the pad's state and the figures.

Figures (DOMAIN.md "Figures"; definitions in docs/feedback.md), per centre, department, window
or staff member over local days ``start..end`` inclusive, each by a handful of aggregate queries:

- services_completed: tickets served (DONE, finished in the period) + cases completed in the
  period that were not handled at a window (channel online / mobile / mail); a window case is
  part of the served ticket it came from, so it is not counted twice.
- invitations: those services that have an invitation; invitation_rate = invitations ÷
  services_completed.
- invitations_rated / participation_rate: of those invitations, the ones rated ÷ invitations.
- ratings: ratings given in the period, without those taken out by an upheld appeal;
  ratings_by_level {5: n, …, 1: n}; good_rate = (5 + 4 + 3) ÷ ratings; bad_ratings = 2 + 1;
  bad_valid: bad ratings whose verification found them borne out; bad_rectified: bad ratings
  whose rectification is closed.
- rectifications_due: rectifications (not voided by an appeal) whose deadline falls in the
  period; rectified_on_time: those closed on or before their deadline;
  rectification_on_time_rate = rectified_on_time ÷ rectifications_due.
- complaints received in the period; complaints_valid / complaints_invalid by verdict;
  complaint_deductions: points of the valid ones.
- assists_by_type {kind: count}, assists_total: AssistRecord counts dated in the period.
Rates are fractions (0.94) or None when the denominator is 0.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from govhall.cases.models import Case
from govhall.core.selectors import Rollup, rollup
from govhall.core.validators import mask_phone
from govhall.feedback.links import hash_device_token
from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    Complaint,
    Evaluation,
    FeedbackSettings,
    Invitation,
    Level,
    RatingPad,
    Rectification,
)
from govhall.org.models import Department, StaffProfile, Window
from govhall.queueing.models import Ticket

GROUPINGS = ("department", "window", "staff")


def feedback_settings(center_id: int) -> FeedbackSettings:
    """The centre's feedback settings, created with the defaults on first use."""
    conf, _created = FeedbackSettings.objects.get_or_create(center_id=center_id)
    return conf


# ---------------------------------------------------------------- pads


def pad_from_token(token: str | None) -> RatingPad | None:
    if not token:
        return None
    return (
        RatingPad.objects.select_related("window")
        .filter(token_hash=hash_device_token(token), is_active=True)
        .first()
    )


def pad_pending_invitation(pad: RatingPad, now: dt.datetime | None = None) -> Invitation | None:
    """The service the pad's window finished last, if it is still waiting for its rating."""
    now = now or timezone.now()
    minutes = feedback_settings(pad.center_id).pad_prompt_minutes
    return (
        Invitation.objects.select_related("department", "window", "staff__user", "ticket")
        .filter(
            window_id=pad.window_id,
            source=Invitation.Source.TICKET,
            used_at__isnull=True,
            expires_at__gt=now,
            created_at__gte=now - dt.timedelta(minutes=minutes),
        )
        .order_by("-created_at", "-id")
        .first()
    )


# ---------------------------------------------------------------- lists (scoped)


def evaluation_list(
    scope: Any, *, level: int | None = None, bad_only: bool = False
) -> QuerySet[Evaluation]:
    qs = scope.filter(Evaluation.objects.all()).select_related(
        "department", "window", "staff__user", "ticket", "case", "rectification", "appeal"
    )
    if level:
        qs = qs.filter(level=level)
    if bad_only:
        qs = qs.filter(level__lte=Level.DISSATISFIED)
    return qs


def rectification_list(
    scope: Any, *, status: str | None = None, overdue: bool = False
) -> QuerySet[Rectification]:
    qs = scope.filter(Rectification.objects.all()).select_related(
        "department", "evaluation__window", "evaluation__staff__user"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(
            ~Q(status=Rectification.Status.VOID),
            Q(closed_at__isnull=True, deadline__lt=timezone.localdate())
            | Q(closed_at__date__gt=F("deadline")),
        )
    return qs


def complaint_list(scope: Any, *, status: str | None = None) -> QuerySet[Complaint]:
    qs = scope.filter(Complaint.objects.all()).select_related(
        "department", "window", "staff__user", "item", "assignee"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def appeal_list(scope: Any, *, status: str | None = None) -> QuerySet[Appeal]:
    qs = scope.filter(Appeal.objects.all()).select_related(
        "department", "evaluation", "filed_by", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def assist_list(
    scope: Any, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[AssistRecord]:
    qs = scope.filter(AssistRecord.objects.all()).select_related("department", "staff__user")
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs


def may_see_identity(scope: Any, department_id: int | None) -> bool:
    """Only those who verify and call back see a rater's or complainant's name and phone."""
    return scope.can("feedback.view_rater_identity") and scope.may_see_department(department_id)


def visible_identity(
    scope: Any, department_id: int | None, name: str, phone: str
) -> dict[str, str]:
    """A person's name and phone: whole for those who call back, masked for everyone else."""
    if may_see_identity(scope, department_id):
        return {"name": name, "phone": phone}
    return {"name": name[:1] + "*" * (len(name) - 1) if name else "", "phone": mask_phone(phone)}


# ---------------------------------------------------------------- figures


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _keys(by: str) -> dict[str, Any]:
    """How each source attributes a row to a department, window or staff member (None: the
    source is not kept per such unit)."""
    if by == "department":
        return {
            "ticket": Coalesce("department_id", "staff__department_id", "item__department_id"),
            "case": F("department_id"),
            "evaluation": F("department_id"),
            "rectification": F("department_id"),
            "complaint": F("department_id"),
            "assist": F("department_id"),
        }
    if by == "window":
        return {
            "ticket": F("window_id"),
            "case": F("window_id"),
            "evaluation": F("window_id"),
            "rectification": F("evaluation__window_id"),
            "complaint": F("window_id"),
            "assist": None,
        }
    if by == "staff":
        return {
            "ticket": F("staff_id"),
            "case": F("accepted_by__staff_profile__id"),
            "evaluation": F("staff_id"),
            "rectification": F("evaluation__staff_id"),
            "complaint": F("staff_id"),
            "assist": F("staff_id"),
        }
    raise ValueError(f"unknown grouping {by!r}")


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def empty_figures() -> dict[str, Any]:
    return {
        "services_completed": 0,
        "invitations": 0,
        "invitation_rate": None,
        "invitations_rated": 0,
        "participation_rate": None,
        "ratings": 0,
        "ratings_by_level": {level: 0 for level in sorted(Level.values, reverse=True)},
        "good_ratings": 0,
        "good_rate": None,
        "bad_ratings": 0,
        "bad_valid": 0,
        "bad_rectified": 0,
        "rectifications_due": 0,
        "rectified_on_time": 0,
        "rectification_on_time_rate": None,
        "complaints": 0,
        "complaints_valid": 0,
        "complaints_invalid": 0,
        "complaint_deductions": Decimal("0"),
        "assists_by_type": {kind: 0 for kind in AssistRecord.Kind.values},
        "assists_total": 0,
    }


def _service_aggregates() -> dict[str, Any]:
    return {
        "services": Count("pk"),
        "invited": Count("pk", filter=Q(rating_invitation__isnull=False)),
        "rated": Count("pk", filter=Q(rating_invitation__used_at__isnull=False)),
    }


def _add_services(r: dict[str, Any], agg: dict[str, Any]) -> None:
    r["services_completed"] += agg["services"]
    r["invitations"] += agg["invited"]
    r["invitations_rated"] += agg["rated"]


def _add_ratings(r: dict[str, Any], agg: dict[str, Any]) -> None:
    for level in Level.values:
        r["ratings_by_level"][level] += agg[f"l{level}"]
    r["bad_valid"] += agg["bad_valid"]
    r["bad_rectified"] += agg["bad_rectified"]


def _add_rectifications(r: dict[str, Any], agg: dict[str, Any]) -> None:
    r["rectifications_due"] += agg["due"]
    r["rectified_on_time"] += agg["on_time"]


def _add_complaints(r: dict[str, Any], agg: dict[str, Any]) -> None:
    r["complaints"] += agg["n"]
    r["complaints_valid"] += agg["n_valid"]
    r["complaints_invalid"] += agg["n_invalid"]
    r["complaint_deductions"] += agg["deductions"] or Decimal("0")


def _add_assists(r: dict[str, Any], agg: dict[str, Any]) -> None:
    for kind in AssistRecord.Kind.values:
        r["assists_by_type"][kind] += agg[f"a_{kind}"] or 0


def _figures(center_id: int, start: dt.date, end: dt.date, levels: Sequence[str]) -> Rollup:
    """The figures of the whole centre and per department / window / staff id (`levels`), each
    source table read once for all of them."""
    since, until = _bounds(start, end)
    keys = {level: _keys(level) for level in levels}
    bad = Q(level__lte=Level.DISSATISFIED)
    sources: list[tuple[str, QuerySet, dict[str, Any], Any]] = [
        (
            "ticket",
            Ticket.objects.filter(
                center_id=center_id,
                state=Ticket.State.DONE,
                finished_at__gte=since,
                finished_at__lt=until,
            ),
            _service_aggregates(),
            _add_services,
        ),
        (
            "case",
            Case.objects.filter(
                center_id=center_id, completed_at__gte=since, completed_at__lt=until
            ).exclude(channel=Case.Channel.WINDOW),
            _service_aggregates(),
            _add_services,
        ),
        (
            "evaluation",
            Evaluation.objects.filter(
                center_id=center_id, rated_at__gte=since, rated_at__lt=until, excluded=False
            ),
            {
                **{f"l{level}": Count("pk", filter=Q(level=level)) for level in Level.values},
                "bad_valid": Count("pk", filter=bad & Q(rectification__valid=True)),
                "bad_rectified": Count(
                    "pk", filter=bad & Q(rectification__status=Rectification.Status.CLOSED)
                ),
            },
            _add_ratings,
        ),
        (
            "rectification",
            Rectification.objects.filter(
                center_id=center_id, deadline__gte=start, deadline__lte=end
            ).exclude(status=Rectification.Status.VOID),
            {
                "due": Count("pk"),
                "on_time": Count(
                    "pk", filter=Q(closed_at__isnull=False, closed_at__date__lte=F("deadline"))
                ),
            },
            _add_rectifications,
        ),
        (
            "complaint",
            Complaint.objects.filter(
                center_id=center_id, received_at__gte=since, received_at__lt=until
            ),
            {
                "n": Count("pk"),
                "n_valid": Count("pk", filter=Q(valid=True)),
                "n_invalid": Count("pk", filter=Q(valid=False)),
                "deductions": Sum("deduction", filter=Q(valid=True)),
            },
            _add_complaints,
        ),
        (
            "assist",
            AssistRecord.objects.filter(center_id=center_id, date__gte=start, date__lte=end),
            {f"a_{kind}": Sum("count", filter=Q(kind=kind)) for kind in AssistRecord.Kind.values},
            _add_assists,
        ),
    ]
    result = Rollup(total=empty_figures(), by={level: {} for level in levels})
    for source, qs, aggregates, add in sources:
        source_keys = {level: keys[level][source] for level in levels}
        sums = rollup(qs, aggregates, {k: v for k, v in source_keys.items() if v is not None})
        add(result.total, sums.total)
        for level, groups in sums.by.items():
            for value, agg in groups.items():
                if value is not None:
                    add(result.by[level].setdefault(value, empty_figures()), agg)
    for r in [result.total, *(r for groups in result.by.values() for r in groups.values())]:
        _derive(r)
    return result


def feedback_figures(
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
    by: str | None = None,
    keys: Iterable[Any] = (),
) -> dict[Any, dict[str, Any]]:
    """The figures per department / window / staff id (`by`), or {None: …} for the centre.

    `keys` are ids that get a row even when they have no data.
    """
    if by is None:
        return {None: _figures(center_id, start, end, ()).total}
    return {**{k: empty_figures() for k in keys}, **_figures(center_id, start, end, (by,)).by[by]}


def _derive(r: dict[str, Any]) -> None:
    levels = r["ratings_by_level"]
    r["ratings"] = sum(levels.values())
    r["good_ratings"] = sum(levels[lv] for lv in (5, 4, 3))
    r["bad_ratings"] = levels[2] + levels[1]
    r["good_rate"] = _rate(r["good_ratings"], r["ratings"])
    r["invitation_rate"] = _rate(r["invitations"], r["services_completed"])
    r["participation_rate"] = _rate(r["invitations_rated"], r["invitations"])
    r["rectification_on_time_rate"] = _rate(r["rectified_on_time"], r["rectifications_due"])
    r["assists_total"] = sum(r["assists_by_type"].values())


def figure_rollup(*, center_id: int, start: dt.date, end: dt.date) -> Rollup:
    """The centre's figures, every department's and every staff member's (by StaffProfile id),
    together: each source table is read once."""
    figures = _figures(center_id, start, end, ("department", "staff"))
    for level, model in (("department", Department), ("staff", StaffProfile)):
        ids = model.objects.filter(center_id=center_id).values_list("pk", flat=True)
        figures.by[level] = {**{pk: empty_figures() for pk in ids}, **figures.by[level]}
    return figures


def department_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures per department id (every department of the centre has a row)."""
    return figure_rollup(center_id=center_id, start=start, end=end).by["department"]


def window_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures per window id (assisted services are not kept per window)."""
    ids = Window.objects.filter(center_id=center_id).values_list("pk", flat=True)
    return feedback_figures(center_id=center_id, start=start, end=end, by="window", keys=ids)


def staff_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures per StaffProfile id (every staff member of the centre has a row)."""
    return figure_rollup(center_id=center_id, start=start, end=end).by["staff"]


def center_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict:
    """The same figures for the whole centre."""
    return _figures(center_id, start, end, ()).total


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def disclosure(*, center_id: int, year: int, month: int) -> list[dict[str, Any]]:
    """The public monthly disclosure: per entered department, ratings and rectifications."""
    start, end = month_bounds(year, month)
    figures = department_figures(center_id=center_id, start=start, end=end)
    departments = Department.objects.filter(center_id=center_id, entered=True, is_active=True)
    return [{"department": d, **figures[d.pk]} for d in departments]
