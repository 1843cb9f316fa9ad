from govhall.exchange.templatetags.exchange_tags import event_kind


def test_outbox_kinds_read_as_words():
    assert event_kind("case.accepted") == "办件 · 受理"
    assert event_kind("case.review_started") == "办件 · 开始审查"
    assert event_kind("rating.created") == "评价 · 收到评价"
    assert event_kind("rating.appeal_upheld") == "评价 · 申诉成立"


def test_an_unknown_kind_is_shown_as_it_is():
    assert event_kind("case.teleported") == "case.teleported"
    assert event_kind("ticket.issued") == "ticket.issued"
