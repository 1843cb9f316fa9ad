"""The shipped systemd units: every timer starts a service of its own name, and every unit that
runs `govhall <command>` names a management command that exists (with `-` read as `_`)."""

import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
GOVHALL = "/opt/govhall/.venv/bin/govhall"
# The jobs the house runs on a schedule (DESIGN.md, docs/deployment.md).
PERIODIC = {"attendance_derive", "queue_close_day", "case_digest", "security_events_purge"}


def sections(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each `[Section]` of a unit file with its `key=value` lines, repeated keys kept."""
    found: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            found.setdefault(current, [])
        else:
            key, _, value = line.partition("=")
            found[current].append((key.strip(), value.strip()))
    return found


def values(path: Path, section: str, key: str) -> list[str]:
    return [v for k, v in sections(path).get(section, []) if k == key]


def govhall_command(service: Path) -> str | None:
    """The management command a service runs (`govhall case-digest` → "case_digest")."""
    for exec_start in values(service, "Service", "ExecStart"):
        words = shlex.split(exec_start)
        if words[0] == GOVHALL:
            return words[1].replace("-", "_")
    return None


TIMERS = sorted(UNITS.glob("*.timer"))
SERVICES = sorted(UNITS.glob("*.service"))


def test_units_are_shipped():
    assert TIMERS and SERVICES


@pytest.mark.parametrize("timer", TIMERS, ids=lambda p: p.name)
def test_every_timer_starts_its_oneshot_service_on_a_calendar(timer):
    service = UNITS / (values(timer, "Timer", "Unit") or [timer.with_suffix(".service").name])[0]
    assert service.exists(), f"{timer.name} starts {service.name}, which is not shipped"
    assert values(service, "Service", "Type") == ["oneshot"]
    assert values(timer, "Timer", "OnCalendar"), f"{timer.name} has no OnCalendar="
    assert values(timer, "Install", "WantedBy") == ["timers.target"]


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_every_service_runs_an_existing_command_or_script(service):
    command = govhall_command(service)
    if command is not None:
        assert command in get_commands(), f"{service.name}: no command {command}"
        return
    (exec_start,) = values(service, "Service", "ExecStart")
    script = shlex.split(exec_start)[0].removeprefix("/opt/govhall/")
    assert (UNITS.parent.parent / script).exists(), f"{service.name} runs {script}: not shipped"


def test_every_periodic_job_has_a_timer():
    timed = {govhall_command(timer.with_suffix(".service")) for timer in TIMERS}
    assert timed >= PERIODIC


@pytest.mark.parametrize(
    ("exec_start", "expected"),
    [
        (f"{GOVHALL} attendance-derive", "attendance_derive"),
        (f"{GOVHALL} queue_close_day --date 2026-01-02", "queue_close_day"),
        ("/opt/govhall/deploy/backup.sh", None),
    ],
)
def test_the_command_is_read_from_exec_start(tmp_path, exec_start, expected):
    unit = tmp_path / "x.service"
    unit.write_text(f"# c\n[Service]\nType=oneshot\nExecStart={exec_start}\n", encoding="utf-8")
    assert govhall_command(unit) == expected
