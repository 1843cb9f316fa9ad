"""`concurrent_reads`: independent reads at once on their own connections when a command or a
job asks for it (never by default: a web request keeps its one connection), within a budget of
connections, and never around a transaction whose writes other connections could not see."""

import threading

import pytest
from django.db import connection, transaction

from govhall.core import selectors
from govhall.core.models import Center
from tests.factories import CenterFactory


def _reader(name: str):
    def read():
        return name, threading.current_thread().name, Center.objects.filter(name=name).count()

    return read


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_reads_run_in_worker_threads_in_order(monkeypatch):
    monkeypatch.setattr(selectors.os, "cpu_count", lambda: 2)
    for name in ("甲中心", "乙中心", "丙中心"):
        CenterFactory(name=name)
    results = selectors.concurrent_reads(
        [_reader(n) for n in ("甲中心", "乙中心", "丙中心")], concurrent=True
    )
    assert [(name, count) for name, _thread, count in results] == [
        ("甲中心", 1),
        ("乙中心", 1),
        ("丙中心", 1),
    ]
    assert threading.main_thread().name not in {thread for _n, thread, _c in results}


@pytest.mark.django_db
def test_by_default_reads_run_in_the_calling_thread(monkeypatch):
    monkeypatch.setattr(selectors.os, "cpu_count", lambda: 8)
    results = selectors.concurrent_reads([_reader("甲中心"), _reader("乙中心")])
    assert {thread for _n, thread, _c in results} == {threading.current_thread().name}


@pytest.mark.django_db(transaction=True)
def test_never_more_threads_than_the_connection_budget(monkeypatch):
    monkeypatch.setattr(selectors.os, "cpu_count", lambda: 64)
    reads = [_reader("甲中心") for _i in range(selectors.CONCURRENT_READ_CONNECTIONS * 3)]
    threads = {thread for _n, thread, _c in selectors.concurrent_reads(reads, concurrent=True)}
    assert 1 < len(threads) <= selectors.CONCURRENT_READ_CONNECTIONS


@pytest.mark.django_db
def test_inside_a_transaction_reads_run_on_its_connection(monkeypatch):
    monkeypatch.setattr(selectors.os, "cpu_count", lambda: 2)
    with transaction.atomic():
        CenterFactory(name="未提交中心")  # only this connection sees it
        assert connection.in_atomic_block
        results = selectors.concurrent_reads(
            [_reader("未提交中心"), _reader("未提交中心")], concurrent=True
        )
    assert [(thread, count) for _n, thread, count in results] == [
        (threading.current_thread().name, 1)
    ] * 2
