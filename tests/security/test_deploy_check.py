"""`govhall check --deploy` is clean under the production env example (issue 17)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _example_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / "deploy" / "govhall.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_check_deploy_is_clean_under_the_env_example(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVHALL_", "DJANGO_"))}
    env.update(_example_env())
    env.update(PYTHONPATH=str(ROOT / "src"), GOVHALL_VAR_DIR=str(tmp_path))
    env.pop("GOVHALL_HOME", None)
    result = subprocess.run(
        [sys.executable, "-m", "govhall", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
