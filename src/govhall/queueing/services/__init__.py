"""Every write of the queue: one function per action, each in one transaction, by topic.

The window's actions check who works it (`authorize_window`; `actor` None is the system); taking
a ticket, an appointment and the ticket holder's own cancelling are public.

`from govhall.queueing import services; services.call_next(...)` keeps working: this package
re-exports every public service of its modules.
"""

from govhall.queueing.services.appointments import (
    CODE_ALPHABET,
    book_appointment,
    cancel_appointment,
    change_appointment,
    check_in_appointment,
)
from govhall.queueing.services.calling import (
    call_next,
    finish_ticket,
    mark_no_show,
    recall_ticket,
    start_ticket,
)
from govhall.queueing.services.common import authorize_window
from govhall.queueing.services.day_close import close_queue_day
from govhall.queueing.services.issuing import cancel_ticket, format_number, issue_ticket
from govhall.queueing.services.sessions import (
    close_window_session,
    open_window_session,
    pause_window,
    resume_window,
)
from govhall.queueing.services.transfers import transfer_ticket

__all__ = [
    "CODE_ALPHABET",
    "authorize_window",
    "book_appointment",
    "call_next",
    "cancel_appointment",
    "cancel_ticket",
    "change_appointment",
    "check_in_appointment",
    "close_queue_day",
    "close_window_session",
    "finish_ticket",
    "format_number",
    "issue_ticket",
    "mark_no_show",
    "open_window_session",
    "pause_window",
    "recall_ticket",
    "resume_window",
    "start_ticket",
    "transfer_ticket",
]
