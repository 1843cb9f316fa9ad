import threading

import pytest
from django.db import connection

from govhall.core.errors import Conflict
from govhall.feedback import links, services
from govhall.feedback.models import Evaluation
from tests.feedback.factories import served_ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_one_link_used_twice_at_once_gives_one_rating(clerk, window):
    invitation = services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
    )
    token = links.sign_invitation(invitation.pk)
    barrier = threading.Barrier(4)
    outcomes = []

    def rate(level):
        barrier.wait()
        try:
            services.rate_with_link(token=token, level=level)
            outcomes.append("rated")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(level,)) for level in (1, 2, 4, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["rated", "refused", "refused", "refused"]
    assert Evaluation.objects.count() == 1
