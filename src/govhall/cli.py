"""The `govhall` command: Django's manage.py with the project's settings.

``govhall run`` serves the demo on http://127.0.0.1:8000 (Django's development server, debug
on); ``govhall serve [ADDR]`` is the production server of a one-box centre: gunicorn, debug
off whatever the environment says, static files from STATIC_ROOT by WhiteNoise. Every other
word is a management command, with ``-`` read as ``_`` (``govhall lint-guides``).
"""

import multiprocessing
import os
import sys


def serve(args: list[str]) -> None:
    """Run gunicorn on ADDR (default 127.0.0.1:8000; ``GOVHALL_WEB_WORKERS`` workers)."""
    os.environ["GOVHALL_DEBUG"] = "0"
    from gunicorn.app.wsgiapp import run

    bind = args[0] if args else "127.0.0.1:8000"
    workers = os.environ.get("GOVHALL_WEB_WORKERS", str(2 * multiprocessing.cpu_count() + 1))
    sys.argv = [
        "gunicorn",
        f"--bind={bind}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=60",
        "--max-requests=5000",
        "--max-requests-jitter=500",
        "--access-logfile=-",
        "govhall.wsgi:application",
    ]
    run()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    if len(argv) > 1 and argv[1] == "serve":
        serve(argv[2:])
        return
    if len(argv) > 1 and argv[1] == "run":
        os.environ.setdefault("GOVHALL_DEBUG", "1")
        rest = argv[2:] or ["127.0.0.1:8000"]
        argv = [argv[0], "runserver", *rest]
    elif len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
