"""``govhall exchange status|redrive`` and ``govhall worker``."""

import json

import pytest
from django.core.management import CommandError, call_command

from govhall.core.models import OutboxEvent
from govhall.exchange.models import ExchangeSettings
from tests.exchange.factories import emit_case

pytestmark = pytest.mark.django_db
Status = OutboxEvent.Status


@pytest.fixture
def rows(center):
    rows = emit_case(center, "C1", ("accepted", "completed"))
    OutboxEvent.objects.filter(pk=rows[0].pk).update(status=Status.DEAD)
    return rows


def test_status_prints_the_reconciliation(capsys, center, rows):
    call_command("exchange", "status", "--center", center.region_code)
    out = capsys.readouterr().out
    assert center.region_code in out
    assert "case.accepted" in out and "TOTAL" in out
    assert "unacknowledged (all dates): 2, dead: 1" in out


def test_status_as_json_and_the_alert_exit_code(capsys, center, rows):
    ExchangeSettings.objects.filter(center=center).update(lag_alert_seconds=1)
    OutboxEvent.objects.update(created_at="2026-01-01T00:00:00+08:00")
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "exchange",
            "status",
            "--center",
            center.region_code,
            "--json",
            "--check",
            "--start",
            "2026-01-01",
            "--end",
            "2026-01-31",
        )
    assert exit_.value.code == 2
    (report,) = json.loads(capsys.readouterr().out)
    assert report["alert"] is True
    assert report["total"] == {
        "kind": "",
        "local": 2,
        "acked": 0,
        "pending": 1,
        "dead": 1,
        "unacked": 2,
    }


def test_status_refuses_an_unknown_centre_or_a_reversed_period(center):
    with pytest.raises(CommandError):
        call_command("exchange", "status", "--center", "999999")
    with pytest.raises(CommandError):
        call_command("exchange", "status", "--start", "2026-05-02", "--end", "2026-05-01")


def test_redrive_all_and_by_id(capsys, center, rows):
    call_command("exchange", "redrive", "--center", center.region_code, "--all")
    assert "re-driven: 1" in capsys.readouterr().out
    assert OutboxEvent.objects.get(pk=rows[0].pk).status == Status.PENDING
    with pytest.raises(CommandError):
        call_command(
            "exchange", "redrive", "--center", center.region_code, "--ids", str(rows[1].pk)
        )


def test_the_worker_once_against_a_closed_port_keeps_every_row(
    capsys, center, remote, push_settings
):
    # The retry is not due again during this run.
    push_settings.backoff_base_seconds = push_settings.backoff_max_seconds = 60
    push_settings.save()
    emit_case(center, "C1")
    call_command("worker", "--once", "--url", "http://127.0.0.1:9/api/exchange/inbound/")
    assert "total claimed=1 acked=0 retry=1 dead=0" in capsys.readouterr().out
    assert OutboxEvent.objects.filter(status=Status.PENDING).count() == 4
