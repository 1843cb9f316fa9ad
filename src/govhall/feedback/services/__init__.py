"""Every write of the feedback app: one function per business action, each one transaction, by
topic: invitations, ratings and appeals (`ratings`), bad-rating follow-up (`rectification`),
complaints (`complaints`), assisted services (`assists`), the 12345 import (`hotline_import`),
the window rating pads (`pads`) and the deadlines after a calendar import (`deadlines`).

`from govhall.feedback import services; services.rate_with_link(...)` keeps working: this
package re-exports every public service of its modules.
"""

from govhall.feedback.services.assists import (
    authorize_assist,
    record_assist,
)
from govhall.feedback.services.common import (
    record_unmasked,
)
from govhall.feedback.services.complaints import (
    assign_complaint,
    authorize_complaint_intake,
    callback_complaint,
    close_complaint,
    create_complaint,
    resolve_complaint,
)
from govhall.feedback.services.deadlines import recompute_deadlines
from govhall.feedback.services.hotline_import import (
    authorize_hotline_import,
    import_hotline,
)
from govhall.feedback.services.pads import (
    PAIRING_CODE_MINUTES,
    PAIRING_LOCK_SECONDS,
    PAIRING_MAX_FAILURES,
    PAIRING_MAX_FAILURES_ALL,
    authorize_pairing,
    issue_pairing_code,
    pair_pad,
    skip_pad_prompt,
    touch_pad,
)
from govhall.feedback.services.ratings import (
    decide_appeal,
    file_appeal,
    invite_for_case,
    invite_for_ticket,
    new_rectification,
    rate_on_pad,
    rate_with_link,
    rating_outbox,
    rating_payload,
    resolve_link,
)
from govhall.feedback.services.rectification import (
    close_rectification,
    record_callback,
    rectify,
    verify_rectification,
)

__all__ = [
    "PAIRING_CODE_MINUTES",
    "PAIRING_LOCK_SECONDS",
    "PAIRING_MAX_FAILURES",
    "PAIRING_MAX_FAILURES_ALL",
    "assign_complaint",
    "authorize_assist",
    "authorize_complaint_intake",
    "authorize_hotline_import",
    "authorize_pairing",
    "callback_complaint",
    "close_complaint",
    "close_rectification",
    "create_complaint",
    "decide_appeal",
    "file_appeal",
    "import_hotline",
    "invite_for_case",
    "invite_for_ticket",
    "issue_pairing_code",
    "new_rectification",
    "pair_pad",
    "rate_on_pad",
    "rate_with_link",
    "rating_outbox",
    "rating_payload",
    "recompute_deadlines",
    "record_assist",
    "record_callback",
    "record_unmasked",
    "rectify",
    "resolve_complaint",
    "resolve_link",
    "skip_pad_prompt",
    "touch_pad",
    "verify_rectification",
]
