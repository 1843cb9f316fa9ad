"""The receiver (province mode): authentication, idempotency, per-event answers, latest state."""

import json
import time

import pytest

from govhall.exchange import protocol
from govhall.exchange.models import ReceivedEvent, RemoteCase, RemoteRating
from tests.exchange.factories import RemoteCenterFactory, envelope, event, signed_post

pytestmark = pytest.mark.django_db


def stored_nothing() -> bool:
    return not (
        ReceivedEvent.objects.exists()
        or RemoteCase.objects.exists()
        or RemoteRating.objects.exists()
    )


def test_a_signed_push_is_stored_and_answered_per_event(client, remote):
    events = [
        event("C1", "case.accepted", 1),
        event("C1", "case.completed", 2),
        event("R1", "rating.created", 3, level=2, is_bad=True),
    ]
    response = signed_post(client, remote, envelope(remote, events))
    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["duplicates"], body["rejected"]) == (3, 0, 0)
    assert [r["idempotency_key"] for r in body["results"]] == [e["idempotency_key"] for e in events]
    case = RemoteCase.objects.get(remote=remote, case_number="C1")
    assert (case.state, case.last_event, case.last_sequence) == ("completed", "case.completed", 2)
    assert case.center_id == remote.center_id
    rating = RemoteRating.objects.get(remote=remote, rating_id="R1")
    assert (rating.level, rating.is_bad, rating.staff_number) == (2, True, "S00012")
    assert list(ReceivedEvent.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_a_repeated_delivery_changes_nothing_and_is_acknowledged(client, remote):
    body = envelope(remote, [event("C1", "case.accepted", 1), event("R1", "rating.created", 2)])
    assert signed_post(client, remote, body).status_code == 200
    before = list(RemoteCase.objects.values()), list(ReceivedEvent.objects.values())
    again = signed_post(client, remote, body)
    assert again.status_code == 200
    assert [r["status"] for r in again.json()["results"]] == [protocol.DUPLICATE] * 2
    assert (list(RemoteCase.objects.values()), list(ReceivedEvent.objects.values())) == before


def test_a_key_repeated_inside_one_push_is_stored_once(client, remote):
    first = event("C1", "case.accepted", 1)
    response = signed_post(client, remote, envelope(remote, [first, dict(first)]))
    assert [r["status"] for r in response.json()["results"]] == ["stored", "duplicate"]
    assert ReceivedEvent.objects.count() == 1


def test_an_older_event_never_overwrites_a_newer_state(client, remote):
    newer = event("C1", "case.completed", 5)
    older = event("C1", "case.accepted", 4)
    signed_post(client, remote, envelope(remote, [newer]))
    signed_post(client, remote, envelope(remote, [older]))
    case = RemoteCase.objects.get()
    assert (case.state, case.last_sequence) == ("completed", 5)
    assert ReceivedEvent.objects.count() == 2  # the log keeps both


def test_an_event_that_does_not_fit_is_rejected_alone(client, remote):
    good = event("C1", "case.accepted", 1)
    no_item = event("C2", "case.accepted", 2, item_code="")
    wrong_stream = {**event("C3", "case.accepted", 3), "stream": "case:OTHER"}
    bad_level = event("R1", "rating.created", 4, level=9)
    naive_time = event("C4", "case.accepted", 5, accepted_at="2026-05-01T09:00:00")
    unknown = {**event("X1", "case.accepted", 6), "stream": "ticket:1", "kind": "ticket.called"}
    response = signed_post(
        client,
        remote,
        envelope(remote, [good, no_item, wrong_stream, bad_level, naive_time, unknown]),
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["stored"] + ["rejected"] * 5
    assert "item_code" in results[1]["detail"]
    assert "level" in results[3]["detail"]
    assert "accepted_at" in results[4]["detail"]
    assert list(RemoteCase.objects.values_list("case_number", flat=True)) == ["C1"]
    assert ReceivedEvent.objects.count() == 1


def _refused(response, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert stored_nothing()


def test_a_forged_signature_is_refused_and_nothing_stored(client, remote):
    body = envelope(remote, [event("C1")])
    _refused(signed_post(client, remote, body, secret="guessed"), 401, "signature_invalid")


def test_a_body_changed_after_signing_is_refused(client, remote):
    body = envelope(remote, [event("C1")])
    headers = protocol.signed_headers(
        key_id=remote.key_id, secret=remote.secret, timestamp=int(time.time()), body=body
    )
    tampered = body.replace(b'"C1"', b'"C9"')
    response = client.post(
        "/api/exchange/inbound/",
        data=tampered,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    _refused(response, 401, "signature_invalid")


# A minute past the ±300 s window each way: the request itself takes time on a loaded
# machine, and a stamp one second past the window came back inside it by the time it was read.
@pytest.mark.parametrize("offset", [-360, 360, -86400])
def test_a_stale_or_future_timestamp_is_refused(client, remote, offset):
    body = envelope(remote, [event("C1")])
    response = signed_post(client, remote, body, timestamp=int(time.time()) + offset)
    _refused(response, 401, "timestamp_out_of_window")


def test_a_timestamp_inside_the_window_is_accepted(client, remote):
    body = envelope(remote, [event("C1")])
    assert signed_post(client, remote, body, timestamp=int(time.time()) - 200).status_code == 200


def test_an_unknown_centre_gets_the_same_answer_as_a_wrong_signature(client, remote):
    """The answer must not tell an attacker which key ids exist."""
    body = envelope(remote, [event("C1")])
    unknown = signed_post(client, remote, body, key_id="nobody")
    forged = signed_post(client, remote, body, secret="guessed")
    _refused(unknown, 401, "signature_invalid")
    assert unknown.json() == forged.json()


def test_a_deactivated_centre_is_refused(client, remote):
    remote.is_active = False
    remote.save()
    response = signed_post(client, remote, envelope(remote, [event("C1")]))
    _refused(response, 401, "signature_invalid")


def test_a_centre_pushing_in_another_centres_name_is_refused(client, remote, province):
    other = RemoteCenterFactory(center=province)
    body = envelope(other, [event("C1")])
    _refused(signed_post(client, remote, body), 401, "center_mismatch")


def test_missing_signature_headers_are_refused(client, remote):
    response = client.post(
        "/api/exchange/inbound/",
        data=envelope(remote, [event("C1")]),
        content_type="application/json",
    )
    _refused(response, 401, "signature_missing")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        (b"[]", "bad_envelope"),
        (json.dumps({"events": "x"}).encode(), "bad_envelope"),
        (json.dumps({"protocol": "v0", "events": []}).encode(), "bad_protocol"),
    ],
)
def test_a_malformed_body_is_a_400_and_stores_nothing(client, remote, body, code):
    _refused(signed_post(client, remote, body), 400, code)


def test_a_batch_over_the_limit_is_refused(client, remote):
    events = [event(f"C{n}", sequence=n) for n in range(protocol.MAX_EVENTS_PER_BATCH + 1)]
    _refused(signed_post(client, remote, envelope(remote, events)), 400, "batch_too_large")


def test_events_that_are_not_objects_are_rejected(client, remote):
    body = json.dumps(
        {
            "protocol": protocol.PROTOCOL,
            "sender": {"region_code": remote.region_code},
            "events": [1, None, {"idempotency_key": "x"}],
        }
    ).encode()
    response = signed_post(client, remote, body)
    assert [r["status"] for r in response.json()["results"]] == ["rejected"] * 3
    assert stored_nothing()
