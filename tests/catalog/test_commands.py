from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.catalog.factories import clean_item
from tests.factories import CenterFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("lint_guides", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_clean_catalogue_exits_zero_with_no_line(center, department):
    clean_item(center=center, department=department)
    out, err = run("--center", center.region_code)
    assert out == ""
    assert "0 个错误" in err


def test_one_line_per_finding_and_exit_code_one_on_errors(center, department):
    clean_item(center=center, department=department, fees="", consult_phone="")
    with pytest.raises(CommandError) as excinfo:
        run("--center", str(center.pk))
    assert excinfo.value.returncode == 1
    assert "2 个错误" in str(excinfo.value)


def test_lines_name_rule_item_and_department(center, department):
    item = clean_item(center=center, department=department, fees="")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("lint_guides", "--center", center.region_code, stdout=out)
    [line] = out.getvalue().splitlines()
    severity, region, rule, code, dept, name, message = line.split("\t")
    assert (severity, region, rule, code, dept, name) == (
        "ERROR",
        center.region_code,
        "missing_fees",
        item.code,
        department.name,
        item.name,
    )
    assert message


def test_warnings_only_exit_zero(center, department):
    clean_item(center=center, department=department, steps="")
    out, _err = run()
    assert "missing_steps" in out
    assert out.startswith("WARNING")


def test_without_center_every_active_centre_is_checked(center, department):
    other = DepartmentFactory(center=CenterFactory())
    clean_item(center=other.center, department=other, basis="")
    with pytest.raises(CommandError):
        run()


def test_unknown_centre_is_an_error():
    with pytest.raises(CommandError, match="没有找到中心"):
        run("--center", "999999")


def test_console_command_exit_status(center, department):
    """`govhall lint-guides` maps to the command and exits 1 when it finds errors."""
    from govhall.cli import main

    clean_item(center=center, department=department, fees="")
    with pytest.raises(SystemExit) as excinfo:
        main(["govhall", "lint-guides", "--center", center.region_code])
    assert excinfo.value.code == 1
