"""DTI ranks: pillar, edition, province, denominator and score, and what is not a DTI rank."""

from datetime import date

from transforms.extract import extract_facts


def _ranks(text: str) -> set[tuple[str | None, int | None, str, int]]:
    return {(r.province_code, r.year, r.pillar, r.rank) for r in extract_facts(text).rankings}


def test_overall_and_pillar_ranks_with_denominator() -> None:
    text = (
        "Theo kết quả Chỉ số chuyển đổi số (DTI) năm 2022, Nam Định xếp thứ 21/63, trong đó, "
        "chính quyền số xếp thứ 15/63, kinh tế số xếp 30/63."
    )
    assert _ranks(text) == {("36", 2022, "overall", 21), ("36", 2022, "digital_government", 15),
                            ("36", 2022, "digital_economy", 30)}  # fmt: skip


def test_spelled_ordinals_and_pillar_after_the_rank() -> None:
    text = (
        "Năm 2023, trong bảng xếp hạng DTI, Phú Yên đứng thứ hai về chỉ số thể chế số; "
        "xếp hạng chín ở hạ tầng số."
    )
    assert _ranks(text) == {("54", 2023, "institutions", 2), ("54", 2023, "digital_infrastructure", 9)}


def test_other_indexes_and_rank_changes_are_not_dti_ranks() -> None:
    text = (
        "Năm 2022, Sơn La đứng thứ 40/63 về chỉ số chuyển đổi số (DTI), tăng 5 bậc so với năm 2021; "
        "chỉ số PAR Index của tỉnh đứng thứ 12/63."
    )
    assert _ranks(text) == {("14", 2022, "overall", 40)}


def test_top_groups_and_agency_heads_are_not_ranks() -> None:
    text = "Chỉ số chuyển đổi số năm 2022: tỉnh vào top 10 tỉnh dẫn đầu; người đứng đầu phải gương mẫu."
    assert _ranks(text) == set()


def test_score_and_out_of_are_kept() -> None:
    text = "Chỉ số chuyển đổi số năm 2021: Long An đạt 0,5123 điểm, xếp thứ 9/63."
    ranking = extract_facts(text).rankings[0]
    assert (ranking.rank, ranking.out_of, ranking.score) == (9, 63, 0.5123)


def test_other_provinces_in_brackets_and_leader_named_after_the_rank() -> None:
    text = (
        "Chỉ số chuyển đổi số (DTI) năm 2022: Sóc Trăng xếp thứ 40/63, đứng sau Long An (11/63), "
        "Hậu Giang (17/63). Dẫn đầu cả nước là thành phố Đà Nẵng."
    )
    assert _ranks(text) == {("94", 2022, "overall", 40), ("80", 2022, "overall", 11),
                            ("93", 2022, "overall", 17), ("48", 2022, "overall", 1)}  # fmt: skip


def test_table_rows_and_pillars_sharing_one_rank() -> None:
    text = (
        "Chỉ số chuyển đổi số năm 2021 của Nam Định\n| Trụ cột | Thứ hạng |\n|---|---|\n"
        "| Hạ tầng số | 8/63 |\nVề trụ cột, kinh tế số và xã hội số cùng xếp thứ 6/63."
    )
    assert _ranks(text) == {("36", 2021, "digital_infrastructure", 8), ("36", 2021, "digital_economy", 6),
                            ("36", 2021, "digital_society", 6)}  # fmt: skip


def test_weekdays_table_sizes_and_years_are_not_ranks() -> None:
    text = (
        "Thứ Tư, 10/12/2025 14:20\nTrong bảng xếp hạng 34 tỉnh, thành phố của Chỉ số chuyển đổi số, "
        "mục tiêu trong bảng xếp hạng năm 2025 là vào nhóm đầu."
    )
    assert _ranks(text) == set()


def test_compared_year_and_years_listed_in_brackets() -> None:
    text = (
        "Chỉ số chuyển đổi số (DTI) năm 2023: Cà Mau xếp thứ 47/63, tăng 11 bậc so với năm 2022 (58/63). "
        "Trước đó, Cà Mau hai năm liền xếp thứ 60 (2020, 2021)."
    )
    assert _ranks(text) == {("96", 2023, "overall", 47), ("96", 2022, "overall", 58),
                            ("96", 2020, "overall", 60), ("96", 2021, "overall", 60)}  # fmt: skip


def test_a_province_named_in_an_aside_is_not_the_one_ranked() -> None:
    text = "Chỉ số chuyển đổi số năm 2023: Bạc Liêu – địa phương sắp hợp nhất với Cà Mau – xếp thứ 52/63."
    assert _ranks(text) == {("95", 2023, "overall", 52)}


def test_after_the_merger_a_rank_keeps_the_code_of_the_table_it_is_read_from() -> None:
    text = (
        "Chỉ số chuyển đổi số (DTI) năm 2024. "
        "Theo bảng xếp hạng 34 tỉnh, thành phố, tỉnh Lào Cai xếp thứ 11. "
        "Xét theo 63 tỉnh, thành phố cũ, Yên Bái xếp thứ 12; Lào Cai (cũ) xếp thứ 28. "
        "Trong DTI năm 2023, Bắc Ninh xếp thứ 9."
    )
    ranks = {(r.province_code, r.year, r.rank) for r in extract_facts(text, date(2025, 10, 28)).rankings}
    assert ranks == {("15", 2024, 11), ("15", 2024, 12), ("10", 2024, 28), ("27", 2023, 9)}


def test_main_indicator_activities_vs_pillar() -> None:
    text = "DTI năm 2024: Tiền Giang xếp thứ 11/63 về hoạt động chính quyền số, xếp thứ 9 về chính quyền số."
    assert _ranks(text) == {("82", 2024, "activities", 11), ("82", 2024, "digital_government", 9)}
