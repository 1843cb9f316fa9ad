"""Half-open time intervals [start, end) and the little arithmetic attendance needs on them."""

import datetime as dt
from collections.abc import Iterable

Interval = tuple[dt.datetime, dt.datetime]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of the non-empty intervals."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(base: Interval, holes: Iterable[Interval]) -> list[Interval]:
    """The parts of `base` not covered by `holes`."""
    start, end = base
    out: list[Interval] = []
    cursor = start
    for h_start, h_end in merge(holes):
        if h_end <= cursor or h_start >= end:
            continue
        if h_start > cursor:
            out.append((cursor, h_start))
        cursor = max(cursor, h_end)
    if cursor < end:
        out.append((cursor, end))
    return out


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """Intersection of two unions of intervals."""
    out: list[Interval] = []
    b_merged = merge(b)
    for a_start, a_end in merge(a):
        for b_start, b_end in b_merged:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                out.append((start, end))
    return merge(out)


def covers(holes: Iterable[Interval], span: Interval) -> bool:
    """Whether `holes` cover all of `span` (an empty span is covered)."""
    return not subtract(span, holes)


def covered_from_start(span: Interval, holes: Iterable[Interval]) -> dt.datetime:
    """The first moment of `span` not covered by the holes that start it (span end if none)."""
    uncovered = subtract(span, holes)
    return uncovered[0][0] if uncovered else span[1]


def covered_to_end(span: Interval, holes: Iterable[Interval]) -> dt.datetime:
    """The last moment of `span` before the holes that run to its end (span start if none)."""
    uncovered = subtract(span, holes)
    return uncovered[-1][1] if uncovered else span[0]


def minutes(interval: Interval) -> int:
    return int((interval[1] - interval[0]).total_seconds() // 60)
