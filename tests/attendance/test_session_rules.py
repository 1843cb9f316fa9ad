"""Properties of the per-session rule (`derivation._attendance_of`), over random punches."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.attendance.models import AttendanceRecord, Punch
from govhall.attendance.selectors import SessionSpec
from govhall.attendance.services.derivation import _attendance_of

TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.datetime(2026, 10, 9, tzinfo=TZ)
SESSION = SessionSpec("上午", DAY.replace(hour=9), DAY.replace(hour=12))
DOMAIN = (DAY, DAY.replace(hour=12, minute=45))
TOLERANCE = dt.timedelta(minutes=5)
S = AttendanceRecord.Status

punch_lists = st.lists(
    st.tuples(
        st.integers(7 * 60, 12 * 60 + 44).map(lambda m: DAY + dt.timedelta(minutes=m)),
        st.sampled_from([Punch.Kind.IN, Punch.Kind.OUT, Punch.Kind.ANY]),
    ),
    max_size=6,
)


def judge(punches, leave=(), excused=()):
    return _attendance_of(
        session=SESSION,
        domain=DOMAIN,
        punches=punches,
        leave=list(leave),
        excused=list(leave) + list(excused),
        late_tolerance=TOLERANCE,
        early_tolerance=TOLERANCE,
    )


@settings(max_examples=150, deadline=None)
@given(punches=punch_lists)
def test_every_outcome_is_consistent(punches):
    result = judge(punches)
    has_in, has_out = result["check_in"] is not None, result["check_out"] is not None
    assert (result["status"] == S.ABSENT) == (not has_in and not has_out)
    assert result["missing_punches"] == (1 if has_in != has_out else 0)
    if result["late_minutes"]:
        assert result["check_in"] > SESSION.starts_at + TOLERANCE
        assert result["late_minutes"] == (result["check_in"] - SESSION.starts_at).seconds // 60
    if result["early_minutes"]:
        assert result["check_out"] < SESSION.ends_at - TOLERANCE
    if has_in and has_out:
        assert result["check_in"] < result["check_out"] or result["check_in"] == result["check_out"]


@settings(max_examples=60, deadline=None)
@given(punches=punch_lists)
def test_leave_over_the_session_is_never_a_violation(punches):
    result = judge(punches, leave=[(SESSION.starts_at, SESSION.ends_at)])
    assert result["status"] == S.LEAVE
    assert (result["late_minutes"], result["early_minutes"], result["missing_punches"]) == (0, 0, 0)
