"""Results apart from targets, with the period and the level of government a figure is about."""

from datetime import date

import pytest

from transforms.extract import extract_facts


def _figures(text: str) -> list[tuple[float, bool, int | None]]:
    return [(m.value, m.target, m.target_year) for m in extract_facts(text).metrics]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a plan's goals, and the deadline it names
        (
            "Theo kế hoạch, đến cuối năm 2026, tỉnh phấn đấu tỷ lệ hồ sơ trực tuyến đạt 80%.",
            [(80, True, 2026)],
        ),
        ("Năm 2024, thành phố đặt ra chỉ tiêu 95% hộ gia đình có cáp quang.", [(95, True, 2024)]),
        # a sentence that goes on with the targets of the one before
        (
            "Kế hoạch năm 2025 đặt mục tiêu 60% dân số có chữ ký số. Đồng thời, 90% người trưởng thành "
            "có tài khoản thanh toán.",
            [(60, True, 2025), (90, True, 2025)],
        ),
        # achievements, also those measured against the plan
        (
            "Năm 2023, tỷ lệ hồ sơ trực tuyến đạt 57,4%, hoàn thành 92% kế hoạch.",
            [(57.4, False, None), (92, False, None)],
        ),
        ("Đến nay, tỉnh đã hoàn thành các nhiệm vụ đặt ra, 100% xã có cáp quang.", [(100, False, None)]),
        (
            "Tỷ lệ ký số đạt 70% (đạt 100% mục tiêu); 85% hồ sơ được số hóa.",
            [(70, False, None), (100, False, None), (85, False, None)],
        ),
    ],
)
def test_targets_and_results(text: str, expected: list[tuple[float, bool, int | None]]) -> None:
    assert _figures(text) == expected


def test_the_period_a_figure_describes() -> None:
    text = (
        "Trong 9 tháng đầu năm 2024, tỷ lệ hồ sơ trực tuyến đạt 61%. Quý II/2025, tỷ lệ ký số đạt 88%. "
        "Năm 2023, có 1.200 doanh nghiệp công nghệ số, tăng 12% so với năm 2022."
    )
    periods = [(m.value, m.period_start, m.period_end) for m in extract_facts(text).metrics]
    assert periods == [
        (61, date(2024, 1, 1), date(2024, 9, 30)),
        (88, date(2025, 4, 1), date(2025, 6, 30)),
        (1200, date(2023, 1, 1), date(2023, 12, 31)),
        (12, date(2023, 1, 1), date(2023, 12, 31)),
    ]


def test_a_figure_with_no_period_is_as_of_the_event() -> None:
    facts = extract_facts("Sáng 12/3/2024, Ban Chỉ đạo họp. Toàn tỉnh có 95% hồ sơ được số hóa.")
    assert [(m.period_start, m.period_end) for m in facts.metrics] == [(date(2024, 3, 12), date(2024, 3, 12))]


def test_the_level_of_government_named_beside_a_figure() -> None:
    text = "Tỷ lệ hồ sơ phát sinh trực tuyến đạt 55% đối với cấp tỉnh, 40% đối với cấp huyện và 20% cấp xã."
    assert [(m.value, m.level) for m in extract_facts(text).metrics] == [
        (55, "province"),
        (40, "district"),
        (20, "commune"),
    ]


def test_goals_listed_under_a_heading_that_announces_them() -> None:
    text = (
        "Nghị quyết về chuyển đổi số của tỉnh\n"
        "Mục tiêu đến năm 2026\n"
        "Về chính quyền số: 90% hồ sơ công việc cấp huyện được xử lý trên môi trường mạng.\n"
        "Kết quả năm 2023\n"
        "Tỷ lệ hồ sơ trực tuyến đạt 61%.\n"
    )
    assert _figures(text) == [(90, True, 2026), (61, False, None)]


def test_measures_that_reached_a_level_are_no_goals() -> None:
    text = "Một số chỉ tiêu của tỉnh mới đạt khá: 96,8% hồ sơ công việc cấp tỉnh được xử lý trên mạng."
    assert _figures(text) == [(96.8, False, None)]


def test_a_deadline_written_as_a_period_with_toned_words() -> None:
    text = (
        "Tỉnh dự kiến bố trí khoảng 1.350 tỷ đồng cho chuyển đổi số giai đoạn 2021 - 2025; toàn quốc đạt 45%."
    )
    first = extract_facts(text).metrics[0]
    assert (first.value, first.target, first.target_year) == (1_350_000_000_000, True, 2025)
