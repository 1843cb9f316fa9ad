import pytest

from govhall.core.models import Center
from tests.exchange.factories import ExchangeSettingsFactory, RemoteCenterFactory
from tests.factories import CenterFactory


@pytest.fixture
def province():
    return CenterFactory(level=Center.Level.PROVINCE, name="省政务服务中心", region_code="410000")


@pytest.fixture
def remote(province, center):
    """`center` registered at the province as a sending centre."""
    return RemoteCenterFactory(center=province, name=center.name, region_code=center.region_code)


@pytest.fixture
def push_settings(center, remote):
    """`center` pushes with the key the province holds for it."""
    return ExchangeSettingsFactory(center=center, key_id=remote.key_id, secret=remote.secret)


@pytest.fixture
def other_center():
    return CenterFactory()
