"""The SMS outbox: enqueue once, opt-out, delivery with retries, every attempt logged."""

import datetime as dt
import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from govhall.core.errors import ValidationFailed
from govhall.core.validators import mask_phone
from govhall.notify import services
from govhall.notify.backends import Delivery, FileBackend, Message, get_backend
from govhall.notify.models import DeliveryAttempt, Notification, OptOut
from govhall.notify.producers import producers

pytestmark = pytest.mark.django_db
PHONE = "13812345678"
NOW = timezone.make_aware(dt.datetime(2026, 11, 24, 10, 0))


class Flaky:
    """A backend that answers the given deliveries in turn and records what it was given."""

    name = "flaky"

    def __init__(self, *answers: Delivery) -> None:
        self.answers = list(answers)
        self.sent: list[Message] = []

    def send(self, message: Message) -> Delivery:
        self.sent.append(message)
        return self.answers.pop(0)


def enqueue(center, subject_id=1, phone=PHONE, **kwargs):
    return services.enqueue(
        center_id=center.pk,
        kind=kwargs.pop("kind", Notification.Kind.TICKET_DUE),
        subject_id=subject_id,
        phone=phone,
        text="您的A001号前面还有2人。",
        params=["A001", 2],
        at=kwargs.pop("at", NOW),
    )


def test_enqueue_is_once_per_kind_and_subject(center):
    first = enqueue(center)
    assert enqueue(center) == first
    assert enqueue(center, kind=Notification.Kind.CASE_READY).pk != first.pk
    assert first.params == ["A001", "2"] and first.state == Notification.State.PENDING
    assert enqueue(center, subject_id=2, phone="") is None
    assert enqueue(center, subject_id=3, phone="12345") is None
    with pytest.raises(ValidationFailed):
        enqueue(center, kind="marketing")
    assert Notification.objects.count() == 2


def test_a_sent_message_is_logged_with_its_attempt(center, tmp_path):
    notification = enqueue(center)
    log = tmp_path / "sms.log"
    result = services.deliver_due(backend=FileBackend(log), at=NOW)
    assert (result.sent, result.handled) == (1, 1)
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT and notification.sent_at
    [line] = log.read_text().splitlines()
    assert json.loads(line)["text"] == "您的A001号前面还有2人。"
    assert json.loads(line)["phone"] == mask_phone(notification.phone) != notification.phone
    [attempt] = DeliveryAttempt.objects.all()
    assert attempt.ok and attempt.backend == "file"
    assert services.deliver_due(backend=FileBackend(log), at=NOW).handled == 0


def test_a_failing_provider_is_retried_with_backoff_then_given_up(center):
    notification = enqueue(center)
    down = Delivery(ok=False, detail="timeout")
    backend = Flaky(*[down] * services.MAX_ATTEMPTS)
    at = NOW
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        assert services.deliver_due(backend=backend, at=at).handled == 1
        notification.refresh_from_db()
        assert notification.attempts == attempt
        if attempt < services.MAX_ATTEMPTS:
            assert notification.state == Notification.State.PENDING
            assert services.deliver_due(backend=backend, at=at).handled == 0  # not yet
            assert notification.next_attempt_at - timezone.now() <= services.retry_delay(attempt)
            at = notification.next_attempt_at
    assert notification.state == Notification.State.FAILED
    assert notification.last_error == "timeout"
    assert DeliveryAttempt.objects.filter(ok=False).count() == services.MAX_ATTEMPTS


def test_retry_then_success_and_permanent_refusal(center):
    retried = enqueue(center, subject_id=1)
    refused = enqueue(center, subject_id=2)
    backend = Flaky(
        Delivery(ok=False, detail="LimitExceeded"),
        Delivery(ok=False, detail="InvalidParameterValue.IncorrectPhoneNumber", permanent=True),
    )
    result = services.deliver_due(backend=backend, at=NOW)
    assert (result.retrying, result.failed) == (1, 1)
    refused.refresh_from_db()
    assert refused.state == Notification.State.FAILED and refused.attempts == 1
    retried.refresh_from_db()
    backend.answers.append(Delivery(ok=True, provider_id="sn-1"))
    assert services.deliver_due(backend=backend, at=retried.next_attempt_at).sent == 1
    retried.refresh_from_db()
    assert retried.state == Notification.State.SENT and retried.provider_id == "sn-1"


def test_retry_delays_grow_and_are_capped():
    delays = [services.retry_delay(n) for n in range(1, 12)]
    assert delays[0] == dt.timedelta(seconds=30)
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert delays[-1] == dt.timedelta(hours=1)


def test_opted_out_phones_get_nothing(center, other_department):
    queued = enqueue(center, subject_id=1)
    services.opt_out(center=center, phone=PHONE, note="回复TD")
    queued.refresh_from_db()
    assert queued.state == Notification.State.OPTED_OUT
    later = enqueue(center, subject_id=2)
    assert later.state == Notification.State.OPTED_OUT
    backend = Flaky()
    assert services.deliver_due(backend=backend, at=NOW).handled == 0 and backend.sent == []
    with pytest.raises(ValidationFailed):
        services.opt_out(center=center, phone="not a phone")
    assert services.opt_in(center=center, phone=PHONE) == 1
    assert not OptOut.objects.exists()
    assert enqueue(center, subject_id=3).state == Notification.State.PENDING


def test_an_opt_out_after_the_claim_is_still_respected(center):
    """The phone opts out between enqueueing and sending (admin, another worker)."""
    notification = enqueue(center)
    OptOut.objects.create(center=center, phone=PHONE)
    backend = Flaky()
    assert services.deliver_due(backend=backend, at=NOW).opted_out == 1
    notification.refresh_from_db()
    assert notification.state == Notification.State.OPTED_OUT and backend.sent == []


def test_a_backend_that_raises_is_retried_not_fatal(center):
    notification = enqueue(center)

    class Broken:
        name = "broken"

        def send(self, message):
            raise RuntimeError("bug")

    assert services.deliver_due(backend=Broken(), at=NOW).retrying == 1
    notification.refresh_from_db()
    assert "RuntimeError" in notification.last_error


def test_the_command_runs_producers_then_sends(center, settings, tmp_path, monkeypatch):
    settings.GOVHALL_SMS_FILE = tmp_path / "sms.log"
    # The worker drops stale connections between passes; the test's transaction is not stale.
    monkeypatch.setattr("govhall.notify.worker.close_old_connections", lambda: None)

    def producer(*, at):
        return 1 if enqueue(center, subject_id=99, at=at) else 0

    producers.register(producer)
    out = io.StringIO()
    try:
        call_command("notify", "--once", stdout=out)
    finally:
        producers.unregister(producer)
    assert Notification.objects.get(subject_id=99).state == Notification.State.SENT
    assert "sent=1" in out.getvalue()
    assert len((tmp_path / "sms.log").read_text().splitlines()) == 1


def test_backends_by_name(settings):
    settings.GOVHALL_SMS_BACKEND = "console"
    assert get_backend().name == "console"
    assert get_backend("govhall.notify.backends.FileBackend").name == "file"
