"""Stopping a long-running worker command cleanly."""

import signal
import threading


def stop_on_signal() -> threading.Event:
    """An event that SIGTERM or SIGINT sets: the worker's loop watches it, so it finishes the batch
    in hand and returns instead of dying mid-batch."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_a: stop.set())
    return stop
