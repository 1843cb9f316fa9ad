"""Demo catalogue: themes and 200+ items with full guides for the demo centre's departments.

Deterministic and idempotent: items are keyed by (centre, code); an item that exists is left
as it is. Blank forms and samples are generated as .docx files named after the item code. A few
guides are flawed on purpose (`demo_data.FLAWS`) so the guide lint has findings to show.
"""

import datetime as dt
import io
import random
import zipfile
from decimal import Decimal
from functools import cache
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from govhall.catalog.demo_data import (
    CONDITIONS,
    FLAWS,
    ITEMS,
    KEYWORDS,
    KIND_CONDITIONS,
    LAWS,
    MATERIALS,
    STEPS,
    THEMES,
)
from govhall.catalog.models import Material, ServiceItem, Theme
from govhall.core.models import Center
from govhall.org.models import Department, Window

KINDS = {
    "L": ServiceItem.Kind.LICENSE,
    "C": ServiceItem.Kind.CONFIRMATION,
    "P": ServiceItem.Kind.PAYMENT,
    "R": ServiceItem.Kind.RULING,
    "S": ServiceItem.Kind.PUBLIC_SERVICE,
    "O": ServiceItem.Kind.OTHER,
}
KIND_DIGIT = {"L": "01", "C": "07", "P": "05", "R": "08", "S": "20", "O": "10"}
SUPERVISE_PHONE = "12345"
DOCX_MAIN = "word/document.xml"
FORM_FIELDS = [
    ("申请人(单位)名称", "驻马店市示例科技有限公司"),
    ("统一社会信用代码/身份证号码", "91411702MA9XXXXX0X"),
    ("法定代表人/负责人", "张明"),
    ("联系电话", "13900000000"),
    ("地址", "驻马店市驿城区示例路1号"),
    ("申请事项", ""),
    ("申请内容及理由", "按本事项办事指南的要求如实填写"),
    ("申请人签字(盖章)", "张明(盖章)"),
    ("日期", "2026年  月  日"),
]


@cache
def _docx_template() -> tuple[bytes, str]:
    """A .docx with placeholders, built once with python-docx.

    Returns the archive without its main part (compressed once) and the main part's XML; each
    form is a text substitution in that XML appended to a copy of the archive.
    """
    from docx import Document

    document = Document()
    document.add_heading("%%TITLE%%", level=1)
    document.add_paragraph("%%SUBTITLE%%")
    table = document.add_table(rows=len(FORM_FIELDS), cols=2)
    table.style = "Table Grid"
    for row, (label, _example) in enumerate(FORM_FIELDS):
        table.cell(row, 0).text = label
        table.cell(row, 1).text = f"%%V{row}%%"
    document.add_paragraph("%%FOOTER%%")
    source = io.BytesIO()
    document.save(source)
    rest = io.BytesIO()
    with zipfile.ZipFile(source) as full, zipfile.ZipFile(rest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in full.infolist():
            if info.filename != DOCX_MAIN:
                out.writestr(info, full.read(info))
        main_xml = full.read(DOCX_MAIN).decode()
    return rest.getvalue(), main_xml


def form_docx(title: str, item_name: str, center_name: str, *, sample: bool) -> bytes:
    """A blank form (or its filled-in sample) for a material, as .docx bytes."""
    rest, xml = _docx_template()
    values = {
        "%%TITLE%%": title,
        "%%SUBTITLE%%": f"{center_name} · {item_name} · {'示范文本' if sample else '空白表格'}",
        "%%FOOTER%%": "本表由申请人如实填写,对内容的真实性负责。",
    }
    for row, (_label, example) in enumerate(FORM_FIELDS):
        values[f"%%V{row}%%"] = (example or item_name) if sample else ""
    for placeholder, value in values.items():
        xml = xml.replace(placeholder, escape(value))
    out = io.BytesIO(rest)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DOCX_MAIN, xml.encode())
    return out.getvalue()


def _save_file(name: str, content: bytes) -> str:
    if not default_storage.exists(name):
        return default_storage.save(name, ContentFile(content))
    return name


def _material(spec: str) -> dict:
    needs_form = spec.startswith("#")
    copy_only = spec.startswith("~")
    name = spec.lstrip("#~")
    required = not name.endswith("?")
    name = name.rstrip("?")
    if name in MATERIALS:
        full, lib_required, originals, copies, notes = MATERIALS[name]
        return {
            "name": full,
            "required": lib_required and required,
            "originals": originals,
            "copies": copies,
            "needs_form": False,
            "notes": notes,
        }
    return {
        "name": f"《{name}》" if needs_form else name,
        "required": required,
        "originals": 0 if copy_only else 1,
        "copies": 1 if copy_only else 0,
        "needs_form": needs_form,
        "notes": "可在本页下载空白表格和示范文本" if needs_form else "",
    }


def _item_fields(
    spec: tuple, department: Department, center: Center, phone: str
) -> tuple[dict, list[dict]]:
    name, kind, legal, promised, flags, _themes, materials, law, fees = spec
    kind_value = KINDS[kind].value
    basis = LAWS.get(law, law)
    law_name = basis.split(";")[0].split("第")[0]
    fields = {
        "name": name,
        "keywords": KEYWORDS.get(name, ""),
        "department": department,
        "kind": kind_value,
        "legal_limit_days": legal,
        "promised_limit_days": promised,
        "immediate": "i" in flags,
        "online": "o" in flags,
        "max_visits": 0 if "0" in flags else 2 if "2" in flags else 1,
        "entered": "n" not in flags and department.entered,
        "window_authorized": "u" not in flags,
        "conditions": CONDITIONS.get(name, KIND_CONDITIONS[kind_value].format(law=law_name)),
        "basis": basis,
        "fees": fees or "不收费",
        "steps": STEPS[kind_value],
        "step_count": STEPS[kind_value].count("\n") + 1,
        "fee_amount": None if fees else Decimal(0),
        "location": (
            f"{center.address}{department.short_name}窗口"
            if department.entered
            else f"{department.name}办公地点(暂未进驻市民中心)"
        ),
        "hours": "周一至周五 上午9:00-12:00,下午13:00-17:00(法定节假日除外);周六上午延时服务",
        "consult_phone": phone,
        "supervise_phone": SUPERVISE_PHONE,
    }
    flaw = FLAWS.get(name, {})
    fields.update({k: v for k, v in flaw.items() if k in fields})
    material_rows = [_material(m) for m in materials]
    material_rows += [
        {"name": extra, "required": True, "originals": 1, "copies": 0, "needs_form": False}
        for extra in flaw.get("materials_extra", [])
    ]
    return fields, material_rows


@transaction.atomic
def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    """Themes and items of the demo centre; no logins."""
    themes = {}
    for n, (key, (name, audience)) in enumerate(THEMES.items(), start=1):
        themes[key], _created = Theme.objects.get_or_create(
            center=center, name=name, defaults={"audience": audience, "sort_order": n * 10}
        )
    departments = {
        d.short_name: d for d in Department.objects.filter(center=center, short_name__in=ITEMS)
    }
    created: list[ServiceItem] = []
    # The demo's catalogue is the one the centre entered at the start of the year (or two days
    # ago, in the year's first days), reformed a month ago at most.
    now = timezone.now()
    entered = min(timezone.make_aware(dt.datetime(now.year, 1, 2, 9)), now - dt.timedelta(days=2))
    for short, specs in ITEMS.items():
        department = departments.get(short)
        if department is None:
            continue
        phone = f"0396-{2_610_000 + department.sort_order * 13:07d}"
        # comprehensive windows first (一窗受理), then the department's own
        windows = sorted(
            department.windows.filter(is_open=True),
            key=lambda w: (w.kind != Window.Kind.COMPREHENSIVE, w.number),
        )
        for n, spec in enumerate(specs, start=1):
            code = f"{department.uscc}{KIND_DIGIT[spec[1]]}{n:03d}"
            fields, material_rows = _item_fields(spec, department, center, phone)
            if ServiceItem.objects.filter(center=center, code=code).exists():
                continue
            item = ServiceItem(center=center, code=code, **fields)
            item.full_clean()
            # One "created" history row per item, written in bulk at the end: the rows that
            # saving and each m2m set would write one by one triple the demo's loading time.
            item.skip_history_when_saving = True
            item.save()
            item.themes.set([themes[key] for key in spec[5].split()])
            if item.entered:
                item.windows.set(windows)
            del item.skip_history_when_saving
            created.append(item)
            no_files = FLAWS.get(spec[0], {}).get("no_form_files", False)
            materials = []
            for order, row in enumerate(material_rows, start=1):
                material = Material(item=item, sort_order=order * 10, **row)
                if material.needs_form and not no_files:
                    title = material.name.strip("《》")
                    for field, sample in (("form_file", False), ("sample_file", True)):
                        folder = "samples" if sample else "forms"
                        path = f"catalog/{folder}/{code}-{order:02d}.docx"
                        content = form_docx(title, item.name, center.name, sample=sample)
                        setattr(material, field, _save_file(path, content))
                material.full_clean(exclude=["item"])
                materials.append(material)
            bulk_create_with_history(materials, Material, default_date=entered)
    ServiceItem.history.bulk_history_create(created, default_date=entered)
    _reform(created, on=max(entered + dt.timedelta(days=1), now - dt.timedelta(days=30)))
    return []


def _reform(items: list[ServiceItem], *, on: dt.datetime) -> None:
    """This year's 四减 (seed 003): about a third of the items lose a step, a certificate
    (the last material listed) and a few days of their promised limit, on one day; the
    catalogue's history keeps both versions, which `selectors.four_reductions` compares."""
    for item in items:
        rng = random.Random(item.code)
        if rng.random() > 0.35 or item.name in FLAWS:  # the lint's flawed guides stay as they are
            continue
        item.step_count = max(2, item.step_count - 1)
        if item.promised_limit_days > 2:
            item.promised_limit_days -= rng.randint(1, item.promised_limit_days // 2)
        item._history_date = on
        item.save(update_fields=["step_count", "promised_limit_days", "updated_at"])
        dropped = item.materials.order_by("-sort_order").first()
        if dropped is not None and item.materials.count() > 1:
            dropped._history_date = on
            dropped.delete()
