"""Named officials with titles; credits and bylines are not people."""

from transforms.extract import extract_facts


def _people(text: str) -> dict[str, tuple[str, ...]]:
    return {p.name: p.titles for p in extract_facts(text).people}


def test_names_after_titles_and_before_title_lists() -> None:
    text = (
        "Các đồng chí: Trần Văn Minh, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh; "
        "Lê Thị Hoa, Giám đốc Sở Nội vụ chủ trì."
        " Phó Chủ tịch UBND tỉnh Đinh Quang Hải phát biểu."
    )
    people = _people(text)
    assert set(people) == {"Trần Văn Minh", "Lê Thị Hoa", "Đinh Quang Hải"}
    assert people["Trần Văn Minh"] == ("Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh")


def test_credits_bylines_and_places_are_not_people() -> None:
    text = "Lãnh đạo tỉnh Lâm Đồng thăm mô hình. Ảnh: Nguyễn Văn Tâm\nQUANG MINH\nHoàng Anh"
    assert _people(text) == {}
