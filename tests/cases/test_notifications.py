"""A completed case tells its applicant to collect the result, once."""

import pytest
from django.utils import timezone

from govhall.cases import notifications, services
from govhall.notify.models import Notification
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def test_a_completed_case_is_announced_once(center, department):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    done = accept(item, phone="13800000002")
    accept(item, phone="13800000003")  # still running: nothing to collect
    services.complete_case(actor=None, case=done, approved=True)
    now = timezone.now()
    assert notifications.completed_cases_to_collect(at=now) == 1
    assert notifications.completed_cases_to_collect(at=now) == 0
    [sms] = Notification.objects.filter(kind="case_ready")
    done.refresh_from_db()
    assert (sms.subject_id, sms.phone) == (done.pk, "13800000002") and done.number in sms.text
