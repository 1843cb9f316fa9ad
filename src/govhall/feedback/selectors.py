"""Every non-trivial read of the feedback app: scoped lists, the pad's state and the figures.

Figures (DOMAIN.md "Figures"; definitions in docs/feedback.md), per centre, department, window
or staff member over local days ``start..end`` inclusive, each by a handful of aggregate queries:

- services_completed: tickets served (DONE, finished in the period) + cases completed in the
  period that did not come from a queue ticket (online, mobile, mail, and window cases accepted
  without a ticket); a case opened from a ticket is part of the service of that ticket, so each
  service is counted once.
- invitations: those services that have an invitation; invitation_rate = invitations ÷
  services_completed.
- invitations_rated / participation_rate: of those invitations, the ones rated ÷ invitations.
- ratings: ratings given in the period, without those taken out by an upheld appeal;
  ratings_by_level {5: n, …, 1: n}; ratings_online (线上: web, SMS link) and ratings_offline
  (线下: the window's pad, the QR code, the 12345 hotline); good_rate = (5 + 4 + 3) ÷ ratings;
  very_satisfied = 5, very_satisfied_rate = 5 ÷ ratings (seed 004: "非常满意占到100%");
  bad_ratings = 2 + 1; bad_valid: the bad ratings that stand, which the ranking counts: all of
  them, as only an upheld appeal (decided by the centre) takes one out, never the verification
  by the unit that served; bad_rectified: bad ratings whose rectification is closed.
- rectifications_due: rectifications (not of a rating an upheld appeal took out, whether
  voided or closed by then) whose deadline falls in the period, leaving out, while the period
  runs, an open one whose deadline is today or later (it is not late yet); rectified_on_time:
  those closed on or before their deadline; rectification_on_time_rate = rectified_on_time ÷
  rectifications_due.
- complaints received in the period; complaints_valid / complaints_invalid by verdict;
  complaint_deductions: points of the valid ones.
- assists_by_type {kind: count}, assists_total: AssistRecord counts dated in the period.
Rates are fractions (0.94) or None when the denominator is 0.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from govhall.cases.models import Case
from govhall.core import settings_rows
from govhall.core.compiled import Placeholders, fetch_one
from govhall.core.dates import day_span, month_span
from govhall.core.models import Center
from govhall.core.roles import Role
from govhall.core.selectors import Rollup, active_centers, filtered, regrouped, rollup
from govhall.core.validators import mask_phone
from govhall.feedback.links import hash_device_token
from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    CallbackSatisfaction,
    Channel,
    Complaint,
    Evaluation,
    FeedbackSettings,
    Invitation,
    Level,
    RatingPad,
    Rectification,
)
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import scope_for
from govhall.org.selectors import profile_ids_of_users
from govhall.queueing.models import Ticket, TicketEvent

GROUPINGS = ("department", "window", "staff")
# Ratings given online (线上评价); the others were given at the hall or by phone (线下).
ONLINE_CHANNELS = (Channel.WEB, Channel.SMS)


def feedback_settings(*, center_id: int) -> FeedbackSettings:
    """The centre's feedback settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(FeedbackSettings, center_id)


@dataclass(frozen=True)
class InvitationFacts:
    """What inviting a rating of one service reads, in one query (`invitation_facts`)."""

    valid_days: int  # how long the invitation is valid (the centre's feedback settings)
    has_pad: bool  # the window has a paired rating pad
    existing_id: int | None  # the service's invitation, when it has one already


def _invitation_facts_query(p: Placeholders) -> QuerySet:
    def first_pk(invitations: QuerySet) -> Subquery:
        return Subquery(invitations.order_by("pk").values("pk")[:1])

    conf = FeedbackSettings.objects.filter(center_id=OuterRef("pk"))
    return Center.objects.filter(pk=p.int("center")).values(
        valid_days=Subquery(conf.values("invitation_valid_days")[:1]),
        has_pad=Exists(
            RatingPad.objects.filter(window_id=p.int("window"), is_active=True).exclude(
                token_hash=""
            )
        ),
        existing_id=Coalesce(
            first_pk(Invitation.objects.filter(ticket_id=p.int("ticket"))),
            first_pk(Invitation.objects.filter(case_id=p.int("case"))),
        ),
    )


def invitation_facts(
    *,
    center_id: int,
    window_id: int | None,
    ticket_id: int | None = None,
    case_id: int | None = None,
) -> InvitationFacts:
    """The facts `_create_invitation` needs about a service (a ticket's or a case's) at a
    window, read in one compiled query (a centre without its settings row has the defaults)."""
    row = fetch_one(
        ("invitation-facts",),
        _invitation_facts_query,
        {"center": center_id, "window": window_id, "ticket": ticket_id, "case": case_id},
    )
    valid_days = row["valid_days"] if row is not None else None
    if valid_days is None:
        valid_days = FeedbackSettings(center_id=center_id).invitation_valid_days
    return InvitationFacts(
        valid_days=valid_days,
        has_pad=bool(row and row["has_pad"]),
        existing_id=row["existing_id"] if row is not None else None,
    )


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
    """The service the pad's window has just finished, while it waits for its rating.

    Exactly one service: the window's last finished ticket, finished after the pad was paired
    and after its last skip, and only until it is rated, skipped or the window calls someone
    else (`pad_prompt_minutes` caps a window that never calls again). An older unrated service
    never comes back, so the next person cannot rate the previous one's service.
    """
    now = now or timezone.now()
    minutes = feedback_settings(center_id=pad.center_id).pad_prompt_minutes
    since = max(
        t for t in (pad.paired_at, pad.prompt_cleared_at, now - dt.timedelta(minutes=minutes)) if t
    )
    next_call = TicketEvent.objects.filter(
        center_id=pad.center_id,
        kind=TicketEvent.Kind.CALLED,
        window_id=pad.window_id,
        at__gte=OuterRef("ticket__finished_at"),
    ).exclude(ticket_id=OuterRef("ticket_id"))
    latest = (
        Invitation.objects.select_related("department", "window", "staff__user", "ticket")
        .filter(window_id=pad.window_id, source=Invitation.Source.TICKET, created_at__gte=since)
        .annotate(superseded=Exists(next_call))
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.used_at is not None or latest.superseded:
        return None
    return None if latest.is_expired(now) else latest


def pairable_windows(user: Any) -> QuerySet[Window]:
    """The windows `user` may pair a rating pad with: their own (a centre administrator: every
    window of the centre)."""
    scope = scope_for(user)
    if scope.center_id is not None and (
        scope.has_role(Role.CENTER_ADMIN) or getattr(user, "is_superuser", False)
    ):
        return Window.objects.filter(center_id=scope.center_id)
    return Window.objects.filter(
        staff__user=user, staff__active=True, center_id=scope.center_id
    ).distinct()


def service_invitation(*, ticket: Ticket | None = None, case: Case | None = None) -> Any:
    """The rating invitation of a served ticket or a completed case (None if it has none)."""
    return (
        Invitation.objects.select_related("department", "window")
        .filter(**({"ticket": ticket} if ticket is not None else {"case": case}))
        .first()
    )


def rated_case(case_id: int | None) -> Case | None:
    """The case a receipt's rating link names, if there is one."""
    return Case.objects.filter(pk=case_id).first() if case_id is not None else None


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
        # Not one of a rating an upheld appeal took out: the figures do not count it either.
        qs = qs.filter(
            ~Q(status=Rectification.Status.VOID),
            Q(closed_at__isnull=True, deadline__lt=timezone.localdate())
            | Q(closed_at__date__gt=F("deadline")),
            evaluation__excluded=False,
        )
    return qs


def complaint_list(scope: Any, *, status: str | None = None) -> QuerySet[Complaint]:
    qs = scope.filter(Complaint.objects.all()).select_related(
        "department", "window", "staff__user", "item", "assignee"
    )
    return filtered(qs, status=status)


def appeal_list(scope: Any, *, status: str | None = None) -> QuerySet[Appeal]:
    qs = scope.filter(Appeal.objects.all()).select_related(
        "department", "evaluation", "filed_by", "decided_by"
    )
    return filtered(qs, status=status)


def assist_list(
    scope: Any, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[AssistRecord]:
    qs = scope.filter(AssistRecord.objects.all()).select_related("department", "staff__user")
    return filtered(qs, date__gte=start, date__lte=end)


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


def appeal_of(evaluation: Evaluation) -> Appeal | None:
    """The appeal against the evaluation, if one was made."""
    return Appeal.objects.filter(evaluation=evaluation).first()


def complaint_staff(complaint: Complaint) -> QuerySet[StaffProfile]:
    """The staff in post a complaint may be assigned to: its department's, else the centre's."""
    staff = StaffProfile.objects.filter(center_id=complaint.center_id, active=True).select_related(
        "user"
    )
    if complaint.department_id:
        staff = staff.filter(department_id=complaint.department_id)
    return staff


# ---------------------------------------------------------------- figures


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
        # A case's is its acceptor's user id, mapped to their StaffProfile id by `_figures`.
        return {
            "ticket": F("staff_id"),
            "case": F("accepted_by_id"),
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
        "ratings_online": 0,
        "ratings_offline": 0,
        "good_ratings": 0,
        "good_rate": None,
        "very_satisfied": 0,
        "very_satisfied_rate": None,
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
    r["ratings_online"] += agg["online"]
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
    since, until = day_span(start, end)
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
                center_id=center_id,
                completed_at__gte=since,
                completed_at__lt=until,
                ticket__isnull=True,
            ),
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
                "online": Count("pk", filter=Q(channel__in=ONLINE_CHANNELS)),
                "bad_rectified": Count(
                    "pk", filter=bad & Q(rectification__status=Rectification.Status.CLOSED)
                ),
            },
            _add_ratings,
        ),
        (
            "rectification",
            # Not those of a rating an upheld appeal took out, voided or already closed.
            Rectification.objects.filter(
                Q(closed_at__isnull=False) | Q(deadline__lt=timezone.localdate()),
                center_id=center_id,
                deadline__gte=start,
                deadline__lte=end,
                evaluation__excluded=False,
            ),
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
        if source == "case" and "staff" in sums.by:
            staff = sums.by["staff"]
            sums.by["staff"] = regrouped(staff, profile_ids_of_users(staff))
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
    r["ratings_offline"] = r["ratings"] - r["ratings_online"]
    r["good_ratings"] = sum(levels[lv] for lv in (5, 4, 3))
    r["bad_ratings"] = levels[2] + levels[1]
    # Only the centre takes a bad rating out (an upheld appeal: `excluded`, already left out);
    # the unit's own verification (不属实) does not, so every bad rating counted here stands.
    r["bad_valid"] = r["bad_ratings"]
    r["good_rate"] = _rate(r["good_ratings"], r["ratings"])
    r["very_satisfied"] = levels[Level.VERY_SATISFIED]
    r["very_satisfied_rate"] = _rate(r["very_satisfied"], r["ratings"])
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


GROUP_MODELS = {"department": Department, "window": Window, "staff": StaffProfile}
_GROUP_DEPARTMENT = {"department": "pk", "window": "departments", "staff": "department"}


def figure_owners(scope: Any, by: str, keys: Iterable[int]) -> QuerySet:
    """The departments, windows or staff (`by`) of `keys` the user sees, each once."""
    return scope.filter(
        GROUP_MODELS[by].objects.filter(pk__in=list(keys)),
        department_field=_GROUP_DEPARTMENT[by],
    ).distinct()


def department_keys(by: str, department_id: int | None) -> set[int]:
    """The keys a department's own figures grouped `by` may show: itself, its windows, its staff."""
    rows = {
        "department": Department.objects.filter(pk=department_id),
        "window": Window.objects.filter(departments=department_id),
        "staff": StaffProfile.objects.filter(department_id=department_id),
    }[by]
    return set(rows.values_list("pk", flat=True))


def disclosure_center(region_code: str = "", *, own: Center | None = None) -> Center | None:
    """The centre in service whose disclosure is shown: the one of `region_code`, else `own`,
    else the first."""
    centers = active_centers()
    if region_code:
        return centers.filter(region_code=region_code).first()
    return own or centers.first()


@dataclass(frozen=True)
class Disclosure:
    """The public monthly disclosure: per entered department, and the whole centre's total."""

    rows: list[dict[str, Any]]
    total: dict[str, Any]


def disclosure(*, center_id: int, year: int, month: int) -> Disclosure:
    """Ratings and rectifications of the month per entered department, and the centre's."""
    start, end = month_span(year, month)
    figures = figure_rollup(center_id=center_id, start=start, end=end)
    departments = Department.objects.filter(center_id=center_id, entered=True, is_active=True)
    return Disclosure(
        rows=[{"department": d, **figures.by["department"][d.pk]} for d in departments],
        total=figures.total,
    )


# ---------------------------------------------------------------- real-name callbacks, assists


def callback_figures(*, center_id: int, start: dt.date, end: dt.date) -> Rollup:
    """Real-name bad ratings and their callbacks (国办发〔2019〕51号: 100 % called back), for the
    centre (`total`) and by department, over the bad ratings given in the period (appeals
    upheld excluded):

    - ``realname_bad``: bad ratings that left a phone (实名差评);
    - ``realname_reached``: of those, the ones whose callback reached the person;
    - ``realname_callback_rate``: realname_reached ÷ realname_bad (goal 1.0), or None;
    - ``anonymous_bad``: bad ratings without a phone (they cannot be called back);
    - ``by_kind`` {immediate, deadline, explanation}: how their rectification was done.
    """
    since, until = day_span(start, end)
    realname = ~Q(rater_phone_hash="")  # the phone is encrypted: tested through its hash
    kinds = Rectification.Kind.values
    result = rollup(
        Evaluation.objects.filter(
            center_id=center_id,
            level__lte=Level.DISSATISFIED,
            excluded=False,
            rated_at__gte=since,
            rated_at__lt=until,
        ),
        {
            "realname_bad": Count("pk", filter=realname),
            "realname_reached": Count(
                "pk", filter=realname & Q(rectification__callback_reached=True)
            ),
            "anonymous_bad": Count("pk", filter=~realname),
            **{f"k_{kind}": Count("pk", filter=Q(rectification__kind=kind)) for kind in kinds},
        },
        {"department": "department_id"},
    )

    def finish(row: dict[str, Any]) -> dict[str, Any]:
        bad = row.get("realname_bad") or 0
        reached = row.get("realname_reached") or 0
        return {
            "realname_bad": bad,
            "realname_reached": reached,
            "realname_callback_rate": _rate(reached, bad),
            "anonymous_bad": row.get("anonymous_bad") or 0,
            "by_kind": {kind: row.get(f"k_{kind}") or 0 for kind in kinds},
        }

    return Rollup(
        total=finish(result.total),
        by={"department": {k: finish(v) for k, v in result.by["department"].items()}},
    )


def complaint_callbacks(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The complaints and 办不成事 reports received in the period and their callbacks (seed 004:
    "处理群众问题诉求5起,并通过电话回访当事人办理结果,满意率达100%"):

    - ``complaints``: received in the period (``received_at``);
    - ``reached``: of those, the ones whose callback reached the person;
    - ``answered``: of those reached, the ones that gave their satisfaction;
    - ``satisfied``: of those answered, 满意 or 基本满意 (as 好评 counts 基本满意);
    - ``satisfaction_rate``: satisfied ÷ answered, or None.
    """
    since, until = day_span(start, end)
    reached = Q(callback_reached=True)
    answered = reached & ~Q(satisfaction="")
    good = [CallbackSatisfaction.SATISFIED, CallbackSatisfaction.BASICALLY]
    row = Complaint.objects.filter(
        center_id=center_id, received_at__gte=since, received_at__lt=until
    ).aggregate(
        complaints=Count("pk"),
        reached=Count("pk", filter=reached),
        answered=Count("pk", filter=answered),
        satisfied=Count("pk", filter=answered & Q(satisfaction__in=good)),
    )
    return {**row, "satisfaction_rate": _rate(row["satisfied"], row["answered"])}


def assist_totals(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    """Assisted services dated in the period by kind, each with its times (count), households,
    quantity and money saved (seed 004: 免费刻章 673 户 / 3,311 枚 / 节省 52.9 万元), and the
    sum of all kinds under ``"total"``."""
    zero = {"count": 0, "households": 0, "quantity": 0, "saving": Decimal("0")}
    rows = (
        AssistRecord.objects.filter(center_id=center_id, date__gte=start, date__lte=end)
        .values("kind")
        .annotate(
            count=Sum("count"),
            households=Sum("households"),
            quantity=Sum("quantity"),
            saving=Sum("saving"),
        )
        .order_by()
    )
    totals = {kind: dict(zero) for kind in AssistRecord.Kind.values}
    for row in rows:
        totals[row.pop("kind")] = row
    totals["total"] = {key: sum(t[key] for t in totals.values()) for key in zero}
    return totals


def may_download_appeal(user: Any, appeal: Appeal) -> bool:
    """Whether the user may open an appeal's evidence: whoever may see the rating."""
    scope = scope_for(user)
    return (
        scope.can("feedback.view_evaluation")
        and evaluation_list(scope).filter(pk=appeal.evaluation_id).exists()
    )


def may_download_rectification(user: Any, rectification: Rectification) -> bool:
    """Whether the user may open a rectification's evidence: whoever may see it."""
    scope = scope_for(user)
    return (
        scope.can("feedback.view_rectification")
        and rectification_list(scope).filter(pk=rectification.pk).exists()
    )


def assist_units(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, str]:
    """The unit of each kind's quantity (免费刻章: 枚) when the period's records of that kind name
    exactly one; a kind whose records name none or several has no unit here."""
    units: dict[str, set[str]] = {}
    rows = (
        AssistRecord.objects.filter(center_id=center_id, date__gte=start, date__lte=end)
        .exclude(unit="")
        .values_list("kind", "unit")
        .distinct()
        .order_by()
    )
    for kind, unit in rows:
        units.setdefault(kind, set()).add(unit)
    return {kind: names.pop() for kind, names in units.items() if len(names) == 1}
