"""How big a simulated hall is, and how its people behave (the parameters of `govhall simulate`).

The sizes come from the seeds: a city hall like 昭通市民之家 (seed 003: 270 windows, 92
departments, 2,340 items) with a month like 驻马店市民中心's (seed 000: 131,762 cases, 28 units
giving assisted services); a county like 眉县 (seed 004: 5,632 cases a year) with 33 units, 225
items and 51 staff like seed 001's. Seed 000's waits, handling, invitation rate and assisted
services by type are what a simulated city month must come out near, not inputs: the
parameters below are behaviour (arrivals, handling times, habits, rates per unit and day).
The county month's waits (a few minutes, longest at 不动产 and 公安) come out of its volume, its
handling times and how few of its people sit at the windows (issue 16).
"""

import datetime as dt
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    name: str
    level: str  # core.Center.Level value
    departments: int
    not_entered: int  # of them, units that have not moved into the hall (no windows, no staff)
    quiet_units: int  # entered units whose items are seldom asked for (the last entered ones)
    windows: int
    items: int
    staff: int  # window staff + back office
    # people at the windows (前台): the office staffs each line by its demand, at least one
    # window each; the rest of `staff` approve in the back office (后台), the other windows
    # stand in reserve. Their number against the demand is what makes the waits.
    window_staff: int
    categories: int  # queue lines (prefix letters)
    tickets_per_workday: float
    # times the catalogue's handling times (world.load_world: 150 s an instant item, 230 s
    # another, each ×0.7–1.35)
    handling_factor: float
    window_case_share: float  # served tickets that open a case
    online_cases_per_workday: float
    assisting_units: int  # departments that offer assisted services (帮办代办)
    # AssistRecord kind → services per assisting unit per working day (weekend: per rest day)
    assist_rates: dict[str, float]
    complaints_per_month: int
    overdue_share: float  # completed cases that miss their deadline
    bad_rating_share: float  # ratings at 不满意 / 非常不满意


CITY = Scale(
    name="city",
    level="city",
    departments=92,
    not_entered=4,
    quiet_units=10,
    windows=270,
    items=2340,
    staff=300,
    window_staff=150,
    categories=20,
    tickets_per_workday=10_600,
    handling_factor=1.0,
    window_case_share=0.47,
    online_cases_per_workday=2_050,
    assisting_units=28,
    assist_rates={"home": 0.16, "after_hours": 0.065, "coaching": 0.22, "weekend": 0.5},
    complaints_per_month=18,
    overdue_share=0.00002,
    bad_rating_share=0.001,
)

COUNTY = Scale(
    name="county",
    level="county",
    departments=33,
    not_entered=2,
    quiet_units=12,  # seed 001: 14 of 33 units without a case in the month
    windows=40,
    items=225,
    staff=51,
    # Front desk by demand: one person for each of 公安, 市场监管, 人社, 医保 and 不动产 (30 % of
    # the tickets, one counter busy about half its time), two at the comprehensive
    # windows that take applications for the 26 tail units (一窗受理: their people approve in
    # the back office, 后台分类审批). 44 of the 51 approve in the back; 33 windows in reserve.
    window_staff=7,
    categories=6,
    # Seed 001 (33 units, 51 staff, half a year of ~117 working days): 4,828 cases and 12,119
    # people 接待咨询办事 (consultations: served tickets with no case, as the bulletin counts
    # them): (4,828 + 12,119) ÷ 117 ≈ 145 tickets a working day, 4,828 ÷ 16,947 ≈ 0.28 of them
    # opening a case (≈ 750 window cases a month; seed 004, 眉县: 3,220 offline cases a year).
    tickets_per_workday=145,
    # A county window person handles every item of their unit (or, at the comprehensive
    # windows, of many units) at one counter, where the city's 270 windows specialise and seed
    # 000's 平均办理时间 is what its reform compressed to under 4 minutes: 1.5 × the city's.
    handling_factor=1.5,
    window_case_share=0.28,
    # Seed 004: 2,412 online cases a year ÷ ~245 working days ≈ 10.
    online_cases_per_workday=10.0,
    assisting_units=10,
    assist_rates={"home": 0.015, "after_hours": 0.01, "coaching": 0.03, "weekend": 0.04},
    complaints_per_month=1,
    overdue_share=0.002,
    bad_rating_share=0.002,
)

SCALES = {s.name: s for s in (CITY, COUNTY)}


def shrink(scale: Scale, factor: int) -> Scale:
    """The same hall `factor` times smaller: sizes and volumes divided, every share, rate per
    unit and behaviour kept (for tests that need a month shaped like `scale` but quick)."""

    def part(value: float, least: int) -> int:
        return max(least, round(value / factor))

    windows = part(scale.windows, 4)
    categories = part(scale.categories, 2)
    return replace(
        scale,
        name=f"{scale.name}/{factor}",
        departments=part(scale.departments, 3),
        not_entered=min(1, scale.not_entered),
        quiet_units=min(1, scale.quiet_units),
        windows=windows,
        items=part(scale.items, 30),
        staff=max(windows + 2, part(scale.staff, 6)),
        window_staff=min(windows, max(categories, part(scale.window_staff, 1))),
        categories=categories,
        tickets_per_workday=scale.tickets_per_workday / factor,
        online_cases_per_workday=scale.online_cases_per_workday / factor,
        assisting_units=part(scale.assisting_units, 1),
        complaints_per_month=round(scale.complaints_per_month / factor),
    )


# Arrivals per hour of the working day, relative (the morning peak is the tallest; seed 002's
# complaints about long waits are about 9–11 o'clock). Keys: hour; the hall is open 9–12 and
# 13:30–17:30 (queueing.QueueSettings defaults).
HOURLY_ARRIVALS = {9: 1.25, 10: 1.35, 11: 1.0, 13: 0.55, 14: 1.15, 15: 1.05, 16: 0.85, 17: 0.45}
# Monday is the busiest day, Friday afternoon the quietest.
WEEKDAY_ARRIVALS = {0: 1.22, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.85, 5: 0.9, 6: 0.9}

MORNING = (dt.time(9, 0), dt.time(12, 0))
AFTERNOON = (dt.time(13, 30), dt.time(17, 30))

QUIET_DEMAND = 0.02  # a quiet unit's share of the demand, against its rank's

# Queue behaviour.
PRIORITY_SHARE = 0.05  # green channel
APPOINTMENT_SHARE = 0.08  # tickets that come from an appointment check-in
APPOINTMENT_NO_SHOW = 0.08  # booked appointments nobody checks in for
NO_SHOW_SHARE = 0.025  # called, never came to the window
MIN_PATIENCE_S = 25 * 60  # nobody leaves before this
MEAN_PATIENCE_S = 120 * 60  # then some give up (ticket cancelled)
RECALL_SECONDS = 70  # first call + 2 recalls, 20 s apart, then no-show
WALK_SECONDS = (8, 45)  # from the call to the window
PAUSES_PER_WINDOW_DAY = 1.2
PREDICTION_SAMPLE = 30  # recent handling times the predictor takes (queueing setting)

# Feedback. Whether a service is invited to be rated is each window's habit: most staff press
# the rating pad nearly every time, a few often forget (Beta(a, b) per staff member); online
# cases get the SMS invitation when their department's system is linked to 好差评 (seed 000
# 二(一): not all are).
INVITING_HABIT = (40.0, 1.5)
LAX_HABIT = (6.0, 4.0)
LAX_STAFF_SHARE = 0.1
LINKED_DEPARTMENT_SHARE = 0.93
REAL_NAME_SHARE = 0.35  # pad and QR ratings given with a name and phone (SMS ones always are)
RATING_RESPONSE = 0.6  # invited people who rate (about one rating per case, as issue 7 says)
RATING_LEVELS = {5: 0.86, 4: 0.11, 3: 0.029}  # the rest (bad) is Scale.bad_rating_share

# Attendance (per staff member and day or session; the hall opens the windows of those present).
LATE_SHARE = 0.018  # sessions begun 6-30 minutes late
EARLY_LEAVE_SHARE = 0.008  # sessions left 6-30 minutes early
LEAVE_SHARE = 0.03  # staff-days on approved leave
ABSENT_SHARE = 0.002  # staff-days missed without leave (缺勤)
OUTING_SHARE = 0.02  # window sessions with a registered temporary absence (临时外出登记)
AWAY_SHARE = 0.01  # window sessions with a stretch away from the window, unregistered (空岗)
INSPECTIONS_PER_WORKDAY = 2
VIOLATION_PER_INSPECTION = 0.12
