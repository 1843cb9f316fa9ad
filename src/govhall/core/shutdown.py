"""Stopping a long-running worker command cleanly."""

import signal
import threading


def stop_on_signals() -> threading.Event:
    """An event that SIGTERM or SIGINT sets: the worker finishes its current batch and exits."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_a: stop.set())
    return stop
