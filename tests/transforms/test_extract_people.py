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


def test_names_by_structure_after_an_honorific_and_titles_are_not_names() -> None:
    text = (
        "Ở thôn Sín Chải, anh Giàng A Sử, Tổ trưởng tổ công nghệ số cộng đồng, hướng dẫn bà con. "
        "Phát biểu, đồng chí Phó Chủ tịch UBND tỉnh Mai Xuân Liêm đánh giá cao."
    )
    people = _people(text)
    assert set(people) == {"Giàng A Sử", "Mai Xuân Liêm"}
    assert people["Giàng A Sử"] == ("Tổ trưởng tổ công nghệ số cộng đồng",)


def test_the_signatory_under_an_all_caps_title_line() -> None:
    text = "Nơi nhận: UBND tỉnh.\n\nKT. CHÁNH VĂN PHÒNG — PHÓ CHÁNH VĂN PHÒNG\n*(đã ký)*\nLò Văn Khải\n"
    assert _people(text) == {"Lò Văn Khải": ("Phó chánh văn phòng",)}
    assert _people("Hội nghị kết thúc.\nPHÓNG VIÊN\nHoàng Anh") == {}
