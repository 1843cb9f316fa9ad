"""The guide search's relevance: where the query is found decides the order, on any database."""

import pytest

from govhall.catalog.search import Document, Query, bigrams, normalise, split_keywords
from govhall.catalog.selectors import GuideQuery, search_items
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    ThemeFactory,
)


def found(center, q, **filters):
    query = GuideQuery(q=q, **filters)
    return [i.name for i in search_items(center_id=center.pk, query=query)]


def test_normalise_folds_width_case_and_punctuation():
    assert normalise("《公司登记(备案)申请书》") == "公司登记备案申请书"
    assert normalise("ＡＢＣ-１２") == "abc12"
    assert bigrams("结婚登记") == {"结婚", "婚登", "登记"}
    assert bigrams("税") == {"税"}
    assert split_keywords("营业执照、开公司,注册公司\n办执照; 新办企业") == [
        "营业执照",
        "开公司",
        "注册公司",
        "办执照",
        "新办企业",
    ]


def test_kinds_of_field_rank_in_order():
    query = Query("护照")
    exact = Document(name="护照")
    named = Document(name="普通护照签发")
    keyword = Document(name="出入境证件办理", keywords=["护照"])
    place = Document(name="签注", places=["护照签证科"])
    text = Document(name="出国登记", texts=["本人护照"])
    nothing = Document(name="结婚登记", texts=["户口簿"])
    scores = [d.score(query) for d in (exact, named, keyword, place, text, nothing)]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    assert scores[-1] == 0


def test_a_keyword_typed_exactly_beats_one_containing_the_query():
    query = Query("开公司")
    assert Document(name="甲", keywords=["开公司"]).score(query) > Document(
        name="乙", keywords=["开公司流程"]
    ).score(query)


def test_partial_phrases_match_by_bigrams_below_whole_matches():
    query = Query("营业执照办理")  # 营业 业执 执照 (of 5 bigrams) are in the keyword
    partial = Document(name="企业设立登记", keywords=["营业执照"])
    assert partial.score(query) > 0
    assert partial.score(query) < Document(name="甲", places=["营业执照办理窗口"]).score(query)
    # too few of its bigrams: no match
    assert Document(name="事项", texts=["办理时间"]).score(query) == 0
    # a two-character word must be found whole
    assert Document(name="结算").score(Query("结婚")) == 0


def test_every_word_must_match():
    document = Document(name="企业设立登记", texts=["公司章程"])
    assert document.score(Query("登记 章程")) > document.score(Query("登记"))
    assert document.score(Query("登记 户口簿")) == 0
    assert document.score(Query("  ")) == 0


@pytest.mark.django_db
class TestSearchItems:
    @pytest.fixture
    def hall(self, center):
        market = DepartmentFactory(center=center, name="市场监督管理局", short_name="市场监管")
        civil = DepartmentFactory(center=center, name="民政局", short_name="民政")
        police = DepartmentFactory(center=center, name="公安局", short_name="公安")
        marriage_theme = ThemeFactory(center=center, name="婚姻登记")
        birth = ServiceItemFactory(center=center, department=police, name="出生登记", code="A1")
        MaterialFactory(item=birth, name="结婚证")
        MaterialFactory(item=birth, name="居民户口簿")
        divorce = ServiceItemFactory(center=center, department=civil, name="离婚登记", code="A2")
        divorce.themes.add(marriage_theme)
        MaterialFactory(item=divorce, name="结婚证")
        marriage = ServiceItemFactory(
            center=center,
            department=civil,
            name="结婚登记",
            code="A3",
            keywords="结婚、领证、登记结婚",
        )
        marriage.themes.add(marriage_theme)
        company = ServiceItemFactory(
            center=center,
            department=market,
            name="企业设立登记",
            code="B1",
            keywords="营业执照、开公司、注册公司",
        )
        MaterialFactory(item=company, name="公司章程")
        lost = ServiceItemFactory(
            center=center, department=market, name="营业执照遗失补领", code="B2"
        )
        MaterialFactory(item=lost, name="遗失声明")
        change = ServiceItemFactory(
            center=center, department=market, name="企业变更登记", code="B3"
        )
        MaterialFactory(item=change, name="营业执照")
        ServiceItemFactory(
            center=center, department=civil, name="结婚登记预约", is_active=False, code="C1"
        )
        return {"market": market, "civil": civil}

    def test_marriage_lists_the_marriage_registration_first(self, center, hall):
        # the other two only ask for a 结婚证: a tie, in the catalogue's order
        assert found(center, "结婚") == ["结婚登记", "出生登记", "离婚登记"]
        assert found(center, "领证") == ["结婚登记"]

    def test_licence_finds_company_registration_by_keyword(self, center, hall):
        # name containing the words, then the keyword, then the item that only asks for it
        assert found(center, "营业执照") == ["营业执照遗失补领", "企业设立登记", "企业变更登记"]
        assert found(center, "注册公司") == ["企业设立登记"]

    def test_exact_name_first_then_department(self, center, hall):
        assert found(center, "结婚登记")[0] == "结婚登记"
        assert found(center, "民政") == ["离婚登记", "结婚登记"]  # catalogue order on a tie
        assert found(center, "B2") == ["营业执照遗失补领"]

    def test_filters_apply_before_ranking(self, center, hall):
        assert found(center, "结婚", department_id=hall["civil"].pk) == ["结婚登记", "离婚登记"]
        assert found(center, "营业执照", department_id=hall["civil"].pk) == []

    def test_nothing_and_punctuation(self, center, hall):
        assert found(center, "没有这个事项") == []
        assert found(center, "《》") == found(center, "")
