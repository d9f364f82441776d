"""Cited documents with numbers, issue dates and issuers."""

from datetime import date

from transforms.extract import extract_facts


def _refs(text: str) -> set[tuple[str, str, date | None]]:
    return {(r.kind, r.number, r.issued_date) for r in extract_facts(text).legal_refs}


def test_kinds_numbers_and_dates() -> None:
    text = (
        "Thực hiện Nghị quyết số 09-NQ/TU, Quyết định 1234/QĐ-UBND ngày 2/5/2022 của UBND tỉnh và Đề án 06. "
        "Ngày 3/3/2021, UBND tỉnh ban hành Kế hoạch số 45/KH-UBND."
    )
    assert _refs(text) == {
        ("Nghị quyết", "09-NQ/TU", None),
        ("Quyết định", "1234/QĐ-UBND", date(2022, 5, 2)),
        ("Đề án", "06", None),
        ("Kế hoạch", "45/KH-UBND", date(2021, 3, 3)),
    }


def test_committee_names_and_unnumbered_laws_are_not_refs() -> None:
    assert _refs("Ban Chỉ đạo 1287 họp; Luật Giao dịch điện tử năm 2023 có hiệu lực.") == set()


def test_issuer_from_number_suffix() -> None:
    ref = extract_facts("Nghị quyết 52/NQ-CP về kinh tế số.").legal_refs[0]
    assert ref.issuer == "Chính phủ"


def test_action_programmes_and_conclusion_notices() -> None:
    text = (
        "Theo Chương trình hành động số 25-CTr/TU của Thành ủy và Thông báo kết luận số 12-TB/TU; "
        "Sở báo cáo 12 chỉ tiêu."
    )
    assert _refs(text) == {
        ("Chương trình hành động", "25-CTr/TU", None),
        ("Thông báo kết luận", "12-TB/TU", None),
    }
    assert [m.value for m in extract_facts(text).metrics] == [12]
