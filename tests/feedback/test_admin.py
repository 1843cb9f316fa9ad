import pytest
from django.urls import reverse

from govhall.core.roles import Role
from govhall.feedback import links, services
from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    Complaint,
    Evaluation,
    FeedbackSettings,
    Invitation,
    RatingPad,
    Rectification,
    default_aspects,
)
from tests.feedback.factories import served_ticket

pytestmark = pytest.mark.django_db

MODELS = [
    Appeal,
    AssistRecord,
    Complaint,
    Evaluation,
    FeedbackSettings,
    Invitation,
    RatingPad,
    Rectification,
]


@pytest.fixture
def data(clerk, window, admin_user, center, make_user, department):
    invitation = services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
    )
    evaluation = services.rate_with_link(
        token=links.sign_invitation(invitation.pk), level=1, rater_name="李四"
    )
    lead = make_user(Role.UNIT_LEAD, department=department)
    services.file_appeal(evaluation=evaluation, reason="x", actor=lead)
    services.create_complaint(center=center, channel="web", content="x")
    services.issue_pairing_code(window=window, actor=clerk.user)
    return evaluation


@pytest.fixture
def superuser_client(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_pages_render(superuser_client, data, model):
    opts = model._meta
    page = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert page.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        detail = superuser_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
        assert detail.status_code == 200
        assert "13800000001" not in detail.content.decode()
        # The change page's 历史 button: the model's history rows, or Django's own log for a
        # model that keeps none (ratings and invitations are never changed once written).
        history = superuser_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        )
        assert history.status_code == 200
        assert "李四" not in history.content.decode()


def test_ratings_cannot_be_deleted_in_admin(superuser_client, data):
    url = reverse("admin:feedback_evaluation_delete", args=[data.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert Evaluation.objects.filter(pk=data.pk).exists()


def post_settings(client, center, aspects, rectification_days=15):
    conf = FeedbackSettings.objects.get(center=center)
    url = reverse("admin:feedback_feedbacksettings_change", args=[conf.pk])
    data = {
        "center": center.pk,
        "rectification_days": rectification_days,
        "complaint_days": 5,
        "invitation_valid_days": 7,
        "pad_prompt_minutes": 10,
        "aspects": aspects,
    }
    return client.post(url, data), conf


@pytest.mark.parametrize(
    "aspects",
    ['"承诺履行、服务态度"', '["服务态度", ""]', '["服务态度", "服务态度"]', "[1, 2]", '{"a": 1}'],
)
def test_the_aspects_are_a_list_of_names(superuser_client, center, aspects):
    """分项评价 is the centre's list: one text (the rating page would offer each of its characters
    and accept any piece of it), blanks, repeats and numbers are refused, nothing saved."""
    response, conf = post_settings(superuser_client, center, aspects)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    conf.refresh_from_db()
    assert conf.aspects == default_aspects()


def test_the_centres_own_aspects_are_saved(superuser_client, center):
    response, conf = post_settings(
        superuser_client, center, '["服务态度", "办事效率"]', rectification_days=5
    )
    assert response.status_code == 302
    conf.refresh_from_db()
    assert (conf.aspects, conf.rectification_days) == (["服务态度", "办事效率"], 5)
