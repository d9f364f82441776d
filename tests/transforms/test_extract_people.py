"""Named officials with titles; credits and bylines are not people."""

import pytest

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


def test_apostrophe_names_and_short_later_mentions() -> None:
    text = (
        "Chúng tôi gặp anh Rơ Châm K'Dương, Tổ trưởng Tổ công nghệ số cộng đồng thôn 3. "
        "Chị H'Lan, thành viên tổ, hướng dẫn bà con cài ứng dụng. "
        "Ông Y Sơn M'Lô, Phó Giám đốc Sở Nội vụ tỉnh Gia Lai, cho biết. "
        "Anh K'Dương cười nói."
    )
    assert set(_people(text)) == {"Rơ Châm K'Dương", "H'Lan", "Y Sơn M'Lô"}


def test_honorific_for_elders() -> None:
    assert set(_people("Tổ giúp cụ Lê Văn Tư, 80 tuổi, gọi video cho con cháu.")) == {"Lê Văn Tư"}


def test_a_place_ending_a_title_is_not_another_person() -> None:
    text = "Bà Trịnh Thị Mai, Trưởng phòng Văn hóa và Thông tin huyện Lục Yên, chia sẻ kinh nghiệm."
    assert set(_people(text)) == {"Trịnh Thị Mai"}


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        # a long title ending in the province, then the name
        (
            "Phó Trưởng ban Thường trực Ban Chỉ đạo Chuyển đổi số tỉnh Cà Mau Lâm Văn Bi chủ trì hội nghị.",
            "Lâm Văn Bi",
            "Phó Trưởng ban Thường trực Ban Chỉ đạo Chuyển đổi số tỉnh Cà Mau",
        ),
        # a province whose last syllable is also a family name ("Tây Ninh", "Ninh ...")
        (
            "Chủ tịch UBND tỉnh Tây Ninh Trần Văn Chiến phát biểu.",
            "Trần Văn Chiến",
            "Chủ tịch UBND tỉnh Tây Ninh",
        ),
        # a title glued to the name with no comma
        (
            "Ông Phan Văn Mãi Giám đốc Sở Thông tin và Truyền thông tỉnh phát biểu.",
            "Phan Văn Mãi",
            "Giám đốc Sở Thông tin và Truyền thông tỉnh",
        ),
        # a family name missing from the list, after "các đồng chí:"
        (
            "Dự hội nghị có các đồng chí: Sầm Văn Bình, Bí thư Tỉnh ủy; Lò Thị Mai, Phó Chủ tịch UBND tỉnh.",
            "Sầm Văn Bình",
            "Bí thư Tỉnh ủy",
        ),
    ],
)
def test_names_beside_long_glued_or_listed_titles(text: str, name: str, title: str) -> None:
    people = {p.name: p.titles for p in extract_facts(text).people}
    assert title in people[name]
    assert all(not n.startswith(("Ninh", "Giám")) and not n.endswith("Giám") for n in people)


def test_titles_after_and_belong_to_the_next_person() -> None:
    text = "Hội nghị do Chủ tịch UBND tỉnh ông Võ Văn Hưng và Phó Chủ tịch UBND tỉnh ông Hà Sỹ Đồng chủ trì."
    people = {p.name: p.titles for p in extract_facts(text).people}
    assert people == {"Võ Văn Hưng": ("Chủ tịch UBND tỉnh",), "Hà Sỹ Đồng": ("Phó Chủ tịch UBND tỉnh",)}
