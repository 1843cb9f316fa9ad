"""The Tencent Cloud SMS backend against a loopback fake of ``SendSms`` (API 3.0, 2021-01-11).

The fake checks what the real service checks first — the TC3-HMAC-SHA256 signature over the
canonical request, the credential scope's date, the action, version and region headers, the
body's fields — and answers in the documented shapes: ``Response.SendStatusSet[].Code``
(``"Ok"`` or a per-number error code) or ``Response.Error`` for a refused request.
"""

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from govhall.notify import services
from govhall.notify.backends import Message, TencentSmsBackend, get_backend
from govhall.notify.models import DeliveryAttempt, Notification

SECRET_ID = "AKIDtest0123456789"
SECRET_KEY = "test-secret-key-0123456789"
APP_ID = "1400000001"
TEMPLATES = {"ticket_due": "1000001", "case_ready": "1000004"}


def expected_authorization(headers, body: bytes, host: str) -> str:
    """The Authorization header as Tencent's "Signature v3" document computes it."""
    timestamp = int(headers["X-TC-Timestamp"])
    date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    canonical = (
        "POST\n/\n\n"
        f"content-type:{headers['Content-Type']}\nhost:{host}\n"
        f"x-tc-action:{headers['X-TC-Action'].lower()}\n\n"
        "content-type;host;x-tc-action\n" + hashlib.sha256(body).hexdigest()
    )
    scope = f"{date}/sms/tc3_request"
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n" + hashlib.sha256(canonical.encode()).hexdigest()
    )
    key = ("TC3" + SECRET_KEY).encode()
    for part in (date, "sms", "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{scope}, "
        f"SignedHeaders=content-type;host;x-tc-action, Signature={signature}"
    )


class FakeTencent:
    """What the fake received, and how it answers the next requests ("ok", "limit", "500")."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.mode = "ok"


@pytest.fixture
def fake() -> Iterator[tuple[FakeTencent, str]]:
    state = FakeTencent()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            host = self.headers["Host"]
            signed = self.headers.get("Authorization") == expected_authorization(
                self.headers, body, host
            )
            fresh = abs(time.time() - int(self.headers["X-TC-Timestamp"])) < 300
            payload = json.loads(body)
            state.received.append(payload)
            if state.mode == "500":
                self.send_response(502)
                self.end_headers()
                self.wfile.write(b"<html>bad gateway</html>")
                return
            if not (
                signed
                and fresh
                and self.path == "/"
                and self.headers["X-TC-Action"] == "SendSms"
                and self.headers["X-TC-Version"] == "2021-01-11"
                and self.headers["X-TC-Region"] == "ap-guangzhou"
            ):
                answer = {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"}}
            elif payload["SmsSdkAppId"] != APP_ID or not payload["TemplateId"]:
                answer = {"Error": {"Code": "InvalidParameterValue", "Message": "bad app"}}
            else:
                code = "Ok" if state.mode == "ok" else "LimitExceeded.PhoneNumberDailyLimit"
                answer = {
                    "SendStatusSet": [
                        {
                            "SerialNo": f"2433:{len(state.received)}",
                            "PhoneNumber": payload["PhoneNumberSet"][0],
                            "Fee": 1,
                            "SessionContext": "",
                            "Code": code,
                            "Message": "send success" if code == "Ok" else "limit",
                            "IsoCode": "CN",
                        }
                    ]
                }
            answer["RequestId"] = "a0aabda6-cf91-4f3e-a81f-9198114a2279"
            out = json.dumps({"Response": answer}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def backend(endpoint: str, **changes) -> TencentSmsBackend:
    options = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "sdk_app_id": APP_ID,
        "sign_name": "某市政务服务中心",
        "templates": TEMPLATES,
        "endpoint": endpoint,
        **changes,
    }
    return TencentSmsBackend(**options)


MESSAGE = Message(phone="13812345678", kind="ticket_due", text="…", params=["A007", "3"])


def test_a_signed_send_is_accepted(fake):
    state, endpoint = fake
    delivery = backend(endpoint).send(MESSAGE)
    assert delivery.ok and delivery.provider_id == "2433:1"
    assert state.received == [
        {
            "PhoneNumberSet": ["+8613812345678"],
            "SmsSdkAppId": APP_ID,
            "SignName": "某市政务服务中心",
            "TemplateId": "1000001",
            "TemplateParamSet": ["A007", "3"],
        }
    ]


def test_a_wrong_key_is_refused_for_good(fake):
    _state, endpoint = fake
    delivery = backend(endpoint, secret_key="wrong").send(MESSAGE)
    assert not delivery.ok and delivery.permanent
    assert delivery.detail.startswith("AuthFailure.SignatureFailure")


def test_a_kind_without_template_is_not_sent(fake):
    state, endpoint = fake
    delivery = backend(endpoint).send(
        Message(phone="13812345678", kind="rating_invitation", text="")
    )
    assert not delivery.ok and delivery.permanent and state.received == []


@pytest.mark.parametrize("mode", ["limit", "500"])
def test_rate_limits_and_gateway_errors_are_retried(fake, mode):
    state, endpoint = fake
    state.mode = mode
    delivery = backend(endpoint).send(MESSAGE)
    assert not delivery.ok and not delivery.permanent


def test_an_unreachable_provider_is_retried():
    delivery = backend("http://127.0.0.1:9/", timeout=2).send(MESSAGE)
    assert not delivery.ok and not delivery.permanent and "ConnectError" in delivery.detail


@pytest.mark.django_db
def test_the_outbox_sends_through_the_configured_provider_and_retries(center, fake, settings):
    state, endpoint = fake
    settings.GOVHALL_SMS_BACKEND = "tencent"
    settings.GOVHALL_SMS_TENCENT = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "sdk_app_id": APP_ID,
        "sign_name": "某市政务服务中心",
        "templates": TEMPLATES,
        "region": "ap-guangzhou",
        "endpoint": endpoint,
    }
    now = timezone.now()
    notification = services.enqueue(
        center_id=center.pk,
        kind=Notification.Kind.CASE_READY,
        subject_id=7,
        phone="13900000000",
        text="您的办件已办结。",
        params=["SZ2026-7", "营业执照", "某市政务服务中心"],
        at=now,
    )
    state.mode = "500"
    assert services.deliver_due(backend=get_backend(), at=now).retrying == 1
    notification.refresh_from_db()
    state.mode = "ok"
    later = notification.next_attempt_at + dt.timedelta(seconds=1)
    assert services.deliver_due(backend=get_backend(), at=later).sent == 1
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT and notification.provider_id == "2433:2"
    assert [a.ok for a in DeliveryAttempt.objects.order_by("id")] == [False, True]
    assert state.received[-1]["TemplateParamSet"] == ["SZ2026-7", "营业执照", "某市政务服务中心"]
