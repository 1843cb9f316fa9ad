"""gunicorn configuration for govhall behind nginx (deploy/nginx-govhall.conf).

Sync workers: nginx buffers slow clients, every request is a short database transaction, and
the hall's queue depends on row locks, not on long-lived connections. One box with 2 cores
runs 2 × cores + 1 = 5 workers. Override any value on the command line or with
GUNICORN_CMD_ARGS; `GOVHALL_WEB_WORKERS` sets the worker count.
"""

import multiprocessing
import os

bind = os.environ.get("GOVHALL_WEB_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GOVHALL_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that runs longer than this is a bug (exports stream); the worker is recycled.
timeout = 60
graceful_timeout = 30
keepalive = 2
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Large uploads (case imports) are spooled by nginx; gunicorn sees them whole.
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("GOVHALL_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# nginx keeps the access log; set GOVHALL_ACCESS_LOG=- to have gunicorn log too.
accesslog = os.environ.get("GOVHALL_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GOVHALL_LOG_LEVEL", "warning").lower()
wsgi_app = "govhall.wsgi:application"
