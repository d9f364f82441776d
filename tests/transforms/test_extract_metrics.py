"""Percentages and quantities, and the figures the annotation rules leave out."""

from transforms.extract import extract_facts


def _values(text: str, kind: str) -> list[float]:
    return [m.value for m in extract_facts(text).metrics if m.kind == kind]


def test_percents_ranges_and_decimal_commas() -> None:
    assert _values("Tỷ lệ số hóa đạt 97,5%; cấp xã đạt 70 - 75%.", "percent") == [97.5, 70, 75]


def test_quantities_with_unit_nouns_and_scales() -> None:
    text = "Toàn tỉnh có 12.345 doanh nghiệp, hơn 2,5 triệu hóa đơn điện tử và 18/18 huyện triển khai."
    assert _values(text, "quantity") == [12345, 2_500_000, 18]


def test_excluded_numbers_are_not_quantities() -> None:
    text = (
        "Sáng 10/10/2023, tỉnh tổng kết 9 tháng đầu năm 2023 theo Quyết định số 742/QĐ-UBND; "
        "mạng 4G phủ khắp, phiên bản 2.0 ra đời, người từ 14 tuổi, tăng 12 bậc, xếp thứ 30/63, "
        "Số lượt xem: 125, đạt 0,6012 điểm, nhóm 10-15 địa phương, 98 thuê bao trên 100 dân."
    )
    assert _values(text, "quantity") == [98]


def test_repeated_caption_counts_once_and_offsets_point_at_raw() -> None:
    caption = "100% xã có cáp quang."
    facts = extract_facts(f"{caption}\n{caption}\n")
    assert [m.value for m in facts.metrics] == [100]
    m = facts.metrics[0]
    assert f"{caption}\n{caption}\n"[m.span.start : m.span.end] == m.raw == "100%"


def test_money_is_fully_expanded_into_dong() -> None:
    metric = extract_facts("Tổng vốn đầu tư là 250 tỷ đồng.").metrics[0]
    assert (metric.value, metric.unit, metric.raw) == (250_000_000_000, "đồng", "250 tỷ đồng")


def test_any_lower_case_noun_counts_but_not_time_rank_or_function_words() -> None:
    text = (
        "Ngày hội có 42 gian trưng bày; tỉnh tặng hơn 3.000 điện thoại thông minh và số hóa 1,1 triệu trang "
        "tài liệu. Người dân từ 15 tuổi trong 12 tháng; tăng 11 bậc; DTI 2021 không phải là tổng điểm; "
        "bảng xếp hạng 34 tỉnh, thành phố."
    )
    assert _values(text, "quantity") == [42, 3000, 1_100_000]


def test_amounts_after_a_heading_ending_in_so_and_units_of_area_and_support_points() -> None:
    text = (
        "Kinh tế số: 1.250 hộ kinh doanh bán hàng trực tuyến. Tỉnh có diện tích 4.860 km2, dân số trên "
        "1,2 triệu người, với 42 điểm hỗ trợ kỹ năng số."
    )
    found = [(m.value, m.unit) for m in extract_facts(text).metrics]
    assert found == [(1250, "hộ kinh doanh"), (4860, "km2"), (1_200_000, "người"), (42, "điểm hỗ trợ")]
