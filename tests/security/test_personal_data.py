"""Personal numbers (issue 17, finding 11 and the 等保 personal-data control): digits in any
script are one person, and phones and ID numbers are encrypted at rest, found and kept unique
through a keyed hash."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction

from govhall.cases.models import Case
from govhall.cases.services import import_cases
from govhall.core import bulk
from govhall.core.crypto import encrypt_existing_rows, keyed_hash
from govhall.core.errors import Conflict
from govhall.core.formfields import PhoneField
from govhall.core.validators import (
    is_valid_id_number,
    is_valid_phone,
    normalize_id_number,
    normalize_phone,
)
from govhall.queueing import services
from govhall.queueing.models import Appointment, Ticket
from tests.factories import ServiceItemFactory, make_id_number
from tests.queueing.factories import QueueCategoryFactory, at, open_hall

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
FULLWIDTH_PHONE = "１３８００１３８０００"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DAY = dt.date(2026, 11, 24)  # a Tuesday


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def raw_columns(table: str, pk: int, *columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.parametrize("typed", [FULLWIDTH_PHONE, PHONE.translate(ARABIC_INDIC), f" {PHONE} "])
def test_phones_in_other_digits_are_normalised_and_only_ascii_is_valid(typed):
    assert normalize_phone(typed) == PHONE
    assert not is_valid_phone(typed.strip()) or typed.strip() == PHONE
    assert PhoneField().clean(typed) == PHONE


@pytest.mark.parametrize("script", [fullwidth, lambda s: s.translate(ARABIC_INDIC)])
def test_id_numbers_in_other_digits_are_normalised_and_only_ascii_is_valid(script):
    number = make_id_number(7)
    assert not is_valid_id_number(script(number))
    assert normalize_id_number(script(number).lower()) == number


def test_the_daily_appointment_limit_counts_one_person_whatever_the_digits(center):
    open_hall(center, appointment_daily_limit=2)
    category = QueueCategoryFactory(center=center, prefix="A", appointment_capacity=10)
    number = make_id_number(5)
    book = {
        "category": category,
        "date": DAY,
        "name": "李四",
        "phone": FULLWIDTH_PHONE,
        "at": at(8, 0, day=DAY),
    }
    services.book_appointment(**book, slot_start=dt.time(9, 30), id_number=number)
    services.book_appointment(**book, slot_start=dt.time(10, 0), id_number=fullwidth(number))
    for typed in (fullwidth(number), number.translate(ARABIC_INDIC)):
        with pytest.raises(Conflict) as refused:
            services.book_appointment(**book, slot_start=dt.time(10, 30), id_number=typed)
        assert refused.value.code == "daily_limit"
    assert {(a.phone, a.id_number) for a in Appointment.objects.all()} == {(PHONE, number)}


@pytest.mark.parametrize("typed", [FULLWIDTH_PHONE, PHONE.translate(ARABIC_INDIC)])
def test_one_waiting_ticket_per_phone_whatever_the_digits(center, typed):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A")
    services.issue_ticket(category=category, channel="kiosk", phone=PHONE, at=at(9, day=DAY))
    with pytest.raises(Conflict) as refused:
        services.issue_ticket(category=category, channel="kiosk", phone=typed, at=at(9, day=DAY))
    assert refused.value.code == "already_waiting"
    assert Ticket.objects.count() == 1


def test_ticket_numbers_are_encrypted_at_rest_and_hashed_for_lookups(center):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A")
    number = make_id_number(9)
    ticket = services.issue_ticket(
        category=category, channel="kiosk", phone=PHONE, id_number=number, at=at(9, day=DAY)
    )
    phone, id_number, phone_hash, id_hash = raw_columns(
        "queueing_ticket", ticket.pk, "phone", "id_number", "phone_hash", "id_number_hash"
    )
    assert PHONE not in phone and number not in id_number
    assert (phone_hash, id_hash) == (keyed_hash(PHONE), keyed_hash(number))
    assert PHONE not in phone_hash
    assert Ticket.objects.get(phone_hash=keyed_hash(PHONE)).phone == PHONE


def test_keyed_hash_depends_on_the_key_kept_outside_the_database(settings):
    first = keyed_hash(PHONE)
    settings.FIELD_HASH_KEY = "another key"
    assert keyed_hash(PHONE) != first
    assert keyed_hash("") == ""


def test_the_database_refuses_a_second_waiting_ticket_for_one_phone(center):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A")
    fields = {
        "center": center,
        "category": category,
        "issue_date": DAY,
        "channel": "kiosk",
        "phone": PHONE,
        "queue_at": at(9, day=DAY),
        "issued_at": at(9, day=DAY),
    }
    Ticket.objects.create(**fields, seq=1, number="A001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(**fields, seq=2, number="A002")


def test_the_data_migration_encrypts_plain_rows_and_back(center, department):
    item = ServiceItemFactory(center=center, department=department)
    case = Case.objects.create(
        center=center,
        number="X1",
        item=item,
        department=department,
        applicant_type="person",
        applicant_name="张三",
        id_number=make_id_number(3),
        phone=PHONE,
        channel="window",
        limit_days=5,
        accepted_at=at(9, day=DAY),
    )
    with connection.cursor() as cursor:  # as a row stood before the migration
        cursor.execute(
            "UPDATE cases_case SET phone = %s, id_number = %s, phone_hash = '', "
            "id_number_hash = '' WHERE id = %s",
            [PHONE, make_id_number(3), case.pk],
        )
    editor = SimpleNamespace(connection=connection)
    pairs = [("phone", "phone_hash"), ("id_number", "id_number_hash")]
    for _twice in range(2):
        encrypt_existing_rows(editor, Case, pairs, reverse=False)
        phone, phone_hash = raw_columns("cases_case", case.pk, "phone", "phone_hash")
        assert PHONE not in phone and phone_hash == keyed_hash(PHONE)
        assert Case.objects.get(phone_hash=keyed_hash(PHONE)).phone == PHONE
    encrypt_existing_rows(editor, Case, pairs, reverse=True)
    assert raw_columns("cases_case", case.pk, "phone", "phone_hash") == (PHONE, "")


def test_the_case_import_writes_numbers_encrypted_with_their_hash(center, department):
    item = ServiceItemFactory(center=center, department=department)
    number = make_id_number(4)
    text = (
        "事项编码,申请人类型,申请人,证件号码,联系电话,受理时间\n"
        f"{item.code},自然人,张三,{fullwidth(number)},{FULLWIDTH_PHONE},2026-03-02 09:30\n"
    )
    report = import_cases(center=center, source=io.BytesIO(text.encode()), filename="c.csv")
    assert report.ok and report.imported == 1
    case = Case.objects.get(id_number_hash=keyed_hash(number))
    assert (case.phone, case.id_number) == (PHONE, number)
    phone, id_number = raw_columns("cases_case", case.pk, "phone", "id_number")
    assert PHONE not in phone and number not in id_number


def test_the_simulations_bulk_writer_encrypts_and_hashes(center):
    category = QueueCategoryFactory(center=center, prefix="A")
    ticket = Ticket(
        center=center,
        category=category,
        issue_date=DAY,
        channel="kiosk",
        phone=PHONE,
        seq=1,
        number="A001",
        queue_at=at(9, day=DAY),
        issued_at=at(9, day=DAY),
    )
    bulk.insert(Ticket, [ticket])
    phone, phone_hash = raw_columns("queueing_ticket", ticket.pk, "phone", "phone_hash")
    assert PHONE not in phone and phone_hash == keyed_hash(PHONE)
    assert Ticket.objects.get(pk=ticket.pk).phone == PHONE


def test_searching_an_encrypted_number_by_value_is_refused_loudly():
    with pytest.raises(FieldError, match="keyed hash"):
        list(Ticket.objects.filter(phone=PHONE))
    with pytest.raises(FieldError):
        list(Case.objects.filter(id_number__startswith="110"))
    assert not Ticket.objects.filter(phone="").exists()
