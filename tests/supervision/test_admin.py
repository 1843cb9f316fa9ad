"""The admin: campaigns kept by the centre admin; problems, census and sign-offs read-only."""

import pytest
from django.urls import reverse

from govhall.supervision import services
from govhall.supervision.models import Phase

pytestmark = pytest.mark.django_db


def test_admin_pages_render(client, admin_user, campaign, lead, unit, category):
    problem = services.create_problem(actor=lead, unit=unit, category=category, description="x")
    services.file_census(actor=lead, unit=unit, zero_report=True, signed_by_name="王")
    client.force_login(admin_user)
    for url in [
        reverse("admin:supervision_campaign_changelist"),
        reverse("admin:supervision_campaign_change", args=[campaign.pk]),
        reverse("admin:supervision_problem_changelist"),
        reverse("admin:supervision_problem_change", args=[problem.pk]),
        reverse("admin:supervision_censusreport_changelist"),
        reverse("admin:supervision_signoff_changelist"),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:supervision_campaign_add")).status_code == 403


def test_admin_refuses_phases_out_of_order(client, admin_user, campaign):
    client.force_login(admin_user)
    url = reverse("admin:supervision_campaign_change", args=[campaign.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "center"}
    data["issued_on"] = "2018-05-09"
    data["census_due_0"], data["census_due_1"] = "2018-05-10", "10:00:00"
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = str(len(fs.forms) - fs.extra)
        data[f"{fs.prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        for i, f in enumerate(fs.initial_forms):
            for name, value in f.initial.items():
                if value is not None and name != "center":
                    data[f"{fs.prefix}-{i}-{name}"] = value.pk if hasattr(value, "pk") else value
            data[f"{fs.prefix}-{i}-id"] = f.instance.pk
            data[f"{fs.prefix}-{i}-campaign"] = campaign.pk
    phase_prefix = next(
        f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is Phase
    )
    data[f"{phase_prefix}-0-ends_on"] = "2018-08-01"
    response = client.post(url, data)
    assert response.status_code == 200 and "逐个推后" in response.text
    assert campaign.phases.get(kind="self_check").ends_on.isoformat() == "2018-05-20"
    data[f"{phase_prefix}-0-ends_on"] = "2018-05-25"
    assert client.post(url, data).status_code == 302
    assert campaign.phases.get(kind="self_check").ends_on.isoformat() == "2018-05-25"
