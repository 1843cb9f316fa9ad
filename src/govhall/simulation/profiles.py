"""How big a simulated hall is, and how its people behave (the parameters of `govhall simulate`).

The sizes come from the seeds: a city hall like 昭通市民之家 (seed 003: 270 windows, 92
departments, 2,340 items) with a month like 驻马店市民中心's (seed 000: 131,762 cases; waits under
6 minutes, handling under 4, 90% within 10 minutes; invitation rate 94%; assisted services
86/34/117/154); a county like 眉县 (seed 004: 5,632 cases a year) with 33 units, 225 items and
51 staff like seed 001's.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    level: str  # core.Center.Level value
    departments: int
    windows: int
    items: int
    staff: int  # window staff + back office
    categories: int  # queue lines (prefix letters)
    tickets_per_workday: float
    window_case_share: float  # served tickets that open a case
    online_cases_per_workday: float
    assists_per_month: dict[str, int]  # AssistRecord kind → count
    complaints_per_month: int
    overdue_share: float  # completed cases that miss their deadline
    bad_rating_share: float  # ratings at 不满意 / 非常不满意


CITY = Scale(
    name="city",
    level="city",
    departments=92,
    windows=270,
    items=2340,
    staff=300,
    categories=20,
    tickets_per_workday=10_600,
    window_case_share=0.47,
    online_cases_per_workday=2_250,
    assists_per_month={"home": 86, "after_hours": 34, "coaching": 117, "weekend": 154},
    complaints_per_month=18,
    overdue_share=0.0004,
    bad_rating_share=0.001,
)

COUNTY = Scale(
    name="county",
    level="county",
    departments=33,
    windows=40,
    items=225,
    staff=51,
    categories=6,
    tickets_per_workday=62,
    window_case_share=0.30,
    online_cases_per_workday=8.0,
    assists_per_month={"home": 3, "after_hours": 2, "coaching": 6, "weekend": 4},
    complaints_per_month=1,
    overdue_share=0.002,
    bad_rating_share=0.002,
)

SCALES = {s.name: s for s in (CITY, COUNTY)}

# Arrivals per hour of the working day, relative (the morning peak is the tallest; seed 002's
# complaints about long waits are about 9–11 o'clock). Keys: hour; the hall is open 9–12 and
# 13:30–17:30 (queueing.QueueSettings defaults).
HOURLY_ARRIVALS = {9: 1.25, 10: 1.35, 11: 1.0, 13: 0.55, 14: 1.15, 15: 1.05, 16: 0.85, 17: 0.45}
# Monday is the busiest day, Friday afternoon the quietest.
WEEKDAY_ARRIVALS = {0: 1.22, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.85, 5: 0.9, 6: 0.9}

MORNING = (dt.time(9, 0), dt.time(12, 0))
AFTERNOON = (dt.time(13, 30), dt.time(17, 30))

# Queue behaviour.
PRIORITY_SHARE = 0.05  # green channel
APPOINTMENT_SHARE = 0.08  # tickets that come from an appointment check-in
APPOINTMENT_NO_SHOW = 0.08  # booked appointments nobody checks in for
NO_SHOW_SHARE = 0.025  # called, never came to the window
MIN_PATIENCE_S = 25 * 60  # nobody leaves before this
MEAN_PATIENCE_S = 120 * 60  # then some give up (ticket cancelled)
RECALL_SECONDS = 70  # first call + 2 recalls, 20 s apart, then no-show
WALK_SECONDS = (8, 45)  # from the call to the window
TARGET_UTILISATION = 0.87  # windows opened per category for the day's expected load
PAUSES_PER_WINDOW_DAY = 1.2
PREDICTION_SAMPLE = 30  # recent handling times the predictor takes (queueing setting)

# Feedback.
INVITATION_RATE = 0.94
RATING_RESPONSE = 0.6  # invited people who rate (about one rating per case, as issue 7 says)
RATING_LEVELS = {5: 0.86, 4: 0.11, 3: 0.029}  # the rest (bad) is Scale.bad_rating_share

# Attendance.
LATE_SHARE = 0.018
EARLY_LEAVE_SHARE = 0.008
LEAVE_SHARE = 0.03  # staff-days on approved leave
INSPECTIONS_PER_WORKDAY = 2
VIOLATION_PER_INSPECTION = 0.12
