import datetime as dt
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from govhall.core.models import OutboxEvent
from govhall.core.roles import Role
from govhall.core.workdays import add_workdays
from govhall.feedback import links, services
from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    Channel,
    Complaint,
    Evaluation,
    Invitation,
    Rectification,
    RectificationEvent,
)
from govhall.feedback.selectors import feedback_settings, pad_pending_invitation
from tests.factories import ServiceItemFactory, StaffProfileFactory
from tests.feedback.factories import completed_case, served_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(clerk, window):
    ticket = served_ticket(staff=clerk, window=window)
    return services.invite_for_ticket(ticket=ticket, actor=clerk.user)


def pair(window, user, client="10.0.0.1"):
    code = services.issue_pairing_code(window=window, actor=user).pairing_code
    return services.pair_pad(code=code, client=client)[0]


def center_admin(center):
    from tests.factories import UserFactory

    return UserFactory(center=center, roles=[Role.CENTER_ADMIN])


def token_of(invitation):
    return links.sign_invitation(invitation.pk)


class TestInvitation:
    def test_finished_ticket_is_invited_with_who_when_channel(self, invitation, clerk, window):
        assert invitation.source == Invitation.Source.TICKET
        assert invitation.channel == Channel.QR
        assert invitation.staff == clerk and invitation.window == window
        assert invitation.invited_by == clerk.user
        assert invitation.department == clerk.department
        assert invitation.expires_at > timezone.now() + dt.timedelta(days=6)

    def test_window_with_a_paired_pad_invites_on_the_pad(self, clerk, window):
        pad = services.issue_pairing_code(window=window, actor=clerk.user)
        services.pair_pad(code=pad.pairing_code, client="10.0.0.1")
        ticket = served_ticket(staff=clerk, window=window)
        invitation = services.invite_for_ticket(ticket=ticket, actor=clerk.user)
        assert invitation.channel == Channel.PAD

    def test_inviting_twice_returns_the_same_invitation(self, invitation, clerk):
        again = services.invite_for_ticket(ticket=invitation.ticket, actor=clerk.user)
        assert again.pk == invitation.pk
        assert Invitation.objects.count() == 1

    def test_inviting_reads_once_and_writes_once_with_the_centres_validity(
        self, clerk, window, django_assert_num_queries
    ):
        """Settings, pad and an earlier invitation in one read, then the INSERT."""
        conf = feedback_settings(center_id=window.center_id)
        conf.invitation_valid_days = 2
        conf.save()
        ticket = served_ticket(staff=clerk, window=window)
        with django_assert_num_queries(2):
            invitation = services.invite_for_ticket(ticket=ticket, actor=clerk.user)
        assert invitation.expires_at - invitation.created_at == dt.timedelta(days=2)

    def test_completed_case_is_invited_by_sms_with_the_applicant(self, department, clerk):
        case = completed_case(department=department, accepted_by=clerk.user)
        invitation = services.invite_for_case(case=case, actor=None)
        assert invitation.channel == Channel.SMS
        assert invitation.staff == clerk
        assert invitation.rater_name == "张三" and invitation.rater_phone == "13900000002"

    def test_a_service_recorded_after_the_fact_is_invited_as_of_its_end(
        self, department, clerk, window
    ):
        """A finish or completion given a past time dates its invitation then, not at the write:
        the link's validity runs from the service, and a stale one is already expired."""
        valid_days = feedback_settings(center_id=window.center_id).invitation_valid_days
        finished = timezone.now() - dt.timedelta(days=valid_days + 3)
        ticket = served_ticket(staff=clerk, window=window, finished_at=finished)
        by_ticket = services.invite_for_ticket(ticket=ticket, actor=clerk.user)
        completed = timezone.now() - dt.timedelta(hours=5)
        case = completed_case(department=department, accepted_by=clerk.user, completed_at=completed)
        by_case = services.invite_for_case(case=case, actor=None)
        assert by_ticket.created_at == finished and by_case.created_at == completed
        assert by_ticket.expires_at == finished + dt.timedelta(days=valid_days)
        assert by_ticket.is_expired() and not by_case.is_expired()

    def test_a_rating_dated_before_its_service_is_refused(self, invitation):
        before = invitation.created_at - dt.timedelta(minutes=1)
        with pytest.raises(ValidationFailed) as refused:
            services.rate_with_link(token=token_of(invitation), level=5, at=before)
        assert refused.value.code == "rated_before_service"
        assert not Evaluation.objects.exists()
        later = invitation.created_at + dt.timedelta(minutes=1)
        rated = services.rate_with_link(token=token_of(invitation), level=5, at=later)
        assert rated.rated_at == later
        invitation.refresh_from_db()
        assert invitation.used_at == later

    def test_link_carries_the_signed_invitation(self, invitation):
        assert links.unsign_invitation(links.rating_url(invitation.pk).rsplit("/", 2)[-2]) == (
            invitation.pk
        )


class TestRatingLink:
    def test_rating_records_everything_in_one_go(self, invitation, citizen):
        evaluation = services.rate_with_link(
            token=token_of(invitation),
            level=5,
            channel=Channel.QR,
            aspects=["服务态度", "办事效率"],
            comment="很快",
            rater_name="李四",
            actor=citizen,
        )
        invitation.refresh_from_db()
        assert invitation.used_at == evaluation.rated_at
        assert evaluation.ticket == invitation.ticket
        assert evaluation.staff == invitation.staff
        assert evaluation.rater_phone == "13800000001"  # from the ticket
        assert list(evaluation.events.values_list("kind", flat=True)) == ["created"]
        assert not Rectification.objects.exists()
        outbox = OutboxEvent.objects.get(stream=f"rating:{evaluation.pk}")
        assert outbox.kind == "rating.created"
        assert outbox.payload["level"] == 5
        assert outbox.payload["ticket_number"] == invitation.ticket.number
        assert outbox.payload["staff_number"] == invitation.staff.staff_number
        assert outbox.payload["is_bad"] is False and outbox.payload["excluded"] is False

    def test_forged_link_is_refused(self, invitation, citizen):
        forged = signing.dumps(invitation.pk, salt="someone.else")
        tampered = token_of(invitation)[:-2] + "xx"
        for token in (forged, tampered, "garbage", ""):
            with pytest.raises(PermissionDenied) as exc:
                services.rate_with_link(token=token, level=1, actor=citizen)
            assert exc.value.code == "link_forged"
        assert not Evaluation.objects.exists()

    def test_link_to_a_missing_invitation_is_refused(self, citizen):
        with pytest.raises(NotFound):
            services.rate_with_link(token=links.sign_invitation(999999), level=5, actor=citizen)

    def test_reused_link_is_refused(self, invitation, citizen):
        services.rate_with_link(token=token_of(invitation), level=4, actor=citizen)
        with pytest.raises(Conflict) as exc:
            services.rate_with_link(token=token_of(invitation), level=1, actor=citizen)
        assert "只能评价一次" in exc.value.message
        assert Evaluation.objects.get().level == 4

    def test_expired_link_is_refused(self, invitation, citizen):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
        with pytest.raises(InvalidTransition) as exc:
            services.rate_with_link(token=token_of(invitation), level=5, actor=citizen)
        assert exc.value.code == "link_expired"
        assert not Evaluation.objects.exists()

    def test_second_rating_of_the_same_service_is_refused(self, invitation, citizen, center):
        services.rate_with_link(token=token_of(invitation), level=5, actor=citizen)
        with pytest.raises(Conflict):
            services.ratings._record_evaluation(
                center_id=center.pk,
                level=1,
                channel=Channel.HOTLINE,
                department=invitation.department,
                window=None,
                staff=None,
                ticket=invitation.ticket,
            )
        assert Evaluation.objects.count() == 1

    def test_staff_cannot_rate_their_own_service(self, invitation, clerk):
        with pytest.raises(PermissionDenied) as exc:
            services.rate_with_link(token=token_of(invitation), level=5, actor=clerk.user)
        assert exc.value.code == "own_service"
        assert not Evaluation.objects.exists()

    def test_colleague_cannot_rate_their_units_service(self, invitation, center, department):
        colleague = StaffProfileFactory(center=center, department=department)
        with pytest.raises(PermissionDenied):
            services.rate_with_link(token=token_of(invitation), level=5, actor=colleague.user)

    def test_staff_of_another_unit_may_rate_as_a_citizen(
        self, invitation, center, other_department
    ):
        other = StaffProfileFactory(center=center, department=other_department)
        services.rate_with_link(token=token_of(invitation), level=5, actor=other.user)

    @pytest.mark.parametrize("level", [0, 6])
    def test_level_out_of_range_is_refused(self, invitation, citizen, level):
        with pytest.raises(ValidationFailed):
            services.rate_with_link(token=token_of(invitation), level=level, actor=citizen)
        invitation.refresh_from_db()
        assert invitation.used_at is None

    def test_unknown_aspect_is_refused(self, invitation, citizen):
        with pytest.raises(ValidationFailed):
            services.rate_with_link(
                token=token_of(invitation), level=5, aspects=["好看"], actor=citizen
            )

    def test_pad_channel_cannot_be_claimed_through_a_link(self, invitation, citizen):
        with pytest.raises(ValidationFailed):
            services.rate_with_link(
                token=token_of(invitation), level=5, channel=Channel.PAD, actor=citizen
            )


class TestPad:
    def test_pairing_code_is_single_use(self, window, clerk):
        pad = services.issue_pairing_code(window=window, actor=clerk.user)
        paired, token = services.pair_pad(code=pad.pairing_code, client="10.0.0.1")
        assert paired.token_hash == links.hash_device_token(token)
        with pytest.raises(ValidationFailed):
            services.pair_pad(code=pad.pairing_code, client="10.0.0.1")

    def test_expired_pairing_code_is_refused(self, window, clerk):
        pad = services.issue_pairing_code(window=window, actor=clerk.user)
        pad.pairing_expires_at = timezone.now() - dt.timedelta(seconds=1)
        pad.save()
        with pytest.raises(ValidationFailed):
            services.pair_pad(code=pad.pairing_code, client="10.0.0.1")

    def test_one_tap_rates_the_pending_service_once(self, window, clerk, citizen):
        pad = pair(window, clerk.user)
        invitation = services.invite_for_ticket(
            ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
        )
        assert pad_pending_invitation(pad) == invitation
        evaluation = services.rate_on_pad(
            pad=pad, invitation_id=invitation.pk, level=2, actor=citizen
        )
        assert evaluation.channel == Channel.PAD
        assert pad_pending_invitation(pad) is None
        with pytest.raises(Conflict):
            services.rate_on_pad(pad=pad, invitation_id=invitation.pk, level=5, actor=citizen)

    def test_pad_cannot_rate_another_windows_service(self, window, clerk, center, citizen):
        from tests.factories import WindowFactory

        other_window = WindowFactory(center=center)
        pad = pair(other_window, center_admin(center))
        invitation = services.invite_for_ticket(
            ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
        )
        with pytest.raises(Conflict):
            services.rate_on_pad(pad=pad, invitation_id=invitation.pk, level=5, actor=citizen)
        assert not Evaluation.objects.exists()


def rate_bad(invitation, level=1, phone="13800001234"):
    return services.rate_with_link(
        token=token_of(invitation), level=level, rater_phone=phone, actor=None
    )


class TestPadShowsTheServiceJustFinished:
    """Issue 18 item 2: exactly the service just finished at its window, until rated, skipped
    or the next call."""

    def finish(self, clerk, window, **kwargs):
        ticket = served_ticket(staff=clerk, window=window, **kwargs)
        return services.invite_for_ticket(ticket=ticket, actor=clerk.user)

    def call_next_at(self, window, at):
        from govhall.queueing.models import TicketEvent

        nxt = served_ticket(staff=StaffProfileFactory(center=window.center), window=window)
        TicketEvent.objects.create(
            center_id=window.center_id,
            ticket=nxt,
            kind=TicketEvent.Kind.CALLED,
            at=at,
            window=window,
        )

    def test_a_service_finished_before_pairing_is_not_offered(self, window, clerk):
        self.finish(clerk, window, finished_at=timezone.now() - dt.timedelta(minutes=1))
        pad = pair(window, clerk.user)
        assert pad_pending_invitation(pad) is None
        current = self.finish(clerk, window)
        assert pad_pending_invitation(pad) == current

    def test_the_next_call_ends_the_prompt(self, window, clerk):
        pad = pair(window, clerk.user)
        # The queue stores times to the second: the next call may share the finish's second.
        invitation = self.finish(clerk, window, finished_at=timezone.now().replace(microsecond=0))
        self.call_next_at(window, invitation.ticket.finished_at)
        assert pad_pending_invitation(pad) is None

    def test_an_earlier_unrated_service_never_comes_back(self, window, clerk, citizen):
        pad = pair(window, clerk.user)
        first = self.finish(clerk, window)
        second = self.finish(clerk, window)
        assert pad_pending_invitation(pad) == second
        services.rate_on_pad(pad=pad, invitation_id=second.pk, level=5, actor=citizen)
        assert pad_pending_invitation(pad) is None
        with pytest.raises(Conflict) as exc:
            services.rate_on_pad(pad=pad, invitation_id=first.pk, level=1, actor=citizen)
        assert exc.value.code == "not_pending"
        assert "当前服务" in exc.value.message

    def test_skipping_ends_the_prompt_and_keeps_the_link(self, window, clerk, citizen):
        pad = pair(window, clerk.user)
        invitation = self.finish(clerk, window)
        services.skip_pad_prompt(pad=pad, invitation_id=invitation.pk)
        pad.refresh_from_db()
        assert pad_pending_invitation(pad) is None
        with pytest.raises(Conflict):
            services.skip_pad_prompt(pad=pad, invitation_id=invitation.pk)
        assert services.rate_with_link(token=token_of(invitation), level=4, actor=citizen)
        assert pad_pending_invitation(pad) is None
        later = self.finish(clerk, window)
        assert pad_pending_invitation(pad) == later


class TestPadPairingIsHardToAbuse:
    """Issue 17 item 5: more entropy, a short life, an attempt limit, the clerk's own window."""

    @pytest.fixture(autouse=True)
    def _fresh_counts(self):
        from django.core.cache import cache

        cache.clear()

    def test_codes_are_eight_unambiguous_characters_valid_minutes(self, window, clerk):
        pad = services.issue_pairing_code(window=window, actor=clerk.user)
        assert len(pad.pairing_code) == 8
        assert set(pad.pairing_code) <= set(links.PAIRING_ALPHABET)
        assert pad.pairing_expires_at <= timezone.now() + dt.timedelta(minutes=5)
        typed = " " + pad.pairing_code.lower()[:4] + "-" + pad.pairing_code.lower()[4:]
        paired, _token = services.pair_pad(code=typed, client="10.0.0.9")
        assert paired.pk == pad.pk

    def test_wrong_codes_lock_the_client_out_even_for_the_right_code(self, window, clerk):
        from govhall.core.errors import RateLimited

        pad = services.issue_pairing_code(window=window, actor=clerk.user)
        for _attempt in range(services.PAIRING_MAX_FAILURES):
            with pytest.raises(ValidationFailed):
                services.pair_pad(code="ZZZZZZZZ", client="10.0.0.66")
        with pytest.raises(RateLimited):
            services.pair_pad(code=pad.pairing_code, client="10.0.0.66")
        assert services.pair_pad(code=pad.pairing_code, client="10.0.0.7")[0].pk == pad.pk

    def test_wrong_codes_from_many_clients_lock_everyone(self, window, clerk):
        from govhall.core.errors import RateLimited

        pad = services.issue_pairing_code(window=window, actor=clerk.user)
        for n in range(services.PAIRING_MAX_FAILURES_ALL):
            with pytest.raises(ValidationFailed):
                services.pair_pad(code="ZZZZZZZZ", client=f"10.1.{n}.1")
        with pytest.raises(RateLimited):
            services.pair_pad(code=pad.pairing_code, client="10.0.0.8")

    def test_a_clerk_pairs_only_their_own_window(self, center, window, clerk):
        from tests.factories import DepartmentFactory, WindowFactory

        shared = WindowFactory(center=center, departments=[DepartmentFactory(center=center)])
        with pytest.raises(PermissionDenied) as exc:
            services.issue_pairing_code(window=shared, actor=clerk.user)
        assert exc.value.code == "not_own_window"
        assert services.issue_pairing_code(window=shared, actor=center_admin(center))


class TestRectification:
    def test_bad_rating_opens_a_rectification_due_in_15_working_days(self, invitation):
        evaluation = rate_bad(invitation)
        rect = evaluation.rectification
        due = add_workdays(timezone.localdate(evaluation.rated_at), 15)
        assert rect.deadline == due.date
        assert rect.department == evaluation.department
        assert rect.status == Rectification.Status.OPEN
        assert list(rect.events.values_list("kind", flat=True)) == ["opened"]

    def test_deadline_follows_the_centre_setting(self, invitation, center):
        from govhall.feedback.selectors import feedback_settings

        conf = feedback_settings(center_id=center.pk)
        conf.rectification_days = 5
        conf.save()
        evaluation = rate_bad(invitation, level=2)
        due = add_workdays(timezone.localdate(evaluation.rated_at), 5)
        assert evaluation.rectification.deadline == due.date

    def test_full_flow_writes_the_history(self, invitation, admin_user):
        rect = rate_bad(invitation).rectification
        rect = services.verify_rectification(
            rectification=rect, valid=True, reason="态度生硬属实", actor=admin_user
        )
        rect = services.rectify(
            rectification=rect, measures="批评教育,重新办理", kind="immediate", actor=admin_user
        )
        rect = services.record_callback(
            rectification=rect, reached=True, satisfaction="satisfied", actor=admin_user
        )
        rect = services.close_rectification(rectification=rect, actor=admin_user)
        assert rect.status == Rectification.Status.CLOSED
        assert not rect.is_overdue()
        kinds = list(rect.events.values_list("kind", flat=True))
        assert kinds == ["opened", "verified", "rectified", "called_back", "closed"]
        assert rect.history.count() >= 4
        assert OutboxEvent.objects.filter(kind="rating.rectified").count() == 1

    def test_steps_out_of_order_are_refused(self, invitation, admin_user):
        rect = rate_bad(invitation).rectification
        with pytest.raises(InvalidTransition):
            services.close_rectification(rectification=rect, actor=admin_user)
        with pytest.raises(InvalidTransition):
            services.rectify(rectification=rect, measures="x", kind="immediate", actor=admin_user)
        rect.refresh_from_db()
        assert rect.status == Rectification.Status.OPEN
        assert RectificationEvent.objects.count() == 1

    def test_verification_needs_a_reason(self, invitation, admin_user):
        rect = rate_bad(invitation).rectification
        with pytest.raises(ValidationFailed):
            services.verify_rectification(
                rectification=rect, valid=False, reason=" ", actor=admin_user
            )

    def test_overdue_when_past_the_deadline(self, invitation):
        rect = rate_bad(invitation).rectification
        assert rect.is_overdue(rect.deadline + dt.timedelta(days=1))
        assert not rect.is_overdue(rect.deadline)


class TestAppeal:
    def test_upheld_appeal_excludes_the_rating_and_voids_its_rectification(
        self, invitation, make_user, department, admin_user
    ):
        evaluation = rate_bad(invitation)
        lead = make_user(Role.UNIT_LEAD, department=department)
        appeal = services.file_appeal(evaluation=evaluation, reason="恶意差评", actor=lead)
        services.decide_appeal(appeal=appeal, upheld=True, note="查实", actor=admin_user)
        evaluation.refresh_from_db()
        assert evaluation.excluded and Evaluation.objects.filter(pk=evaluation.pk).exists()
        assert evaluation.rectification.status == Rectification.Status.VOID
        kinds = list(evaluation.events.values_list("kind", flat=True))
        assert kinds == ["created", "appeal_filed", "appeal_upheld"]
        upheld = OutboxEvent.objects.get(kind="rating.appeal_upheld")
        assert upheld.payload["excluded"] is True

    def test_rejected_appeal_changes_nothing_and_cannot_be_refiled(
        self, invitation, admin_user, make_user, department
    ):
        evaluation = rate_bad(invitation)
        lead = make_user(Role.UNIT_LEAD, department=department)
        appeal = services.file_appeal(evaluation=evaluation, reason="不服", actor=lead)
        services.decide_appeal(appeal=appeal, upheld=False, actor=admin_user)
        evaluation.refresh_from_db()
        assert not evaluation.excluded
        assert evaluation.rectification.status == Rectification.Status.OPEN
        with pytest.raises(InvalidTransition):
            services.decide_appeal(appeal=appeal, upheld=True, actor=admin_user)
        with pytest.raises(Conflict):
            services.file_appeal(evaluation=evaluation, reason="再次", actor=lead)
        assert Appeal.objects.get().status == Appeal.Status.REJECTED


class TestComplaint:
    def test_flow_with_deduction(self, center, department, clerk, make_user):
        item = ServiceItemFactory(center=center, department=department)
        complaint = services.create_complaint(
            center=center,
            channel=Complaint.Channel.WINDOW,
            content="材料反复要求补充",
            complainant_phone="13700000000",
            staff=clerk,
            item=item,
        )
        assert complaint.department == department
        assert complaint.number.startswith("TS")
        lead = make_user(Role.UNIT_LEAD, department=department)
        complaint = services.assign_complaint(complaint=complaint, assignee=lead, actor=lead)
        with pytest.raises(ValidationFailed):
            services.resolve_complaint(
                complaint=complaint, valid=False, resolution="不属实", deduction=2, actor=lead
            )
        complaint = services.resolve_complaint(
            complaint=complaint, valid=True, resolution="已整改", deduction="2", actor=lead
        )
        with pytest.raises(InvalidTransition):
            services.close_complaint(complaint=complaint, actor=lead)
        services.callback_complaint(
            complaint=complaint, reached=True, satisfaction="satisfied", actor=lead
        )
        complaint = services.close_complaint(complaint=complaint, actor=lead)
        assert complaint.status == Complaint.Status.CLOSED
        assert complaint.deduction == Decimal("2")
        kinds = list(complaint.events.values_list("kind", flat=True))
        assert kinds == ["received", "assigned", "resolved", "called_back", "closed"]

    def test_staff_and_item_of_different_units_need_a_department(
        self, center, department, other_department, clerk
    ):
        item = ServiceItemFactory(center=center, department=other_department)
        with pytest.raises(ValidationFailed):
            services.create_complaint(
                center=center, channel="phone", content="x", staff=clerk, item=item
            )
        with pytest.raises(ValidationFailed):
            services.create_complaint(
                center=center, channel="phone", content="x", department=department, item=item
            )
        assert not Complaint.objects.exists()

    def test_bad_phone_is_refused(self, center):
        with pytest.raises(ValidationFailed):
            services.create_complaint(
                center=center, channel="web", content="x", complainant_phone="12"
            )


class TestAssist:
    def test_record(self, center, department, clerk):
        record = services.record_assist(
            center=center,
            kind=AssistRecord.Kind.HOME_VISIT,
            department=department,
            staff=clerk,
            date=dt.date(2026, 5, 6),
            count=3,
            beneficiary="王五",
            actor=clerk.user,
        )
        assert record.count == 3 and record.recorded_by == clerk.user

    def test_zero_count_and_foreign_staff_are_refused(self, center, department, other_department):
        foreign = StaffProfileFactory(center=center, department=other_department)
        with pytest.raises(ValidationFailed):
            services.record_assist(
                center=center, kind="weekend", department=department, date=dt.date.today(), count=0
            )
        with pytest.raises(ValidationFailed):
            services.record_assist(
                center=center,
                kind="weekend",
                department=department,
                staff=foreign,
                date=dt.date.today(),
            )
        assert not AssistRecord.objects.exists()
