"""The upstream data items: what the sender maps and the receiver reads back."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.exchange.mapping import (
    CASE_ITEMS,
    RATING_ITEMS,
    MappingError,
    family_of,
    from_upstream,
    to_upstream,
)
from tests.exchange.factories import case_payload, rating_payload


def test_only_the_listed_items_leave_the_centre():
    record = to_upstream("case", case_payload("C1"), region_code="411700")
    assert list(record) == [item.name for item in CASE_ITEMS]
    assert "applicant_phone" not in record
    assert record["region_code"] == "411700"


def test_a_payload_region_wins_over_the_centres():
    record = to_upstream("case", case_payload("C1", region_code="411702"), region_code="411700")
    assert record["region_code"] == "411702"


def test_times_travel_with_the_shanghai_offset():
    utc = dt.datetime(2026, 5, 31, 16, 30, tzinfo=dt.UTC)
    record = to_upstream("case", case_payload("C1", accepted_at=utc), region_code="411700")
    assert record["accepted_at"] == "2026-06-01T00:30:00+08:00"


@pytest.mark.parametrize(
    ("family", "payload", "bad"),
    [
        ("case", case_payload("C1", item_code=None), "item_code"),
        ("case", case_payload("C1", state=""), "state"),
        ("case", case_payload("C1", due_date="31/05/2026"), "due_date"),
        ("case", case_payload("C1", accepted_at="2026-05-31 10:00"), "accepted_at"),
        ("case", case_payload("C1", item_name="长" * 201), "item_name"),
        ("case", case_payload("C1", channel=["window"]), "channel"),
        ("rating", rating_payload("R1", level=0), "level"),
        ("rating", rating_payload("R1", level=True), "level"),
        ("rating", rating_payload("R1", is_bad="yes"), "is_bad"),
        ("rating", rating_payload("R1", rated_at=None), "rated_at"),
    ],
)
def test_a_payload_that_does_not_fit_names_the_item(family, payload, bad):
    with pytest.raises(MappingError) as error:
        to_upstream(family, payload, region_code="411700")
    assert bad in error.value.errors


@pytest.mark.parametrize(
    ("stream", "kind"),
    [("ticket:1", "ticket.called"), ("case:1", "rating.created"), ("case", "case.accepted")],
)
def test_stream_and_kind_must_name_the_same_known_family(stream, kind):
    with pytest.raises(MappingError):
        family_of(stream, kind)


moments = st.datetimes(
    min_value=dt.datetime(2004, 1, 1),
    max_value=dt.datetime(2035, 12, 31),
    timezones=st.sampled_from([dt.UTC, timezone.get_fixed_timezone(480)]),
).map(lambda m: m.replace(microsecond=0))
# Any text a database can store (no NUL, no lone surrogate: the receiver rejects those).
texts = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=40
).filter(str.strip)


@settings(max_examples=40, deadline=None)
@given(
    number=texts,
    item=texts,
    accepted=moments,
    completed=st.none() | moments,
    due=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2035, 12, 31)),
)
def test_a_case_reads_back_as_it_was_sent(number, item, accepted, completed, due):
    payload = case_payload(
        number,
        item_code=item,
        accepted_at=accepted.isoformat(),
        completed_at=completed and completed.isoformat(),
        due_date=due.isoformat(),
    )
    values = from_upstream("case", to_upstream("case", payload, region_code="411700"))
    assert (values["case_number"], values["item_code"]) == (number, item)
    assert values["accepted_at"] == accepted
    assert values["completed_at"] == completed
    assert values["due_date"] == due


@settings(max_examples=30, deadline=None)
@given(level=st.integers(1, 5), rated=moments, excluded=st.booleans())
def test_a_rating_reads_back_as_it_was_sent(level, rated, excluded):
    payload = rating_payload("R1", level=level, rated_at=rated.isoformat(), excluded=excluded)
    values = from_upstream("rating", to_upstream("rating", payload, region_code="411700"))
    assert (values["level"], values["rated_at"], values["excluded"]) == (level, rated, excluded)
    assert set(values) == {item.name for item in RATING_ITEMS}
