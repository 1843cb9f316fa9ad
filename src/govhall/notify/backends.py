"""Where an SMS goes: pluggable backends, chosen by ``GOVHALL_SMS_BACKEND``.

- ``file`` (default): one JSON line per message appended to ``GOVHALL_SMS_FILE``
  (``var/sms.log``), the phone masked (138****5678): a test, a demo.
- ``console``: the message on the worker's standard output.
- ``tencent``: Tencent Cloud SMS, API 3.0 ``SendSms`` (version 2021-01-11) signed with
  TC3-HMAC-SHA256 — a POST of ``{"PhoneNumberSet", "SmsSdkAppId", "SignName", "TemplateId",
  "TemplateParamSet"}`` to ``https://sms.tencentcloudapi.com/``; the answer's
  ``Response.SendStatusSet[0].Code`` is ``"Ok"`` on success, ``Response.Error`` on a refused
  request. Each kind of message is a template approved in the provider's console
  (``GOVHALL_SMS_TEMPLATE_<KIND>``) whose ``{1}``, ``{2}`` … are the message's parameters.
- a dotted path to a class of your own with the same ``send(message) -> Delivery``.

A backend never raises for a refused message: it answers a `Delivery`; `permanent` tells the
outbox that retrying cannot help (a bad number, a missing template).
"""

import datetime as dt
import hashlib
import hmac
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from govhall.core.validators import mask_phone


@dataclass(frozen=True)
class Message:
    phone: str
    kind: str
    text: str
    params: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Delivery:
    ok: bool
    provider_id: str = ""
    detail: str = ""
    permanent: bool = False


class SmsBackend(Protocol):
    name: str

    def send(self, message: Message) -> Delivery: ...


def _line(message: Message) -> str:
    """The message as one JSON line, its phone masked: a log is not a place for whole numbers."""
    return json.dumps(
        {
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "phone": mask_phone(message.phone),
            "kind": message.kind,
            "text": message.text,
            "params": message.params,
        },
        ensure_ascii=False,
    )


class FileBackend:
    """Appends each message as a JSON line to a file."""

    name = "file"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.GOVHALL_SMS_FILE)

    def send(self, message: Message) -> Delivery:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(_line(message) + "\n")
        except OSError as exc:
            return Delivery(ok=False, detail=f"{self.path}: {exc.strerror}")
        return Delivery(ok=True, detail=str(self.path))


class ConsoleBackend:
    """Prints each message (the worker's log)."""

    name = "console"

    def send(self, message: Message) -> Delivery:
        sys.stdout.write(_line(message) + "\n")
        sys.stdout.flush()
        return Delivery(ok=True)


# Tencent Cloud's codes that no retry can fix (its documentation's error code list).
_TENCENT_PERMANENT = (
    "InvalidParameter",
    "InvalidParameterValue",
    "MissingParameter",
    "UnsupportedOperation",
    "AuthFailure",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.PhoneNumberInBlacklist",
    "UnauthorizedOperation",
)


class TencentSmsBackend:
    """Tencent Cloud SMS ``SendSms`` over HTTPS, one number per request."""

    name = "tencent"
    service = "sms"
    action = "SendSms"
    version = "2021-01-11"

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        sdk_app_id: str,
        sign_name: str,
        templates: dict[str, str],
        region: str = "ap-guangzhou",
        endpoint: str = "https://sms.tencentcloudapi.com/",
        timeout: float = 10.0,
    ) -> None:
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.sdk_app_id = sdk_app_id
        self.sign_name = sign_name
        self.templates = templates
        self.region = region
        self.endpoint = endpoint
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> "TencentSmsBackend":
        return cls(**settings.GOVHALL_SMS_TENCENT)

    def body(self, message: Message) -> dict[str, Any]:
        phone = message.phone if message.phone.startswith("+") else f"+86{message.phone}"
        return {
            "PhoneNumberSet": [phone],
            "SmsSdkAppId": self.sdk_app_id,
            "SignName": self.sign_name,
            "TemplateId": self.templates.get(message.kind, ""),
            "TemplateParamSet": [str(p) for p in message.params],
        }

    def headers(self, payload: bytes, timestamp: int) -> dict[str, str]:
        """The request's headers with its TC3-HMAC-SHA256 ``Authorization``."""
        host = httpx.URL(self.endpoint).host
        content_type = "application/json; charset=utf-8"
        signed_headers = "content-type;host;x-tc-action"
        canonical_request = "\n".join(
            [
                "POST",
                "/",
                "",
                f"content-type:{content_type}\nhost:{host}\nx-tc-action:{self.action.lower()}\n",
                signed_headers,
                hashlib.sha256(payload).hexdigest(),
            ]
        )
        date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
        scope = f"{date}/{self.service}/tc3_request"
        string_to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                str(timestamp),
                scope,
                hashlib.sha256(canonical_request.encode()).hexdigest(),
            ]
        )

        def mac(key: bytes, text: str) -> bytes:
            return hmac.new(key, text.encode(), hashlib.sha256).digest()

        signing_key = mac(
            mac(mac(f"TC3{self.secret_key}".encode(), date), self.service), "tc3_request"
        )
        signature = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        return {
            "Authorization": (
                f"TC3-HMAC-SHA256 Credential={self.secret_id}/{scope}, "
                f"SignedHeaders={signed_headers}, Signature={signature}"
            ),
            "Content-Type": content_type,
            "Host": host,
            "X-TC-Action": self.action,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": self.version,
            "X-TC-Region": self.region,
        }

    def send(self, message: Message) -> Delivery:
        if not self.templates.get(message.kind):
            return Delivery(ok=False, detail=f"no template for {message.kind}", permanent=True)
        payload = json.dumps(self.body(message), ensure_ascii=False).encode()
        try:
            answer = httpx.post(
                self.endpoint,
                content=payload,
                headers=self.headers(payload, int(time.time())),
                timeout=self.timeout,
            )
            response = answer.json().get("Response", {})
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            return Delivery(ok=False, detail=f"{type(exc).__name__}: {exc}"[:500])
        error = response.get("Error")
        if error:
            code = str(error.get("Code", ""))
            return Delivery(
                ok=False,
                detail=f"{code}: {error.get('Message', '')}"[:500],
                permanent=code.startswith(_TENCENT_PERMANENT),
            )
        status = (response.get("SendStatusSet") or [{}])[0]
        code = str(status.get("Code", ""))
        if code != "Ok":
            return Delivery(
                ok=False,
                detail=f"{code}: {status.get('Message', '')}"[:500],
                permanent=code.startswith(_TENCENT_PERMANENT),
            )
        return Delivery(ok=True, provider_id=str(status.get("SerialNo", ""))[:64], detail="Ok")


BACKENDS = {"file": FileBackend, "console": ConsoleBackend, "tencent": TencentSmsBackend}


def get_backend(name: str | None = None) -> SmsBackend:
    """The backend named by `name` or ``GOVHALL_SMS_BACKEND``."""
    name = name or settings.GOVHALL_SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    factory = getattr(cls, "from_settings", cls)
    return factory()
