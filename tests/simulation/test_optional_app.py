"""The simulation is an optional extra: installed with DEBUG or GOVHALL_SIMULATION=1 (and SimPy),
never on a production server by default."""

import pytest

from tests.security.test_secure_settings import read_settings

APPS = '["INSTALLED_APPS"]'


@pytest.mark.parametrize(
    ("env", "installed"),
    [
        ({"GOVHALL_DEBUG": "0"}, False),
        ({"GOVHALL_DEBUG": "1"}, True),
        ({"GOVHALL_DEBUG": "1", "GOVHALL_SIMULATION": "0"}, False),
        ({"GOVHALL_DEBUG": "0", "GOVHALL_SIMULATION": "1"}, True),
    ],
)
def test_the_simulation_app_is_installed_only_where_asked_for(tmp_path, env, installed):
    apps = read_settings(tmp_path, APPS, **env)["INSTALLED_APPS"]
    assert ("govhall.simulation" in apps) is installed
