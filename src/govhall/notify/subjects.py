"""The SMS the producers send about one row (a case, a ticket, an appointment).

A producer names the row, the kind and the text; the row gives the centre, the phone and the
subject id, and the text's placeholders are filled from the same values that go to the SMS
gateway as the template's parameters, in the order given.
"""

import datetime as dt
from typing import Any

from govhall.notify import services


def enqueue_about(subject: Any, kind: str, text: str, *, at: dt.datetime, **params: str) -> None:
    """Enqueue `kind` to `subject.phone` (once per kind and subject, `services.enqueue`)."""
    services.enqueue(
        center_id=subject.center_id,
        kind=kind,
        subject_id=subject.pk,
        phone=subject.phone,
        params=list(params.values()),
        text=text % params,
        at=at,
    )
