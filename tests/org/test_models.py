"""How a window names itself, in each language of the interface."""

from django.utils import translation

from govhall.org.models import Window


def test_a_window_reads_as_its_number_and_name_in_the_users_language():
    window = Window(number="22", name="市场监管窗口4")
    with translation.override("zh-hans"):
        assert str(window) == "22号 市场监管窗口4"
    with translation.override("en"):
        assert str(window) == "Window 22 市场监管窗口4"
