"""Printed dates, publication stamps and the year of a day/month event line."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.extract.dates import event_date, parse_date, published_date
from transforms.extract.sentences import split_sentences


def _event(text: str, pub: date | None = None) -> date | None:
    return event_date(text, split_sentences(text), pub)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(["/", "-", "."]),
       st.booleans())  # fmt: skip
def test_day_month_year_variants_round_trip(d: date, sep: str, pad: bool) -> None:
    day, month = (f"{d.day:02d}", f"{d.month:02d}") if pad else (str(d.day), str(d.month))
    assert parse_date(f"ban hành ngày {day}{sep}{month}{sep}{d.year} về") == d


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_wordy_dates_round_trip(d: date) -> None:
    assert parse_date(f"ngày {d.day} tháng {d.month} năm {d.year}") == d


def test_published_from_stamp_and_header_lines() -> None:
    assert published_date(" date 2025-08-06 Tiêu đề") == date(2025, 8, 6)
    assert published_date(" date 2024-10 Tiêu đề") is None  # month-only stamp
    assert published_date("Tiêu đề\n\nCập nhật ngày: 03/04/2021 08:00:00\n") == date(2021, 4, 3)
    assert published_date("Tiêu đề\nMinh An - 09:15, 02/11/2022\n") == date(2022, 11, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sáng 12-1, Sở tổ chức hội nghị tổng kết năm 2023, triển khai nhiệm vụ năm 2024.",
            date(2024, 1, 12),
        ),
        ("Chiều 27/12, tỉnh tổ chức hội nghị tổng kết năm 2023, triển khai năm 2024.", date(2023, 12, 27)),
        ("Sáng 4.3, UBND tỉnh họp đánh giá kết quả chuyển đổi số trong năm 2021.", date(2022, 3, 4)),
        ("Sáng 20/6, tỉnh tổ chức Ngày hội chuyển đổi số năm 2024.", date(2024, 6, 20)),
        ("Sáng 8/8, Bộ công bố Chỉ số chuyển đổi số (DTI) năm 2021 của các tỉnh.", date(2022, 8, 8)),
    ],
)
def test_event_year_from_the_texts_own_clues(text: str, expected: date) -> None:
    assert _event(text) == expected


def test_issuing_a_document_is_not_the_event() -> None:
    assert _event("Ngày 5/5/2023, UBND tỉnh ban hành Quyết định số 12/QĐ-UBND về chuyển đổi số.") is None


def test_store_stamp_year_resolves_a_day_month() -> None:
    assert _event(" date 2024-10 Tin\nSáng 3/10, lãnh đạo tỉnh chủ trì cuộc họp.") == date(2024, 10, 3)


def test_unresolvable_year_gives_none() -> None:
    assert _event("Sáng 3/10, lãnh đạo tỉnh chủ trì cuộc họp.") is None


def test_a_printed_publication_date_beats_the_years_the_sentence_discusses() -> None:
    text = "Sáng 9/12, UBND tỉnh tổ chức hội nghị phân tích kết quả Chỉ số DTI năm 2024."
    assert _event(text, date(2025, 12, 10)) == date(2025, 12, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tiêu đề\n\n22/4/2025\n\nNội dung.", date(2025, 4, 22)),
        ("Tiêu đề\n15/08/2025 | 10:12\nNội dung.", date(2025, 8, 15)),
        ("Tiêu đề\n> 30/9/2025 · Chuyên mục: Chuyển đổi số\n", date(2025, 9, 30)),
        ("Tiêu đề\n\nLào Cai, ngày 12/4/2023 - " + "Các tổ công nghệ số cộng đồng " * 8, date(2023, 4, 12)),
        ("UBND TỈNH\nSố: 856/BC-STTTT — *Bắc Ninh, ngày 28 tháng 6 năm 2024*\n", date(2024, 6, 28)),
    ],
)
def test_date_lines_datelines_and_official_place_date_lines(text: str, expected: date) -> None:
    assert published_date(text) == expected


def test_an_issuance_story_dates_the_issuance_and_a_notice_its_own_date() -> None:
    story = "TỈNH ỦY BAN HÀNH NGHỊ QUYẾT\nNgày 16/3/2021, Ban Thường vụ Tỉnh ủy ban hành Nghị quyết."
    assert _event(story) == date(2021, 3, 16)
    plain = "Tổ công nghệ số\nNgày 16/3/2021, Ban Thường vụ Tỉnh ủy ban hành Nghị quyết."
    assert _event(plain) is None
    notice = "THÔNG BÁO: Vận hành Cổng dịch vụ công\nKể từ ngày 01/8/2020, Cổng chính thức vận hành."
    assert _event(notice, date(2020, 7, 15)) == date(2020, 7, 15)


def test_yesterday_with_day_month_is_the_event() -> None:
    text = "Hôm qua (21/9), Ban Chỉ đạo chuyển đổi số tỉnh họp phiên thứ hai."
    assert _event(text, date(2023, 9, 22)) == date(2023, 9, 21)


def test_announcement_verb_before_a_time_of_day_dates_the_event() -> None:
    text = (
        "Theo bảng xếp hạng Chỉ số chuyển đổi số năm 2022 được Bộ Thông tin và Truyền thông công bố "
        "sáng 25/7, tỉnh Phú Yên xếp thứ 40/63."
    )
    assert _event(text, date(2023, 7, 27)) == date(2023, 7, 25)


def test_a_cited_announcement_date_is_not_the_event() -> None:
    text = (
        "Theo Chỉ số chuyển đổi số năm 2021 do Bộ Thông tin và Truyền thông công bố ngày 8/8/2022, "
        "tỉnh đạt 0,41 điểm, xếp thứ 30/63."
    )
    assert _event(text) is None


def test_a_decision_that_publishes_results_is_the_announcement() -> None:
    text = (
        "Ngày 3/12/2024, UBND tỉnh Hà Nam ban hành Quyết định số 901/QĐ-UBND công bố kết quả xếp hạng "
        "chỉ số chuyển đổi số các sở, ngành năm 2024."
    )
    assert _event(text) == date(2024, 12, 3)


@given(
    st.dates(min_value=date(2016, 1, 1), max_value=date(2029, 12, 31)),
    st.sampled_from(["14h", "8 giờ 30", "Lúc 9h"]),
)
def test_a_clock_time_or_a_wordy_date_opens_the_event_line(d: date, clock: str) -> None:
    assert _event(f"{clock} ngày {d.day}/{d.month}/{d.year}, Ban Chỉ đạo tổ chức hội nghị.") == d
    assert _event(f"Sáng nay ngày {d.day} tháng {d.month} năm {d.year}, Ban Chỉ đạo họp định kỳ.") == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a review held early in the next year; a plan made early in its year; both in December
        ("Sáng 18/2, Ban chỉ đạo họp đánh giá kết quả chuyển đổi số trong năm 2021.", date(2022, 2, 18)),
        (
            "Ngày 20/2, Ban Điều hành họp đánh giá việc thực hiện Kế hoạch số 12 ngày 3/8/2022; góp ý "
            "hoàn chỉnh kế hoạch chuyển đổi số năm 2023.",
            date(2023, 2, 20),
        ),
        (
            "Chiều 24/12, Ban chỉ đạo tổng kết hoạt động năm 2021 và triển khai phương hướng, "
            "nhiệm vụ năm 2022.",
            date(2021, 12, 24),
        ),
    ],
)
def test_reviewed_and_planned_years(text: str, expected: date) -> None:
    assert _event(text) == expected


def test_someone_reporting_an_issuance_on_a_day_is_the_event() -> None:
    text = "Ngày 5-11, UBND tỉnh cho biết vừa ban hành kế hoạch chuyển đổi số năm 2024."
    assert _event(text, date(2024, 11, 6)) == date(2024, 11, 5)


def test_an_administrative_document_is_dated_by_its_own_dateline() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nSố: 52/KH-UBND\n\n"
        "Sóc Trăng, ngày 9 tháng 3 năm 2024\n\nKẾ HOẠCH\nChuyển đổi số năm 2024\n"
    )
    assert _event(text) == date(2024, 3, 9)
