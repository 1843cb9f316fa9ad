"""A centre's settings rows exist from its creation on, and reading them never writes."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from govhall.attendance.models import AttendanceSettings, ViolationCategory
from govhall.attendance.selectors import DEFAULT_CATEGORIES, attendance_settings, categories_for
from govhall.cases.models import CaseSettings
from govhall.cases.selectors import case_settings
from govhall.catalog.models import CatalogSettings
from govhall.catalog.selectors import catalog_settings
from govhall.core.compiled import statement_sql
from govhall.core.models import Center
from govhall.core.settings_rows import rows_for_existing_centers
from govhall.exchange.models import ExchangeSettings
from govhall.exchange.selectors import exchange_settings
from govhall.feedback.models import FeedbackSettings
from govhall.feedback.selectors import feedback_settings
from govhall.performance.models import BulletinSettings
from govhall.performance.selectors import bulletin_settings
from govhall.queueing.models import QueueSettings
from govhall.queueing.selectors import queue_settings, settings_of
from govhall.supervision.models import SupervisionSettings
from govhall.supervision.selectors import supervision_settings
from tests.factories import CenterFactory, UserFactory

pytestmark = pytest.mark.django_db

READS = [
    (AttendanceSettings, attendance_settings),
    (BulletinSettings, bulletin_settings),
    (CaseSettings, case_settings),
    (CatalogSettings, catalog_settings),
    (ExchangeSettings, exchange_settings),
    (FeedbackSettings, feedback_settings),
    (QueueSettings, queue_settings),
    (SupervisionSettings, supervision_settings),
]
MODELS = [model for model, _read in READS]


def test_a_new_centre_has_one_row_of_each_settings_and_the_default_categories(center):
    assert [model.objects.filter(center=center).count() for model in MODELS] == [1] * len(MODELS)
    names = list(categories_for(center.pk).values_list("name", flat=True))
    assert names == [name for name, _points in DEFAULT_CATEGORIES]


def test_a_centre_without_categories_reads_none_and_nothing_is_written(
    django_assert_num_queries, center
):
    ViolationCategory.objects.filter(center=center).delete()
    with django_assert_num_queries(1):
        assert list(categories_for(center.pk)) == []
    assert not ViolationCategory.objects.filter(center=center).exists()


def test_the_data_migration_gives_the_centres_without_categories_the_defaults(center):
    kept = ViolationCategory.objects.filter(center=CenterFactory())
    kept.exclude(name="其他").delete()
    ViolationCategory.objects.filter(center=center).delete()
    migration = import_module(
        "govhall.attendance.migrations.0005_default_violation_categories_for_every_center"
    )
    migration.forward(apps, None)
    assert categories_for(center.pk).count() == len(DEFAULT_CATEGORIES)
    assert list(kept.values_list("name", flat=True)) == ["其他"]


@pytest.mark.parametrize(("model", "read"), READS)
def test_reading_is_one_query_of_the_saved_row(django_assert_num_queries, center, model, read):
    with django_assert_num_queries(1):
        found = read(center_id=center.pk)
    assert found == model.objects.get(center=center)


@pytest.mark.parametrize(("model", "read"), READS)
def test_a_centre_without_its_row_reads_the_defaults_and_nothing_is_written(
    django_assert_num_queries, center, model, read
):
    model.objects.filter(center=center).delete()
    with django_assert_num_queries(1) as queries:
        found = read(center_id=center.pk)
    assert not [
        q for q in queries.captured_queries if not statement_sql(q["sql"]).startswith("SELECT")
    ]
    assert found.pk is None
    assert found.center_id == center.pk
    assert not model.objects.filter(center=center).exists()


def test_a_loaded_centre_without_its_queue_row_reads_the_defaults_without_a_query(
    django_assert_num_queries, center
):
    QueueSettings.objects.filter(center=center).delete()
    loaded = Center.objects.select_related("queue_settings").get(pk=center.pk)
    with django_assert_num_queries(0):
        found = settings_of(loaded)
    assert found.pk is None
    assert found.recall_limit == QueueSettings._meta.get_field("recall_limit").default


@pytest.mark.parametrize("model", MODELS)
def test_the_data_migration_gives_the_centres_without_a_row_theirs(center, model):
    bare = CenterFactory()
    model.objects.filter(center__in=[center, bare]).delete()
    other = model.objects.get(center=CenterFactory())
    migration = rows_for_existing_centers(model._meta.app_label, model.__name__)
    migration.code(apps, None)
    migration.code(apps, None)  # a second run finds nothing missing
    assert model.objects.filter(center__in=[center, bare]).count() == 2
    assert model.objects.get(center=other.center_id) == other


def test_a_centre_added_in_the_admin_has_its_settings_to_edit(client):
    client.force_login(UserFactory(center=None, is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:core_center_add"),
        {"name": "新建市民中心", "level": Center.Level.COUNTY, "region_code": "411721"},
    )
    assert response.status_code == 302
    center = Center.objects.get(region_code="411721")
    for model in MODELS:
        row = model.objects.get(center=center)
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
        assert client.get(reverse(name, args=[row.pk])).status_code == 200, model
    row = SupervisionSettings.objects.get(center=center)
    url = reverse("admin:supervision_supervisionsettings_change", args=[row.pk])
    assert client.post(url, {"signoff_requires_confirmation": "on"}).status_code == 302
    row.refresh_from_db()
    assert row.signoff_requires_confirmation
