from govhall.queueing import hooks


def test_register_is_idempotent_ordered_and_usable_as_decorator(monkeypatch):
    monkeypatch.setattr(hooks._ticket_finished, "_functions", [])  # without the apps' own hooks
    calls = []

    @hooks.register_ticket_finished
    def first(*, ticket, actor):
        calls.append(("first", ticket, actor))

    def second(*, ticket, actor):
        calls.append(("second", ticket, actor))

    hooks.register_ticket_finished(second)
    hooks.register_ticket_finished(first)
    hooks.run_ticket_finished(ticket="T", actor=None)
    assert calls == [("first", "T", None), ("second", "T", None)]
    hooks.unregister_ticket_finished(first)
    assert hooks.ticket_finished_hooks() == (second,)
