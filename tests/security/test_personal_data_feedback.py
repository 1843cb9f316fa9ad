"""Personal numbers of the feedback and notify apps (issue 17, the 等保 personal-data control):
the raters' and complainants' phones and the SMS outbox's and opt-outs' phones are encrypted at
rest, found through a keyed hash, and the rows stored before are encrypted by a migration."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as current_apps
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from govhall.core.crypto import keyed_hash
from govhall.feedback import selectors as feedback_selectors
from govhall.feedback import services as feedback
from govhall.feedback.links import sign_invitation
from govhall.feedback.models import Complaint, Evaluation, Invitation
from govhall.notify import selectors as notify_selectors
from govhall.notify import services as notify
from govhall.notify.models import Notification, OptOut
from tests.factories import StaffProfileFactory, WindowFactory
from tests.feedback.factories import completed_case, served_ticket

PHONE = "13800138000"
OTHER = "13912345678"
FULLWIDTH_PHONE = "１３８００１３８０００"


def raw_columns(table: str, where: str, value: object, *columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {where} = %s", [value])
        return cursor.fetchall()


def assert_hidden(table: str, where: str, value: object, column: str, phone: str) -> None:
    """Every row of `table` selected shows ciphertext and the keyed hash, never the number."""
    rows = raw_columns(table, where, value, column, f"{column}_hash")
    assert rows
    for stored, hashed in rows:
        assert phone not in stored and stored.startswith("gAAAAA")
        assert hashed == keyed_hash(phone)


@pytest.fixture
def clerk(center, department):
    window = WindowFactory(center=center, departments=[department])
    return StaffProfileFactory(center=center, department=department, windows=[window])


@pytest.mark.django_db
class TestEncryptedAtRest:
    def test_a_raters_phone_is_encrypted_on_the_invitation_and_the_rating(self, department, clerk):
        case = completed_case(department=department, accepted_by=clerk.user)
        case.phone = PHONE
        case.save()
        invitation = feedback.invite_for_case(case=case, actor=None)
        assert_hidden("feedback_invitation", "id", invitation.pk, "rater_phone", PHONE)
        evaluation = feedback.rate_with_link(
            token=sign_invitation(invitation.pk), level=1, actor=None
        )
        assert_hidden("feedback_evaluation", "id", evaluation.pk, "rater_phone", PHONE)
        assert Evaluation.objects.get(rater_phone_hash=keyed_hash(PHONE)).rater_phone == PHONE
        assert Invitation.objects.get(pk=invitation.pk).rater_phone == PHONE
        # A real-name bad rating is still told from an anonymous one (the callback rate).
        today = timezone.localdate()
        figures = feedback_selectors.callback_figures(
            center_id=case.center_id, start=today, end=today
        ).total
        assert figures["realname_bad"] == 1 and figures["anonymous_bad"] == 0

    def test_a_phone_typed_on_the_rating_page_is_encrypted(self, clerk):
        ticket = served_ticket(staff=clerk, window=clerk.windows.get(), phone="")
        invitation = feedback.invite_for_ticket(ticket=ticket, actor=clerk.user)
        evaluation = feedback.rate_with_link(
            token=sign_invitation(invitation.pk), level=2, rater_phone=FULLWIDTH_PHONE
        )
        assert_hidden("feedback_evaluation", "id", evaluation.pk, "rater_phone", PHONE)
        assert Evaluation.objects.get(pk=evaluation.pk).rater_phone == PHONE

    def test_a_complainants_phone_is_encrypted_in_the_row_and_its_history(self, center):
        complaint = feedback.create_complaint(
            center=center,
            channel=Complaint.Channel.WINDOW,
            content="材料反复要求补正",
            complainant_name="王五",
            complainant_phone=FULLWIDTH_PHONE,
        )
        assert_hidden("feedback_complaint", "id", complaint.pk, "complainant_phone", PHONE)
        assert_hidden(
            "feedback_historicalcomplaint", "id", complaint.pk, "complainant_phone", PHONE
        )
        # "My complaints": found by the hash of the number, whatever digits were typed.
        mine = Complaint.objects.filter(center=center, complainant_phone_hash=keyed_hash(PHONE))
        assert [c.complainant_phone for c in mine] == [PHONE]
        assert {h.complainant_phone for h in complaint.history.all()} == {PHONE}

    def test_the_outbox_and_the_opt_outs_hold_no_plain_phone(self, center):
        queued = notify.enqueue(
            center_id=center.pk, kind="ticket_due", subject_id=1, phone=PHONE, text="请到窗口"
        )
        assert_hidden("notify_notification", "id", queued.pk, "phone", PHONE)
        assert Notification.objects.get(pk=queued.pk).phone == PHONE
        optout = notify.opt_out(center=center, phone=FULLWIDTH_PHONE, note="回复TD")
        assert_hidden("notify_optout", "id", optout.pk, "phone", PHONE)
        assert OptOut.objects.get(pk=optout.pk).phone == PHONE

    def test_opt_out_and_opt_in_find_the_phone_through_its_hash(self, center, other_department):
        queued = notify.enqueue(
            center_id=center.pk, kind="ticket_due", subject_id=1, phone=PHONE, text="请到窗口"
        )
        other = notify.enqueue(
            center_id=center.pk, kind="ticket_due", subject_id=2, phone=OTHER, text="请到窗口"
        )
        first = notify.opt_out(center=center, phone=FULLWIDTH_PHONE)
        assert notify.opt_out(center=center, phone=PHONE).pk == first.pk  # once per phone
        queued.refresh_from_db()
        other.refresh_from_db()
        assert queued.state == Notification.State.OPTED_OUT
        assert other.state == Notification.State.PENDING
        assert notify_selectors.is_opted_out(center.pk, PHONE)
        assert not notify_selectors.is_opted_out(center.pk, OTHER)
        assert not notify_selectors.is_opted_out(center.pk, "")
        assert notify.opt_in(center=center, phone=FULLWIDTH_PHONE) == 1
        assert not notify_selectors.is_opted_out(center.pk, PHONE)

    def test_the_database_refuses_a_second_opt_out_of_one_phone(self, center):
        OptOut.objects.create(center=center, phone=PHONE)
        OptOut.objects.create(center=center, phone=OTHER)
        with pytest.raises(IntegrityError), transaction.atomic():
            OptOut.objects.create(center=center, phone=PHONE)

    def test_searching_the_phones_by_value_is_refused_loudly(self):
        with pytest.raises(FieldError, match="keyed hash"):
            list(Complaint.objects.filter(complainant_phone=PHONE))
        with pytest.raises(FieldError, match="keyed hash"):
            list(OptOut.objects.filter(phone=PHONE))
        with pytest.raises(FieldError):
            list(Evaluation.objects.filter(rater_phone__contains="138"))


def make_plain(table: str, column: str, pk_column: str, pk: object, phone: str) -> None:
    """Put `phone` back in plain text with no hash, as a row stood before the migration."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s, {column}_hash = '' WHERE {pk_column} = %s",
            [phone, pk],
        )


@pytest.mark.django_db
def test_the_data_migrations_encrypt_plain_rows_and_back(center, department, clerk):
    """The migrations' own functions over every model they name, run twice, then reversed."""
    case = completed_case(department=department, accepted_by=clerk.user)
    invitation = feedback.invite_for_case(case=case, actor=None)
    evaluation = feedback.rate_with_link(token=sign_invitation(invitation.pk), level=5)
    complaint = feedback.create_complaint(
        center=center, channel="window", content="x", complainant_phone=PHONE
    )
    notification = notify.enqueue(
        center_id=center.pk, kind="ticket_due", subject_id=1, phone=PHONE, text="请到窗口"
    )
    optout = notify.opt_out(center=center, phone=OTHER)
    plain = [
        ("feedback_invitation", "rater_phone", "id", invitation.pk, case.phone),
        ("feedback_evaluation", "rater_phone", "id", evaluation.pk, case.phone),
        ("feedback_complaint", "complainant_phone", "id", complaint.pk, PHONE),
        ("feedback_historicalcomplaint", "complainant_phone", "id", complaint.pk, PHONE),
        ("notify_notification", "phone", "id", notification.pk, PHONE),
        ("notify_optout", "phone", "id", optout.pk, OTHER),
    ]
    for row in plain:
        make_plain(*row)
    editor = SimpleNamespace(connection=connection)
    migrations = [
        importlib.import_module(f"govhall.{name}")
        for name in (
            "feedback.migrations.0006_encrypt_existing_personal_numbers",
            "notify.migrations.0003_encrypt_existing_personal_numbers",
        )
    ]
    for _twice in range(2):
        for migration in migrations:
            migration.forward(current_apps, editor)
        for table, column, pk_column, pk, phone in plain:
            assert_hidden(table, pk_column, pk, column, phone)
    assert Complaint.objects.get(complainant_phone_hash=keyed_hash(PHONE)).pk == complaint.pk
    assert notify_selectors.is_opted_out(center.pk, OTHER)
    for migration in migrations:
        migration.backward(current_apps, editor)
    for table, column, pk_column, pk, phone in plain:
        assert set(raw_columns(table, pk_column, pk, column, f"{column}_hash")) == {(phone, "")}


BEFORE = [("feedback", "0004_evidence_in_private_storage"), ("notify", "0001_sms_outbox")]


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] in ("feedback", "notify")]


@pytest.mark.django_db(transaction=True)
def test_migrating_an_existing_database_encrypts_what_it_holds(center, department):
    """The real upgrade: the schema as it was, rows with plain phones, then ``migrate``."""
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        now = timezone.now()
        fields = {"center_id": center.pk, "department_id": department.pk}
        invitation = old.get_model("feedback", "Invitation").objects.create(
            **fields, source="case", channel="sms", rater_phone=PHONE, expires_at=now
        )
        evaluation = old.get_model("feedback", "Evaluation").objects.create(
            **fields, level=1, channel="hotline", rater_phone=PHONE
        )
        complaint_fields = {
            **fields,
            "number": "C1",
            "channel": "window",
            "content": "x",
            "complainant_phone": PHONE,
            "deadline": dt.date(2026, 12, 10),
        }
        complaint = old.get_model("feedback", "Complaint").objects.create(**complaint_fields)
        history = old.get_model("feedback", "HistoricalComplaint").objects.create(
            **complaint_fields, id=complaint.pk, history_date=now, history_type="+"
        )
        notification = old.get_model("notify", "Notification").objects.create(
            center_id=center.pk, kind="ticket_due", subject_id=1, phone=PHONE, text="请到窗口"
        )
        optouts = [
            old.get_model("notify", "OptOut").objects.create(center_id=center.pk, phone=phone)
            for phone in (PHONE, OTHER)
        ]
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert_hidden("feedback_invitation", "id", invitation.pk, "rater_phone", PHONE)
    assert_hidden("feedback_evaluation", "id", evaluation.pk, "rater_phone", PHONE)
    assert_hidden("feedback_complaint", "id", complaint.pk, "complainant_phone", PHONE)
    assert_hidden(
        "feedback_historicalcomplaint",
        "history_id",
        history.history_id,
        "complainant_phone",
        PHONE,
    )
    assert_hidden("notify_notification", "id", notification.pk, "phone", PHONE)
    for optout, phone in zip(optouts, (PHONE, OTHER), strict=True):
        assert_hidden("notify_optout", "id", optout.pk, "phone", phone)
    assert Evaluation.objects.get(rater_phone_hash=keyed_hash(PHONE)).rater_phone == PHONE
    assert Complaint.objects.get(pk=complaint.pk).complainant_phone == PHONE
    assert notify_selectors.is_opted_out(center.pk, OTHER)
    with pytest.raises(IntegrityError), transaction.atomic():
        OptOut.objects.create(center=center, phone=OTHER)


@pytest.fixture
def superuser_client(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_the_admin_finds_a_whole_phone_by_its_hash_and_shows_it_masked(superuser_client, center):
    mine = notify.enqueue(
        center_id=center.pk, kind="ticket_due", subject_id=1, phone=PHONE, text="请到窗口"
    )
    notify.enqueue(center_id=center.pk, kind="ticket_due", subject_id=2, phone=OTHER, text="x")
    optout = notify.opt_out(center=center, phone=PHONE)
    for model, expected in ((Notification, mine), (OptOut, optout)):
        url = reverse(f"admin:notify_{model._meta.model_name}_changelist")
        page = superuser_client.get(url, {"q": FULLWIDTH_PHONE})
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == [expected]
        assert superuser_client.get(url, {"q": "1380013"}).context["cl"].result_count == 0
        change = reverse(f"admin:notify_{model._meta.model_name}_change", args=[expected.pk])
        detail = superuser_client.get(change)
        assert detail.status_code == 200 and PHONE not in detail.content.decode()
        assert "138****8000" in detail.content.decode()


@pytest.mark.django_db
def test_an_opt_out_added_in_the_admin_is_normalised_hashed_and_once(superuser_client, center):
    url = reverse("admin:notify_optout_add")
    form = {"center": center.pk, "phone": FULLWIDTH_PHONE, "note": "电话退订"}
    form |= {"created_at_0": "2026-12-01", "created_at_1": "10:00:00"}
    assert superuser_client.post(url, form).status_code == 302
    optout = OptOut.objects.get(phone_hash=keyed_hash(PHONE))
    assert optout.phone == PHONE
    again = superuser_client.post(url, form)
    assert again.status_code == 200 and "phone" in again.context["adminform"].form.errors
    assert OptOut.objects.count() == 1
