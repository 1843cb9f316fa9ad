"""The wire protocol between a centre and the upstream platform (docs/exchange.md).

A push is one HTTP POST of a JSON envelope. The sender signs ``<timestamp>.<body>`` with
HMAC-SHA256 and its centre's secret; the receiver recomputes it with the secret it holds for
the key id, and refuses a timestamp outside its window, so a captured request cannot be
replayed later (and a replay inside the window changes nothing: every event is idempotent).
"""

import hashlib
import hmac

PROTOCOL = "govhall.exchange.v1"
HEADER_KEY_ID = "X-Govhall-Key-Id"
HEADER_TIMESTAMP = "X-Govhall-Timestamp"
HEADER_SIGNATURE = "X-Govhall-Signature"
SIGNATURE_PREFIX = "sha256="
MAX_EVENTS_PER_BATCH = 1000
MAX_SEQUENCE = 2**63 - 1  # the receiver's BIGINT

# Per-event answers of the receiver.
STORED = "stored"
DUPLICATE = "duplicate"
REJECTED = "rejected"
ACKNOWLEDGED = frozenset({STORED, DUPLICATE})


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>." + body)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def signature_matches(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    """Compared as bytes in constant time (a header may hold any character)."""
    expected = signature(secret, timestamp, body).encode()
    return hmac.compare_digest(expected, given.encode(errors="replace"))


def signed_headers(*, key_id: str, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    stamp = str(timestamp)
    return {
        "Content-Type": "application/json",
        HEADER_KEY_ID: key_id,
        HEADER_TIMESTAMP: stamp,
        HEADER_SIGNATURE: signature(secret, stamp, body),
    }
