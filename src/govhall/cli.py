"""The `govhall` command: Django's manage.py with the project's settings.

``govhall run`` serves on http://127.0.0.1:8000 (debug on, for a single box or a demo);
every other word is a management command, with ``-`` read as ``_`` (``govhall lint-guides``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
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
