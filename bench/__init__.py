"""govhall benchmarks: ``python -m bench`` (``make bench``) runs every ``bench/bench_*.py``.

Importing the package puts the repository's ``src`` first on ``sys.path`` so the benchmarks
measure this checkout's code, whatever the virtualenv has installed.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
