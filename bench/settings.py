"""Settings for benchmarks: the product's settings plus a bench-only URLconf (the bare view)."""

from govhall.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
