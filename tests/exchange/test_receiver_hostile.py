"""The receiver never 500s on a hostile event: each is checked alone and rejected with its reason,
and the rest of the push is stored. Run on PostgreSQL too: NUL, column widths and BIGINT only
break there."""

import pytest

from govhall.exchange import protocol
from govhall.exchange.models import ReceivedEvent, RemoteCase, RemoteRating
from tests.exchange.factories import envelope, event, signed_post

pytestmark = pytest.mark.django_db

HOSTILE = {
    "item code wider than its column": event("C2", item_code="X" * 65),
    "state wider than its column": event("C3", state="s" * 33),
    "window number wider than its column": event("R2", "rating.created", window_number="9" * 17),
    "NUL in a mapped item": event("C4", item_name="名\x00称"),
    "NUL in an unmapped item": event("C5", note="\x00"),
    "NUL in the kind": {**event("C6"), "kind": "case.accepted\x00"},
    "lone surrogate": event("C7", item_name="\ud800"),
    "sequence past BIGINT": event("C8", sequence=2**63),
    "negative sequence": event("C9", sequence=-1),
    "year 9999 with a negative offset": event("C10", accepted_at="9999-12-31T23:00:00-10:00"),
    "year 1": event("C11", accepted_at="0001-01-01T00:00:00+08:00"),
    "impossible date": event("C12", due_date="2026-02-30"),
    "case of another region": event("C13", region_code="420100"),
    "case numbered in another region": event("42010020260531000001"),
}


def _push(client, remote, events):
    return signed_post(client, remote, envelope(remote, events))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_event_is_rejected_alone_and_the_rest_stored(client, remote, name):
    good_case, good_rating = event("C1", sequence=1), event("R1", "rating.created", 2)
    response = _push(client, remote, [good_case, HOSTILE[name], good_rating])
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        protocol.STORED,
        protocol.REJECTED,
        protocol.STORED,
    ]
    rejected = body["results"][1]
    assert rejected["code"] == "invalid_event" and rejected["message"] and rejected["detail"]
    assert list(RemoteCase.objects.values_list("case_number", flat=True)) == ["C1"]
    assert list(RemoteRating.objects.values_list("rating_id", flat=True)) == ["R1"]
    assert ReceivedEvent.objects.count() == 2


def test_the_largest_sequence_and_the_widest_values_are_stored(client, remote):
    widest = event(
        "N" * 64, sequence=protocol.MAX_SEQUENCE, item_code="I" * 64, item_name="名" * 200
    )
    response = _push(client, remote, [widest])
    assert response.json()["stored"] == 1
    assert RemoteCase.objects.get().last_sequence == protocol.MAX_SEQUENCE


def test_a_county_case_pushed_by_its_city_is_stored(client, remote):
    remote.region_code = "411700"
    remote.save()
    county = event("41170220260531000001", region_code="411702")
    assert _push(client, remote, [county]).json()["stored"] == 1


def test_a_signature_header_that_is_not_ascii_is_refused_not_a_500(client, remote):
    body = envelope(remote, [event("C1")])
    response = client.post(
        "/api/exchange/inbound/",
        data=body,
        content_type="application/json",
        headers={
            protocol.HEADER_KEY_ID: remote.key_id,
            protocol.HEADER_TIMESTAMP: "1",
            protocol.HEADER_SIGNATURE: "sha256=é",
        },
    )
    assert response.status_code == 401
    assert response.json()["code"] == "signature_invalid"


def test_a_multipart_body_is_refused_as_not_json_not_a_500(client, remote):
    """The NUL middleware parses a form body before the view, which consumes a multipart
    stream: the receiver must answer that it is no JSON push, not fail reading it again."""
    response = client.post(
        "/api/exchange/inbound/",
        data=b'--B\r\nContent-Disposition: form-data; name="events"\r\n\r\n[]\r\n--B--\r\n',
        content_type="multipart/form-data; boundary=B",
        headers={
            protocol.HEADER_KEY_ID: remote.key_id,
            protocol.HEADER_TIMESTAMP: "1",
            protocol.HEADER_SIGNATURE: "sha256=00",
        },
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "bad_json"
    assert ReceivedEvent.objects.count() == 0
