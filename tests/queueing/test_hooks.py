from govhall.queueing import hooks


def test_register_is_idempotent_ordered_and_usable_as_decorator(monkeypatch):
    monkeypatch.setattr(hooks.ticket_finished, "_functions", [])  # without the apps' own hooks
    calls = []

    @hooks.ticket_finished.register
    def first(*, ticket, actor):
        calls.append(("first", ticket, actor))

    def second(*, ticket, actor):
        calls.append(("second", ticket, actor))

    hooks.ticket_finished.register(second)
    hooks.ticket_finished.register(first)
    hooks.ticket_finished(ticket="T", actor=None)
    assert calls == [("first", "T", None), ("second", "T", None)]
    hooks.ticket_finished.unregister(first)
    assert hooks.ticket_finished.functions() == (second,)
